"""A run that dies in the middle of apply leaves nothing behind once the janitor has run.

The e2e flow runs as a subprocess against the embedded emulator; once its VPC exists (apply is
under way) it is stopped: by SIGTERM (what CI does when it cancels a job: the run destroys what it
made) or by SIGKILL of its whole process group (nothing can clean up: the janitor must).
"""

import json
import os
import signal
import subprocess
import sys

import pytest

from tfsuite.aws.tagging import TAG_RUN_ID, RunIdentity
from tfsuite.e2e.cli import plan_from_args
from tfsuite.emulator.leftovers import leftovers
from tfsuite.janitor.deleters import Clients
from tfsuite.janitor.inventory import discover
from tfsuite.paths import REPO_ROOT

pytestmark = pytest.mark.usefixtures("toolchain")  # the flow subprocess runs Terraform


def vpc_of_run(emulator_target, run_id: str) -> list:
    tagged = [{"Name": f"tag:{TAG_RUN_ID}", "Values": [run_id]}]
    return emulator_target.client("ec2").describe_vpcs(Filters=tagged)["Vpcs"]


def default_groups(emulator_target, vpcs: list) -> list[str]:
    """The default security groups of the run's VPCs (the embedded moto refuses to delete them, as AWS)."""
    in_vpcs = [{"Name": "vpc-id", "Values": [v["VpcId"] for v in vpcs]}, {"Name": "group-name", "Values": ["default"]}]
    return [g["GroupId"] for g in
            emulator_target.client("ec2").describe_security_groups(Filters=in_vpcs)["SecurityGroups"]] if vpcs else []


def plant_orphan(emulator_target, vpc: dict) -> str:
    """What a creation cut short by the stop leaves: a security group AWS made in the run's VPC,
    tagged like the run, that the state never heard of (an interrupted apply leaves such orphans
    when its CreateSecurityGroup reached AWS but the answer did not reach Terraform)."""
    ec2 = emulator_target.client("ec2")
    group = ec2.create_security_group(GroupName="cut-short-by-the-stop", Description="orphan", VpcId=vpc["VpcId"],
                                      TagSpecifications=[{"ResourceType": "security-group", "Tags": vpc["Tags"]}])
    return group["GroupId"]


def run_janitor(emulator, run_id: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tfsuite.janitor", "--endpoint-url", emulator.endpoint, "--region",
         emulator.region, "--older-than-hours", "0", "--run-id", run_id, "--retry-seconds", "60"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")})


def test_sigterm_in_the_middle_of_apply_destroys_and_the_janitor_leaves_nothing(emulator, emulator_target,
                                                                                 e2e_subprocess):
    run_id = RunIdentity.new().run_id
    bound = plan_from_args(["--emulator-endpoint", emulator.endpoint]).cleanup_bound_seconds
    flow = e2e_subprocess(run_id)
    flow.wait_until(lambda: vpc_of_run(emulator_target, run_id), timeout=150, what="VPC of the run")
    orphan = plant_orphan(emulator_target, vpc_of_run(emulator_target, run_id)[0])
    flow.process.send_signal(signal.SIGTERM)
    code = flow.exit_code(timeout=bound)  # fails with the run's output and report when exceeded

    assert code == 128 + signal.SIGTERM, flow.evidence()
    report = json.loads(flow.report.read_text())
    assert report["outcome"] == "interrupted by SIGTERM", flow.evidence()
    # The orphan keeps the VPC from being destroyed: the run deletes it before the destroy, which
    # otherwise retries DeleteVpc on DependencyViolation until its deadline and fails.
    assert f"security_group {orphan}" in report["orphaned_by_interrupted_apply"], flow.evidence()
    assert report["cleanup_problems"] == [], flow.evidence()
    assert any(step["name"] == "apply" and step["status"] == "failed" for step in report["steps"]), flow.evidence()
    assert not any("default" in problem for problem in report["cleanup_problems"]), flow.evidence()
    janitor = run_janitor(emulator, run_id)
    assert janitor.returncode == 0, janitor.stdout + janitor.stderr
    assert leftovers(emulator, run_id) == {}, flow.evidence()
    assert discover(Clients(emulator_target), run_id=run_id) == [], flow.evidence()


def test_a_run_killed_in_the_middle_of_apply_is_cleaned_up_by_the_janitor(emulator, emulator_target,
                                                                          e2e_subprocess):
    run_id = RunIdentity.new().run_id
    flow = e2e_subprocess(run_id)
    flow.wait_until(lambda: vpc_of_run(emulator_target, run_id), timeout=150, what="VPC of the run")
    flow.kill_group()  # SIGKILL to the run and its Terraform: no cleanup of its own

    assert discover(Clients(emulator_target), run_id=run_id), "the killed run left nothing to clean up"
    defaults = default_groups(emulator_target, vpc_of_run(emulator_target, run_id))
    janitor = run_janitor(emulator, run_id)
    assert janitor.returncode == 0, janitor.stdout + janitor.stderr + flow.evidence()
    assert defaults and not any(group in janitor.stdout for group in defaults), janitor.stdout
    assert "deleted       vpc " in janitor.stdout
    assert leftovers(emulator, run_id) == {}
    assert discover(Clients(emulator_target), run_id=run_id) == []
