"""A run that is interrupted still destroys what it applied (Terratest users' top complaint:
leaked resources when a run dies mid-way)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tfsuite.emulator.leftovers import leftovers
from tfsuite.paths import REPO_ROOT
from tfsuite.runner import unique_name_prefix

# A few resources from three services: enough to leave traces, quick to apply.
TARGETS = ["aws_s3_bucket.models", "aws_cloudwatch_log_group.tfserving", "aws_iam_role.task"]
SIGNALS = {"SIGTERM": signal.SIGTERM, "SIGINT": signal.SIGINT}


def hold(emulator, name_prefix: str) -> subprocess.Popen:
    """`python -m tfsuite.runner.hold`: applies TARGETS, then waits for a signal."""
    command = [sys.executable, "-m", "tfsuite.runner.hold", "--endpoint", emulator.endpoint,
               "--kind", emulator.kind, "--region", emulator.region, "--tfvars", "examples/article.tfvars",
               "--name-prefix", name_prefix, *(f"--target={t}" for t in TARGETS)]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.timeout(300)
def test_sigterm_or_sigint_after_apply_destroys_before_exit(toolchain, default_emulator):
    prefixes = {name: unique_name_prefix(lead=name[3:].lower()[0]) for name in SIGNALS}
    held = {name: hold(default_emulator, prefixes[name]) for name in SIGNALS}  # both apply side by side
    before, after, codes = {}, {}, {}
    try:
        for name, process in held.items():
            announced = process.stdout.readline()
            assert announced.startswith(f"applied {prefixes[name]}"), process.stderr.read()
            before[name] = set(leftovers(default_emulator, prefixes[name]))
        for name, process in held.items():
            process.send_signal(SIGNALS[name])
        for name, process in held.items():
            codes[name] = process.wait(timeout=240)
            after[name] = set(leftovers(default_emulator, prefixes[name]))
    finally:
        for process in held.values():
            if process.poll() is None:
                process.kill()
            process.communicate()

    assert before == dict.fromkeys(SIGNALS, {"buckets", "log groups", "iam roles and policies"})
    assert codes == {"SIGTERM": -signal.SIGTERM, "SIGINT": 130}
    assert after == dict.fromkeys(SIGNALS, set())
