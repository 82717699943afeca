"""moto made to refuse what AWS refuses, where its leniency would hide a cleanup defect.

moto (pinned in constraints.txt) deletes what AWS will not, so a janitor or a destroy that would
fail on AWS passes on the emulator. Each refusal below is a compatibility patch of the embedded
server's EC2 request handlers (checked before moto's own backend call, so moto's internal calls,
such as deleting the default group together with its VPC, are untouched). Each names the upstream
issue, or carries the repro to file one (`Refusal.repro`: the boto3 calls, the error AWS answers);
tests/harness/emulator/test_moto_strict.py runs every repro on the patched server (AWS's answer)
and, as a canary, on an unpatched moto (xfail strict: once moto refuses by itself, the canary
passes, the test fails, and the patch is to be removed).

The patches are bound to the pinned moto: apply() refuses any other version, so an upgrade of moto
re-checks the canaries before the patches are trusted again.

Checked and NOT patched (moto 5.2.5 already refuses as AWS does; the tests keep it so):
DeleteVpc with subnets or a non-main route table (moto PR getmoto/moto#8811), DeleteBucket of a
non-empty bucket or a versioned one with versions or delete markers left (BucketNotEmpty).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from tfsuite.paths import REPO_ROOT

CONSTRAINTS = REPO_ROOT / "constraints.txt"
_APPLIED_MARK = "_tfsuite_strict_applied"


class MotoVersionMismatch(RuntimeError):
    """The installed moto is not the one the strictness patches were checked against."""


def pinned_moto() -> str:
    match = re.search(r"^moto==([^\s;#]+)", CONSTRAINTS.read_text(), re.M)
    if not match:
        raise MotoVersionMismatch(f"{CONSTRAINTS} pins no moto version (moto==X.Y.Z)")
    return match.group(1)


@dataclass(frozen=True)
class Refusal:
    name: str
    aws_error: str  # the error code AWS answers
    upstream: str  # the upstream issue, or where the repro to file one is
    repro: Callable[[Any], None]  # given a boto3 EC2 client: the calls AWS refuses (the last one)


# --- the repros: what AWS refuses ---------------------------------------------------------------------

def _vpc(ec2, cidr: str) -> str:
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def _group(ec2, vpc: str, name: str) -> str:
    return ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]


def repro_default_group(ec2) -> None:
    vpc = _vpc(ec2, "10.201.0.0/16")
    [default] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                      {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    ec2.delete_security_group(GroupId=default["GroupId"])  # AWS: CannotDelete


def repro_group_in_use(ec2) -> None:
    vpc = _vpc(ec2, "10.202.0.0/16")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.202.1.0/24")["Subnet"]["SubnetId"]
    group = _group(ec2, vpc, "in-use")
    ec2.create_network_interface(SubnetId=subnet, Groups=[group])
    ec2.delete_security_group(GroupId=group)  # AWS: DependencyViolation


def repro_group_referenced(ec2) -> None:
    vpc = _vpc(ec2, "10.203.0.0/16")
    source, other = _group(ec2, vpc, "source"), _group(ec2, vpc, "other")
    ec2.authorize_security_group_ingress(GroupId=other, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8501, "ToPort": 8501, "UserIdGroupPairs": [{"GroupId": source}]}])
    ec2.delete_security_group(GroupId=source)  # AWS: DependencyViolation


def repro_vpc_with_gateway(ec2) -> None:
    vpc = _vpc(ec2, "10.204.0.0/16")
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    ec2.delete_vpc(VpcId=vpc)  # AWS: DependencyViolation


def repro_vpc_with_group(ec2) -> None:
    vpc = _vpc(ec2, "10.205.0.0/16")
    _group(ec2, vpc, "left")
    ec2.delete_vpc(VpcId=vpc)  # AWS: DependencyViolation


def repro_vpc_with_endpoint(ec2) -> None:
    vpc = _vpc(ec2, "10.206.0.0/16")
    region = ec2.meta.region_name
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.s3", VpcEndpointType="Gateway")
    ec2.delete_vpc(VpcId=vpc)  # AWS: DependencyViolation


_NOT_FILED = "not filed upstream (no issue found in getmoto/moto); repro: tfsuite.emulator.moto_strict."
REFUSALS = (
    Refusal("default security group", "CannotDelete", _NOT_FILED + "repro_default_group", repro_default_group),
    Refusal("security group in use", "DependencyViolation", _NOT_FILED + "repro_group_in_use "
            "(moto's own TODO in ec2/responses/security_groups.py)", repro_group_in_use),
    Refusal("security group referenced", "DependencyViolation", _NOT_FILED + "repro_group_referenced",
            repro_group_referenced),
    Refusal("vpc with internet gateway", "DependencyViolation", _NOT_FILED + "repro_vpc_with_gateway "
            "(moto's own TODO in ec2/models/vpcs.py: 'Refuse to delete if there are dependent IGW')",
            repro_vpc_with_gateway),
    Refusal("vpc with security group", "DependencyViolation", _NOT_FILED + "repro_vpc_with_group",
            repro_vpc_with_group),
    Refusal("vpc with endpoint", "DependencyViolation", _NOT_FILED + "repro_vpc_with_endpoint",
            repro_vpc_with_endpoint),
)


# --- the patches -------------------------------------------------------------------------------------

def _group_refusal(backend, group_id: str) -> tuple[str, str] | None:
    """(code, message) AWS answers to DeleteSecurityGroup for this group, or None."""
    group = backend.get_security_group_from_id(group_id)
    if group is None:
        return None  # moto raises its own not-found error
    if group.name == "default" and group.vpc_id:
        return "CannotDelete", f'the specified group: "{group_id}" name: "default" cannot be deleted by a user'
    in_use = any(group_id in [g.id for g in eni.group_set] for eni in backend.enis.values())
    referenced = any(rule.source_group.get("GroupId") == group_id
                     for groups in backend.groups.values() for other in groups.values() if other.id != group_id
                     for rule in [*other.ingress_rules, *other.egress_rules])
    if in_use or referenced:
        return "DependencyViolation", f"resource {group_id} has a dependent object"
    return None


def _vpc_has_dependencies(backend, vpc_id: str) -> bool:
    if backend.describe_internet_gateways(filters={"attachment.vpc-id": vpc_id}):
        return True
    groups = backend.groups.get(vpc_id, {})
    if any(group.name != "default" for group in groups.values()):
        return True
    return any(e.vpc_id == vpc_id and e.state != "deleted" for e in backend.vpc_end_points.values())


def _patch_delete_security_group() -> None:
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.responses.security_groups import SecurityGroups

    original = SecurityGroups.delete_security_group

    def delete_security_group(self: SecurityGroups) -> Any:
        group_id = self._get_param("GroupId")
        refusal = _group_refusal(self.ec2_backend, group_id) if group_id else None
        if refusal:
            raise EC2ClientError(*refusal)
        return original(self)

    SecurityGroups.delete_security_group = delete_security_group


def _patch_delete_vpc() -> None:
    from moto.ec2.exceptions import DependencyViolationError
    from moto.ec2.responses.vpcs import VPCs

    original = VPCs.delete_vpc

    def delete_vpc(self: VPCs) -> Any:
        vpc_id = self._get_param("VpcId")
        if vpc_id in self.ec2_backend.vpcs and _vpc_has_dependencies(self.ec2_backend, vpc_id):
            raise DependencyViolationError(f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
        return original(self)

    VPCs.delete_vpc = delete_vpc


def require_pinned_moto() -> None:
    """The compatibility and strictness patches were checked against the pinned moto only."""
    installed, pinned = version("moto"), pinned_moto()
    if installed != pinned:
        raise MotoVersionMismatch(
            f"moto {installed} is installed but the compatibility patches were checked against the pinned "
            f"{pinned}: run the canaries (tests/harness/emulator/test_moto_strict.py, "
            f"test_moto_compat_canaries.py) with it, drop the patches whose canary now passes, then move the "
            f"pin in {CONSTRAINTS.name}")


def apply() -> None:
    """Make the in-process moto refuse what AWS refuses (once per process); only the pinned moto."""
    from moto.ec2.responses.vpcs import VPCs

    require_pinned_moto()
    if getattr(VPCs, _APPLIED_MARK, False):
        return
    _patch_delete_security_group()
    _patch_delete_vpc()
    setattr(VPCs, _APPLIED_MARK, True)
