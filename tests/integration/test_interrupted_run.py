"""A run that is interrupted still destroys what it applied (Terratest users' top complaint:
leaked resources when a run dies mid-way)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from tfsuite.emulator.leftovers import leftovers
from tfsuite.paths import REPO_ROOT
from tfsuite.runner import Workspace, unique_name_prefix

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


ROLES = ["aws_iam_role.execution", "aws_iam_role.task"]


@pytest.mark.timeout(400)
def test_destroy_removes_inline_policies_the_state_does_not_know(toolchain, default_emulator):
    """What an interrupted apply leaves deterministically: the provider's PutRolePolicy succeeded in
    AWS but never reached the state. AWS (and moto) refuse DeleteRole while any inline policy
    remains, so a destroy that only deletes the role retries for minutes, then leaks it."""
    workspace = Workspace.create(toolchain, default_emulator, unique_name_prefix(lead="o"))
    try:
        workspace.init()
        workspace.apply(workspace.plan(["examples/article.tfvars"], targets=ROLES, refresh=False))
        iam = default_emulator.client("iam")
        roles = [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(workspace.name_prefix)]
        assert len(roles) == len(ROLES), roles
        for role in roles:  # as an interrupted apply leaves them: in the account, not in the state
            iam.put_role_policy(RoleName=role, PolicyName="orphaned-by-an-interrupt",
                                PolicyDocument=json.dumps(ORPHAN_POLICY))
        assert not [a for a in workspace.state_addresses() if "role_policy" in a]

        workspace.destroy(deadline_seconds=120)  # the provider's DeleteRole retries outlast this

        assert leftovers(default_emulator, workspace.name_prefix) == {}
    finally:
        if workspace.applied is not None and workspace.destroy_error is None:  # failed before destroy
            workspace.destroy()
        workspace.remove()


ORPHAN_POLICY = {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Allow", "Action": "logs:CreateLogStream", "Resource": "*"}]}
