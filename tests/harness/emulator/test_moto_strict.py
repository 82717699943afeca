"""The embedded moto refuses what AWS refuses (tfsuite.emulator.moto_strict), each refusal with a
canary that runs its repro on an unpatched moto: it fails (xfail, strict) while moto is lenient and
passes the day moto refuses by itself, which fails this suite until the dead patch is removed."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import pytest
from botocore.exceptions import ClientError

from tfsuite.emulator import moto_strict
from tfsuite.paths import REPO_ROOT

REFUSALS = {refusal.name: refusal for refusal in moto_strict.REFUSALS}

UNPATCHED = """
import json, boto3
from moto.server import ThreadedMotoServer
from botocore.exceptions import ClientError
from tfsuite.emulator.moto_strict import REFUSALS
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
ec2 = boto3.client("ec2", endpoint_url=f"http://{host}:{port}", region_name="eu-west-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
answers = {}
for refusal in REFUSALS:
    try:
        refusal.repro(ec2)
        answers[refusal.name] = "accepted"
    except ClientError as err:
        answers[refusal.name] = err.response["Error"]["Code"]
server.stop()
print(json.dumps(answers))
"""


def refused_code(ec2, repro) -> str:
    with pytest.raises(ClientError) as refused:
        repro(ec2)
    return refused.value.response["Error"]["Code"]


@pytest.mark.parametrize("name", REFUSALS)
def test_the_embedded_moto_refuses_as_aws_does(embedded_moto, name):
    refusal = REFUSALS[name]
    assert refused_code(embedded_moto.client("ec2"), refusal.repro) == refusal.aws_error
    assert refusal.upstream  # an issue to watch, or the repro to file one


@pytest.fixture(scope="module")
def unpatched_answers() -> dict:
    """What an unpatched moto (same version, no tfsuite patches) answers to every repro."""
    result = subprocess.run([sys.executable, "-c", UNPATCHED], capture_output=True, text=True, timeout=180,
                            cwd=REPO_ROOT, env={"PYTHONPATH": str(REPO_ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(
    strict=True, raises=AssertionError, reason=f"moto {version('moto')} is lenient here: the patch is still needed"))
    for name in REFUSALS])
def test_canary_unpatched_moto_refuses_by_itself(unpatched_answers, name):
    assert unpatched_answers[name] == REFUSALS[name].aws_error


def test_the_canaries_do_run_the_repros_on_an_unpatched_moto(unpatched_answers):
    """pytest counts an error in an xfail test's fixture as the expected failure: this test (no
    xfail) fails instead when the unpatched run did not answer every repro."""
    assert set(unpatched_answers) == set(REFUSALS)


def test_the_patches_are_bound_to_the_pinned_moto(monkeypatch):
    from tfsuite.emulator.moto_server import EmbeddedMoto

    assert moto_strict.pinned_moto() == version("moto")
    monkeypatch.setattr(moto_strict, "pinned_moto", lambda: "0.0.1")
    with pytest.raises(moto_strict.MotoVersionMismatch, match=r"checked against the pinned 0\.0\.1"):
        moto_strict.apply()
    server = EmbeddedMoto()
    with pytest.raises(moto_strict.MotoVersionMismatch, match="run the canaries"):
        server.start()
    assert server.emulator is None


# already refused by moto itself: no patch, the test keeps it so --------------------------------------

def test_a_vpc_with_a_subnet_is_refused(embedded_moto):
    ec2 = embedded_moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.210.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.210.1.0/24")
    with pytest.raises(ClientError, match="DependencyViolation"):
        ec2.delete_vpc(VpcId=vpc)


@pytest.mark.parametrize("versioned", [False, True])
def test_a_bucket_with_objects_or_versions_is_refused(embedded_moto, versioned):
    s3, bucket = embedded_moto.client("s3"), f"strict-{'versioned' if versioned else 'plain'}-bucket"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": embedded_moto.region})
    if versioned:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    if versioned:
        s3.delete_object(Bucket=bucket, Key="k")  # only a version and a delete marker remain
    with pytest.raises(ClientError, match="BucketNotEmpty"):
        s3.delete_bucket(Bucket=bucket)


def test_a_vpc_left_with_only_its_default_group_goes_and_takes_the_group_with_it(embedded_moto):
    ec2 = embedded_moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.211.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="gone", Description="gone", VpcId=vpc)["GroupId"]
    ec2.delete_security_group(GroupId=group)
    ec2.delete_vpc(VpcId=vpc)
    assert ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"] == []
