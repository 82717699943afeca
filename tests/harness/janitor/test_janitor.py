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


def test_what_the_terraform_state_holds_is_spared_and_only_the_rest_is_deleted(emulator_target, leaked_run):
    stack = leaked_run()
    clients = Clients(emulator_target)
    found = discover(clients, run_id=stack.run.run_id)
    orphans = {f for f in found if f.kind in ("iam_role", "log_group")}
    held = [f for f in found if f not in orphans]
    assert orphans and any(f.kind == "scalable_target" for f in held)
    # What a state holds: ids, ARNs, names; a scalable target's resource id without its dimension.
    state_values = {f.ident.split("|", 1)[0] if f.kind == "scalable_target" else f.ident for f in held}

    report = sweep(emulator_target, older_than_hours=0, run_id=stack.run.run_id, retry_seconds=30,
                   spare=state_values)

    assert {o.found for o in report.with_status("deleted")} == orphans
    assert {o.found for o in report.with_status("spared")} == set(held)
    assert set(discover(clients, run_id=stack.run.run_id)) == set(held)
    sweep(emulator_target, older_than_hours=0, run_id=stack.run.run_id, retry_seconds=30)


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
    (["--older-than-hours", "6", "--account", "1234"], "is not an AWS account id (exactly 12 digits)"),
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


# which account it may sweep ------------------------------------------------------------------------

@pytest.fixture
def aws_through_emulator(emulator, monkeypatch):
    """Credentials whose every call lands on the emulator, while the janitor believes it is on AWS
    (no --endpoint-url): the account guard applies. The emulator's account is 123456789012."""
    for name in ("E2E_AWS_ACCOUNT_IDS", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    return ["--older-than-hours", "0", "--region", emulator.region, "--dry-run"]


def test_without_an_allowlist_or_a_named_account_the_janitor_refuses_before_any_call(
        aws_through_emulator, capsys, monkeypatch, unused_tcp_port_url):
    monkeypatch.setenv("AWS_ENDPOINT_URL", unused_tcp_port_url)  # a call would fail differently
    assert main(aws_through_emulator) == 2
    err = capsys.readouterr().err
    assert "janitor: no account allowlist: set E2E_AWS_ACCOUNT_IDS" in err and "--account" in err


def test_a_named_account_is_swept_only_when_the_credentials_belong_to_it(aws_through_emulator, capsys):
    assert main([*aws_through_emulator, "--account", "111122223333"]) == 2
    assert "the credentials belong to account 123456789012, not to 111122223333" in capsys.readouterr().err
    assert main([*aws_through_emulator, "--account", "123456789012"]) == 0
    assert "[janitor] account 123456789012" in capsys.readouterr().out


def test_the_allowlist_lets_the_janitor_sweep_its_accounts_and_narrows_a_named_one(
        aws_through_emulator, capsys, monkeypatch):
    monkeypatch.setenv("E2E_AWS_ACCOUNT_IDS", "123456789012,111122223333")
    assert main(aws_through_emulator) == 0
    assert main([*aws_through_emulator, "--account", "999999999999"]) == 2
    assert "--account 999999999999 is not in E2E_AWS_ACCOUNT_IDS" in capsys.readouterr().err


def test_make_janitor_passes_the_named_account():
    shown = subprocess.run(["make", "-n", "janitor", "ACCOUNT=123456789012", "HOURS=2"], cwd=REPO_ROOT,
                           capture_output=True, text=True, check=True, timeout=60).stdout
    [line] = [line for line in shown.replace("\\\n", " ").splitlines() if "tfsuite.janitor" in line]
    assert "--account 123456789012" in line and "--older-than-hours 2" in line


# AWS's rules ---------------------------------------------------------------------------------------

def test_the_vpcs_default_security_group_is_never_deleted_even_when_tagged(emulator, emulator_target, leaked_run):
    """The provider's default tags mark the default group the configuration manages; AWS refuses to
    delete it (CannotDelete) and deletes it with its VPC."""
    stack = leaked_run()
    ec2 = emulator_target.client("ec2")
    report = sweep(emulator_target, older_than_hours=0, run_id=stack.run.run_id, retry_seconds=30)
    assert [o for o in report.outcomes if o.found.ident == stack.default_group] == []
    assert report.failed == []
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [stack.ident("vpc")]}])["Vpcs"] == []
    assert leftovers(emulator, stack.run.name_prefix) == {}


def test_the_nat_gateway_is_waited_deleted_and_its_address_released(emulator_target, leaked_run):
    stack = leaked_run()
    report = sweep(emulator_target, older_than_hours=0, run_id=stack.run.run_id, retry_seconds=30)
    statuses = {(o.found.kind, o.found.ident): o.status for o in report.outcomes}
    assert statuses[("nat_gateway", stack.ident("nat_gateway"))] == "deleted"
    assert statuses[("elastic_ip", stack.ident("elastic_ip"))] == "deleted"
    ec2 = emulator_target.client("ec2")
    [nat] = ec2.describe_nat_gateways(NatGatewayIds=[stack.ident("nat_gateway")])["NatGateways"]
    assert nat["State"] == "deleted"
    with pytest.raises(ClientError, match="InvalidAllocationID.NotFound"):
        ec2.describe_addresses(AllocationIds=[stack.ident("elastic_ip")])


def test_an_interface_aws_manages_for_a_service_is_left_to_its_owner(emulator, emulator_target, leaked_run):
    from tfsuite.janitor.deleters import BY_KIND
    from tfsuite.testing.aws_doubles import requester_managed

    stack, ec2 = leaked_run(), emulator_target.client("ec2")
    subnet = stack.ident("subnet")
    eni = ec2.create_network_interface(SubnetId=subnet, Description="ELB app/x")["NetworkInterface"]
    eni = eni["NetworkInterfaceId"]
    requester_managed(emulator, eni, "amazon-elb")

    listed = sweep(emulator_target, older_than_hours=0, dry_run=True, run_id=stack.run.run_id)
    assert eni not in {o.found.ident for o in listed.outcomes}
    with pytest.raises(ClientError, match=f"DependencyViolation.*{eni} is managed by amazon-elb"):
        delete_with_retries(BY_KIND["network_interface"], Clients(emulator_target), eni, retry_seconds=1.5)
    assert ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"]
    ec2.delete_network_interface(NetworkInterfaceId=eni)  # what the load balancer's deletion does on AWS
    assert sweep(emulator_target, older_than_hours=0, run_id=stack.run.run_id, retry_seconds=30).failed == []


def test_every_listing_of_the_sweep_is_paginated(emulator, leaked_run):
    import boto3

    from tfsuite.aws.clients import EMULATOR_CREDENTIALS, AwsTarget
    from tfsuite.testing.aws_doubles import DirectListings

    session = boto3.Session(region_name=emulator.region, **EMULATOR_CREDENTIALS)
    direct = DirectListings(session)
    target = AwsTarget(emulator.region, endpoint_url=emulator.endpoint, session=session)
    stack = leaked_run()
    report = sweep(target, older_than_hours=0, run_id=stack.run.run_id, retry_seconds=30)
    assert report.failed == [] and report.with_status("deleted")
    assert direct.calls == []
