"""The janitor finds suite-tagged resources older than N hours and deletes them in dependency
order, on the embedded emulator, with a stack built by boto3 the way a dead run leaves it."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from tfsuite.aws.tagging import TAG_CREATED_AT, TAG_MANAGED, TAG_RUN_ID, RunIdentity
from tfsuite.emulator.leftovers import leftovers
from tfsuite.janitor.deleters import Clients, Deleter, delete_with_retries
from tfsuite.janitor.inventory import discover, kind_and_ident
from tfsuite.janitor.sweep import main, sweep
from tfsuite.paths import REPO_ROOT

GOES_WITH_PARENT = {"listener"}  # deleted with its load balancer


def test_a_dry_run_lists_every_resource_of_the_run_and_deletes_nothing(emulator_target, leaked_run):
    stack = leaked_run()
    report = sweep(emulator_target, older_than_hours=0, dry_run=True, run_id=stack.run.run_id)
    listed = {(o.found.kind, o.found.ident) for o in report.with_status("would delete")}
    assert {c for c in stack.created if c[0] not in GOES_WITH_PARENT} <= listed
    assert len(discover(Clients(emulator_target), run_id=stack.run.run_id)) == len(report.outcomes)


def test_a_leaked_run_is_deleted_in_dependency_order_and_nothing_is_left(emulator, emulator_target,
                                                                        leaked_run):
    stack = leaked_run()
    report = sweep(emulator_target, older_than_hours=0, run_id=stack.run.run_id, retry_seconds=30)
    assert report.failed == []
    assert leftovers(emulator, stack.run.name_prefix) == {}
    ec2 = emulator_target.client("ec2")
    tagged = [{"Name": f"tag:{TAG_RUN_ID}", "Values": [stack.run.run_id]}]
    assert ec2.describe_vpcs(Filters=tagged)["Vpcs"] == []
    of_vpc = [{"Name": "resource-id", "Values": [stack.ident("vpc")]}]
    in_vpc = [{"Name": "vpc-id", "Values": [stack.ident("vpc")]}]
    assert ec2.describe_flow_logs(Filters=of_vpc)["FlowLogs"] == []
    assert ec2.describe_network_interfaces(Filters=in_vpc)["NetworkInterfaces"] == []


def test_only_runs_older_than_the_cutoff_are_deleted(emulator, emulator_target, leaked_run):
    old = leaked_run(RunIdentity.new(now=datetime.now(UTC) - timedelta(hours=7)))
    young = leaked_run()
    report = sweep(emulator_target, older_than_hours=6, retry_seconds=30)
    by_run = {}
    for outcome in report.outcomes:
        by_run.setdefault(outcome.found.owner.run_id, set()).add(outcome.status)
    assert by_run[old.run.run_id] == {"deleted"}
    assert by_run[young.run.run_id] == {"kept"}
    assert leftovers(emulator, old.run.name_prefix) == {}
    assert leftovers(emulator, young.run.name_prefix) != {}
    sweep(emulator_target, older_than_hours=0, run_id=young.run.run_id, retry_seconds=30)


def test_resources_without_a_readable_creation_time_are_listed_but_never_touched(emulator, emulator_target,
                                                                                leaked_run):
    run = RunIdentity.new()
    stack = leaked_run(run, tags={TAG_MANAGED: "true", TAG_RUN_ID: run.run_id, TAG_CREATED_AT: "yesterday"})
    report = sweep(emulator_target, older_than_hours=0, run_id=run.run_id)
    assert report.outcomes and {o.status for o in report.outcomes} == {"kept"}
    assert all("is not an ISO-8601 time" in o.detail for o in report.outcomes)
    assert leftovers(emulator, stack.run.name_prefix) != {}


def test_an_untagged_bucket_named_after_a_leaked_run_goes_with_the_run(emulator_target, leaked_run):
    """An apply interrupted between CreateBucket and PutBucketTagging leaves such a bucket."""
    stack, s3 = leaked_run(), emulator_target.client("s3")
    location = {"LocationConstraint": emulator_target.region}
    s3.create_bucket(Bucket=f"{stack.run.run_id}-models-orphan", CreateBucketConfiguration=location)
    stranger = f"{RunIdentity.new().run_id}-models-orphan"
    s3.create_bucket(Bucket=stranger, CreateBucketConfiguration=location)

    report = sweep(emulator_target, older_than_hours=0, retry_seconds=30)
    deleted = {o.found.ident for o in report.with_status("deleted") if o.found.kind == "s3_bucket"}
    assert f"{stack.run.run_id}-models-orphan" in deleted and stranger not in deleted
    assert stranger in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    s3.delete_bucket(Bucket=stranger)


def test_a_deletion_blocked_by_a_dependency_is_retried_until_it_goes(emulator_target):
    attempts = []

    def delete(clients, ident):
        attempts.append(ident)
        if len(attempts) < 3:
            raise ClientError({"Error": {"Code": "DependencyViolation", "Message": "subnets"}}, "DeleteVpc")

    deleter = Deleter("vpc", exists=lambda clients, ident: True, delete=delete)
    assert delete_with_retries(deleter, Clients(emulator_target), "vpc-1", retry_seconds=30) is True
    assert attempts == ["vpc-1"] * 3


def test_a_dependency_that_never_clears_fails_after_the_retry_budget(emulator_target):
    def delete(clients, ident):
        raise ClientError({"Error": {"Code": "DependencyViolation", "Message": "ENI in use"}}, "DeleteSubnet")

    deleter = Deleter("subnet", exists=lambda clients, ident: True, delete=delete)
    with pytest.raises(ClientError, match="DependencyViolation"):
        delete_with_retries(deleter, Clients(emulator_target), "subnet-1", retry_seconds=1.5)


def test_a_resource_that_is_already_gone_is_not_an_error(emulator_target):
    def delete(clients, ident):
        raise ClientError({"Error": {"Code": "InvalidVpcID.NotFound", "Message": "gone"}}, "DeleteVpc")

    deleter = Deleter("vpc", exists=lambda clients, ident: False, delete=delete)
    assert delete_with_retries(deleter, Clients(emulator_target), "vpc-1", retry_seconds=5) is False


@pytest.mark.parametrize(("arn", "expected"), [
    ("arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/e2e-1:*", ("log_group", "/ecs/e2e-1")),
    ("arn:aws:iam::111122223333:role/service/e2e-1-task", ("iam_role", "e2e-1-task")),
    ("arn:aws:ec2:eu-west-1:111122223333:natgateway/nat-0abc", ("nat_gateway", "nat-0abc")),
    ("arn:aws:ec2:eu-west-1:111122223333:elastic-ip/eipalloc-0abc", ("elastic_ip", "eipalloc-0abc")),
    ("arn:aws:s3:::e2e-1-models", ("s3_bucket", "e2e-1-models")),
    ("arn:aws:ec2:eu-west-1:111122223333:security-group-rule/sgr-0abc", (None, None)),
    ("arn:aws:ecs:eu-west-1:111122223333:task/e2e-1/0abc", (None, None)),
])
def test_arns_from_the_tagging_api_map_to_deleters(arn, expected):
    kind, ident = kind_and_ident(arn)
    assert (kind, ident if kind else None) == expected


def test_an_arn_that_is_not_one_is_refused():
    with pytest.raises(ValueError, match="not an ARN"):
        kind_and_ident("vpc-123")


# the command line -------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    ([], "the following arguments are required: --older-than-hours"),
    (["--older-than-hours", "-1"], "the age must be 0 hours or more"),
    (["--older-than-hours", "six"], "is not a number of hours"),
    (["--older-than-hours", "nan"], "the age must be 0 hours or more"),
    (["--older-than-hours", "6", "--run-id", "E2E_BAD"], "must be 3-20 characters"),
    (["--older-than-hours", "6", "--endpoint-url", "localhost:5000"], "must start with http://"),
    (["--older-than-hours", "6", "--retry-seconds", "0"], "give a positive number of seconds"),
])
def test_bad_arguments_are_refused_with_a_message(capsys, args, message):
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_the_command_fails_fast_and_names_the_credentials_problem(capsys, unused_tcp_port_url):
    assert main(["--older-than-hours", "0", "--endpoint-url", unused_tcp_port_url]) == 2
    assert "janitor: AWS credentials problem: cannot verify the credentials" in capsys.readouterr().err


def test_the_module_entry_point_cleans_a_leaked_run(emulator, leaked_run):
    stack = leaked_run()
    command = [sys.executable, "-m", "tfsuite.janitor", "--endpoint-url", emulator.endpoint,
               "--region", emulator.region, "--older-than-hours", "0", "--run-id", stack.run.run_id]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    dry = subprocess.run([*command, "--dry-run"], capture_output=True, text=True, env=env, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert f"would delete  vpc {stack.ident('vpc')}" in dry.stdout
    assert leftovers(emulator, stack.run.name_prefix) != {}
    real = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert real.returncode == 0, real.stdout + real.stderr
    assert leftovers(emulator, stack.run.name_prefix) == {}
