"""The whole suite against its floor, in one run: the bare CLI lifecycle of one profile on the
emulator, then `make gate`, then `make test`, each timed, with the ratios to the floor.

    .venv/bin/tox exec -e integration -- python benchmarks/suite.py [--only floor,gate,test]
        [--make-arg "TOX=.venv/bin/tox --workdir DIR"] [--make-arg JOBS=1] [--json FILE]

(any interpreter with the integration layer's packages and PYTHONPATH=src will do.)

The floor is benchmarks/emulator_lifecycle.py's bare lifecycle (init, plan, apply, second plan,
destroy with the plain CLI on embedded moto, the lifecycle profile's variables): no Terraform-driven
test can take less. The issue's targets, warm: gate <= 1.5 x floor, test <= 2.5 x floor. This is a
benchmark, not a test: it prints the figures and exits 0 unless a step itself fails. Run it warm
(`make bootstrap` done, tox envs created) or the first set-up is measured too.

Each step's CPU time (its processes' user + system time) is printed too, and divided by the cores
of the machine: no scheduling can finish that work in less wall time, so `cpu/cores` next to the
floor says how close a step is to what the machine can do at all.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from emulator_lifecycle import LIFECYCLE, bare_lifecycle  # noqa: E402

from tfsuite.emulator.session import open_emulator  # noqa: E402
from tfsuite.runner import Inventory  # noqa: E402
from tfsuite.toolchain import ToolchainMissing, load_toolchain  # noqa: E402

STEPS = ("floor", "gate", "test")
TARGETS = {"gate": 1.5, "test": 2.5}


def cpu_seconds() -> float:
    """User + system time of this process and of its waited-for children (and theirs) so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def floor() -> float:
    toolchain = load_toolchain()
    with open_emulator() as emulator:
        return bare_lifecycle(toolchain, emulator, Inventory.load(LIFECYCLE))


def make(target: str, make_args: list[str]) -> float:
    started = time.monotonic()
    done = subprocess.run(["make", "-s", target, *make_args], cwd=REPO)
    seconds = time.monotonic() - started
    print(f"make {target}: exit {done.returncode} after {seconds:.1f}s", flush=True)
    return seconds if done.returncode == 0 else -seconds  # a failed run is shown, marked, not compared


def _steps(value: str) -> list[str]:
    chosen = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in STEPS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"--only takes a comma-separated subset of {','.join(STEPS)}")
    return chosen


def report(times: dict[str, float], cpu: dict[str, float] | None = None, cores: int | None = None) -> list[str]:
    cpu, cores = cpu or {}, cores or os.cpu_count() or 1
    lines = [f"{'step':<6} {'seconds':>8} {'cpu s':>8} {'cpu/' + str(cores) + ' cores':>13}  ratio to floor (target)"]
    base = times.get("floor")
    for step, seconds in times.items():
        ratio = ""
        if step != "floor" and base and seconds > 0:
            ratio = f"{seconds / base:.2f} (<= {TARGETS[step]})"
            if step in cpu:
                ratio += f"; cpu/{cores} alone is {cpu[step] / cores / base:.2f}"
        elif seconds < 0:
            ratio = "FAILED: not compared"
        used = f"{cpu[step]:>8.1f} {cpu[step] / cores:>13.1f}" if step in cpu else f"{'':>8} {'':>13}"
        lines.append(f"{step:<6} {abs(seconds):>8.1f} {used}  {ratio}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=_steps, default=list(STEPS), help="steps to run (default: all)")
    parser.add_argument("--make-arg", action="append", default=[], help='passed to make, e.g. TOX="..." or JOBS=1')
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    try:
        load_toolchain()
    except ToolchainMissing as exc:
        parser.error(f"run make bootstrap first ({exc})")
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for step in args.only:
        print(f"== {step}", flush=True)
        before = cpu_seconds()
        times[step] = floor() if step == "floor" else make(step, args.make_arg)
        cpu[step] = cpu_seconds() - before
        if step == "floor":
            print(f"bare CLI lifecycle: {times[step]:.1f}s", flush=True)
    print("\n".join(report(times, cpu)))
    if args.json:
        args.json.write_text(json.dumps({"seconds": times, "cpu_seconds": cpu, "cores": os.cpu_count()},
                                        indent=2) + "\n")
    return 0 if all(s >= 0 for s in times.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
