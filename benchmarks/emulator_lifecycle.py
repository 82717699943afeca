"""The lifecycle through the harness against the bare CLI, on the same emulator.

    PYTHONPATH=src python benchmarks/emulator_lifecycle.py [--rounds 2] [--max-ratio 1.25]

Both sides run init -> plan -> apply -> second plan -> destroy on a fresh temporary copy of
terraform/ with the same override file and the same variables (tests/integration/inventories/
lifecycle.yaml), each with its own name_prefix. The harness side also reads the plans back as
JSON (what the tests need); the bare side is the plain command sequence. Rounds alternate which
side goes first. Prints both times and the ratio; exits 1 when the median ratio exceeds
--max-ratio. Uses LOCALSTACK_ENDPOINT when set, else embedded moto.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tfsuite.copies import copy_folder  # noqa: E402
from tfsuite.emulator.session import open_emulator  # noqa: E402
from tfsuite.paths import TERRAFORM_DIR  # noqa: E402
from tfsuite.runner import Deployment, Inventory, Workspace, unique_name_prefix  # noqa: E402
from tfsuite.runner.override import write_override  # noqa: E402
from tfsuite.toolchain import ToolchainMissing, load_toolchain  # noqa: E402

LIFECYCLE = REPO / "tests" / "integration" / "inventories" / "lifecycle.yaml"


def harness_lifecycle(toolchain, emulator, inventory: Inventory) -> float:
    started = time.monotonic()
    deployment = Deployment(Workspace.create(toolchain, emulator, unique_name_prefix(lead="b")), inventory)
    try:
        deployment.init()
        deployment.apply()
        changes = deployment.second_plan_changes()
        if changes:
            raise SystemExit(f"harness: second plan not empty: {changes}")
        deployment.destroy()
    finally:
        deployment.close()
    return time.monotonic() - started


def bare_lifecycle(toolchain, emulator, inventory: Inventory) -> float:
    started = time.monotonic()
    parent = Path(tempfile.mkdtemp(prefix="tfsuite-bare-"))
    tfdir = parent / "terraform"
    try:
        copy_folder(TERRAFORM_DIR, tfdir, overrides=False)
        write_override(tfdir, emulator)
        variables = {**inventory.resolved_vars(), "name_prefix": unique_name_prefix(lead="c")}
        (tfdir / "bench.tfvars.json").write_text(json.dumps(variables))
        var_args = [*(f"-var-file={f}" for f in inventory.tfvars), "-var-file=bench.tfvars.json"]
        env = toolchain.env()
        env.update({"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                    "AWS_EC2_METADATA_DISABLED": "true"})

        def cli(*args: str, ok: tuple[int, ...] = (0,)) -> None:
            done = subprocess.run([str(toolchain.cli), *args], cwd=tfdir, env=env,
                                  capture_output=True, text=True)
            if done.returncode not in ok:
                raise SystemExit(f"bare: terraform {args[0]} exited {done.returncode}:\n"
                                 f"{done.stderr[-3000:]}")

        cli("init", "-input=false", "-no-color")
        cli("plan", "-input=false", "-no-color", "-refresh=false", "-out=plan.out", *var_args)
        cli("apply", "-input=false", "-no-color", "-auto-approve", "plan.out")
        cli("plan", "-input=false", "-no-color", "-detailed-exitcode", *var_args)
        cli("destroy", "-input=false", "-no-color", "-auto-approve", "-refresh=false", *var_args)
    finally:
        shutil.rmtree(parent, ignore_errors=True)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="harness+bare pairs to run (default 1)")
    parser.add_argument("--max-ratio", type=float, default=1.25, help="fail above this harness/bare ratio")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.max_ratio <= 0:
        parser.error("--max-ratio must be positive")
    try:
        toolchain = load_toolchain()
    except ToolchainMissing as exc:
        parser.error(f"toolchain missing: run make bootstrap ({exc})")
    inventory = Inventory.load(LIFECYCLE)

    harness, bare = [], []
    with open_emulator() as emulator:
        print(f"emulator: {emulator.describe()}; variables from {LIFECYCLE.relative_to(REPO)}", flush=True)
        for number in range(1, args.rounds + 1):
            order = [("bare", bare_lifecycle, bare), ("harness", harness_lifecycle, harness)]
            if number % 2 == 0:
                order.reverse()
            for name, run, times in order:
                times.append(run(toolchain, emulator, inventory))
                print(f"round {number}: {name:<7} {times[-1]:6.1f}s", flush=True)

    harness_s, bare_s = statistics.median(harness), statistics.median(bare)
    ratio = harness_s / bare_s
    verdict = "ok" if ratio <= args.max_ratio else "OVER TARGET"
    print(f"harness {harness_s:.1f}s  bare CLI {bare_s:.1f}s  ratio {ratio:.2f} "
          f"(target <= {args.max_ratio:.2f}): {verdict}")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
