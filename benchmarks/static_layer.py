"""Wall time of the static layer against a bare checkov scan of terraform/.

    python benchmarks/static_layer.py [--runs 5] [--python PY] [--checkov PATH]

The layer is timed as tox runs it (`pytest tests/unit -m "not slow"`, a fresh interpreter each
time); the baseline is `checkov -d terraform --framework terraform --skip-download`. Both get
CKV_SKIP_PACKAGE_UPDATE_CHECK=true, so neither waits on PyPI. Runs alternate between the two so
background load hits both alike; the medians decide. Exits 1 when the layer takes more than
--max-ratio times the baseline or more than --max-seconds.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tfsuite.policy.checkov_cli import CheckovMissing, clean_env, find_checkov  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str], expect: tuple[int, ...]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and everything it waited for)."""
    cpu_before, started = _children_cpu(), time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    if result.returncode not in expect:
        raise SystemExit(f"{command[0]} exited {result.returncode}:\n{result.stdout[-3000:]}")
    return seconds, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each (default 5)")
    parser.add_argument("--python", default=sys.executable, help="interpreter with the unit env's packages")
    parser.add_argument("--checkov", help="checkov CLI (default: CHECKOV_BIN, then the toolchain manifest)")
    parser.add_argument("--max-ratio", type=float, default=1.5)
    parser.add_argument("--max-seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        checkov = Path(args.checkov) if args.checkov else find_checkov()
    except CheckovMissing as exc:
        parser.error(str(exc))

    with tempfile.TemporaryDirectory(prefix="tfsuite-bench-") as tmp:
        layer_env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "TFSUITE_LAYER": "unit",
                     "TFSUITE_REPORTS_DIR": tmp, "CHECKOV_BIN": str(checkov)}
        layer = [args.python, "-m", "pytest", str(REPO / "tests" / "unit"), "-m", "not slow",
                 "-p", "no:cacheprovider", "-q", "--junitxml", str(Path(tmp) / "unit.xml")]
        bare = [str(checkov), "--directory", str(REPO / "terraform"), "--framework", "terraform",
                "--skip-download", "--output-file-path", tmp, "--output", "json"]
        layer_runs, bare_runs = [], []
        for run in range(1, args.runs + 1):
            bare_runs.append(timed(bare, clean_env(), expect=(0, 1)))  # 1: checks failed, still a scan
            layer_runs.append(timed(layer, layer_env, expect=(0,)))  # the layer must pass to count
            print(f"run {run}: bare checkov {bare_runs[-1][0]:6.2f} s (cpu {bare_runs[-1][1]:5.2f})   "
                  f"static layer {layer_runs[-1][0]:6.2f} s (cpu {layer_runs[-1][1]:5.2f})", flush=True)

    layer_median = statistics.median(wall for wall, _ in layer_runs)
    bare_median = statistics.median(wall for wall, _ in bare_runs)
    cpu_ratio = statistics.median(c for _, c in layer_runs) / statistics.median(c for _, c in bare_runs)
    ratio = layer_median / bare_median
    print(f"\nmedian of {args.runs}: bare checkov {bare_median:.2f} s, static layer {layer_median:.2f} s, "
          f"ratio {ratio:.2f} (limit {args.max_ratio}), layer limit {args.max_seconds:.0f} s")
    print(f"CPU time ratio (median, independent of other load): {cpu_ratio:.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
          "(other work on the machine slows both sides, the layer more: it also runs pytest)")
    ok = ratio <= args.max_ratio and layer_median <= args.max_seconds
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
