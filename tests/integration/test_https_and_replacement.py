"""HTTPS and gRPC on the load balancer, and a target group replacement, applied on the emulator.

One deployment of its own (the article profile with an ACM certificate the emulator issued, and
gRPC on): the listeners are checked as the load balancer reports them (moto, like AWS, refuses a
certificate ACM does not know), then a change to an argument that forces a new target group is
planned and applied. With a fixed name and no create_before_destroy the old group would be deleted
while the listener still forwards to it (ResourceInUse), or the new one would collide with its name
(DuplicateTargetGroupName); both errors are the emulator's as they are AWS's.
"""

from __future__ import annotations

import pytest

from tfsuite.runner import Workspace, unique_name_prefix

pytestmark = pytest.mark.gate

PROFILE = "examples/article.tfvars"
REGION = "eu-west-1"  # the article profile's region
OVERRIDE = "tfsuite_force_replacement_override.tf"
SERVICES = ("acm", "ec2", "ecs", "elbv2", "s3", "iam", "logs")
# The REST target group's forcing arguments with one changed (protocol_version HTTP1 -> HTTP2).
FORCING_CHANGE = """locals {
  rest_target_group = {
    port             = local.tfserving_rest_port
    protocol         = "HTTP"
    protocol_version = "HTTP2"
    target_type      = "ip"
    vpc_cidr         = var.vpc_cidr
  }
}
"""


@pytest.fixture(scope="module")
def https(toolchain, default_emulator):
    """(workspace, emulator in the profile's region, the plan's variables), applied; destroyed after."""
    missing = default_emulator.missing(SERVICES)
    if missing:
        pytest.skip(f"the emulator does not offer {', '.join(missing)} ({default_emulator.describe()})")
    emulator = default_emulator.with_region(REGION)
    acm = emulator.client("acm")
    certificate = acm.request_certificate(DomainName="tfserving.example.com")["CertificateArn"]
    workspace = Workspace.create(toolchain, default_emulator, unique_name_prefix(lead="h"))
    wanted = {"certificate_arn": certificate, "grpc_enabled": True, "force_destroy_bucket": True}
    try:
        workspace.init()
        plan = workspace.plan([PROFILE], wanted, refresh=False, label="plan https")
        workspace.apply(plan, label="apply https")
        yield workspace, emulator, plan.variables()
    finally:
        try:
            workspace.destroy(label="destroy https")
        finally:
            workspace.remove()
            acm.delete_certificate(CertificateArn=certificate)


def test_listeners_speak_https_with_the_certificate_and_a_tls13_policy(https):
    workspace, emulator, wanted = https
    outputs = workspace.outputs()
    listeners = emulator.client("elbv2").describe_listeners(LoadBalancerArn=outputs["alb_arn"])["Listeners"]

    assert sorted(x["Port"] for x in listeners) == sorted([wanted["listener_port"], wanted["grpc_listener_port"]])
    for listener in listeners:
        assert listener["Protocol"] == "HTTPS", listener["Port"]
        assert listener["SslPolicy"] == wanted["ssl_policy"], listener["Port"]
        assert wanted["ssl_policy"].startswith("ELBSecurityPolicy-TLS13-")
        assert [c["CertificateArn"] for c in listener["Certificates"]] == [wanted["certificate_arn"]]
    assert outputs["predict_url"].startswith("https://")


def test_grpc_reaches_port_8500_through_its_own_target_group(https):
    workspace, emulator, wanted = https
    outputs, elbv2 = workspace.outputs(), emulator.client("elbv2")
    listeners = elbv2.describe_listeners(LoadBalancerArn=outputs["alb_arn"])["Listeners"]
    (grpc,) = [x for x in listeners if x["Port"] == wanted["grpc_listener_port"]]
    group_arn = grpc["DefaultActions"][0]["TargetGroupArn"]
    (group,) = elbv2.describe_target_groups(TargetGroupArns=[group_arn])["TargetGroups"]
    service = emulator.client("ecs").describe_services(
        cluster=outputs["ecs_cluster_name"], services=[outputs["ecs_service_name"]])["services"][0]
    rules = emulator.client("ec2").describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [outputs["task_security_group_id"]]}])["SecurityGroupRules"]

    assert (group["Port"], group["ProtocolVersion"], group["TargetType"]) == (8500, "GRPC", "ip")
    assert group_arn != outputs["target_group_arn"]
    assert {"targetGroupArn": group_arn, "containerName": "tfserving", "containerPort": 8500} in service[
        "loadBalancers"]
    assert sorted((r["FromPort"], r["ReferencedGroupInfo"]["GroupId"]) for r in rules if not r["IsEgress"]) == [
        (8500, outputs["alb_security_group_id"]), (8501, outputs["alb_security_group_id"])]


def test_a_forced_target_group_replacement_is_created_before_the_old_one_goes(https):
    workspace, emulator, wanted = https
    before = workspace.outputs()["target_group_arn"]
    (workspace.dir / OVERRIDE).write_text(FORCING_CHANGE)
    try:
        plan = workspace.plan([PROFILE], {k: wanted[k] for k in ("certificate_arn", "grpc_enabled",
                                                                 "force_destroy_bucket")},
                              label="plan forced replacement")
        changes = {c["address"]: c["change"] for c in plan.data["resource_changes"]}
        group = changes["aws_lb_target_group.tfserving"]

        assert group["actions"] == ["create", "delete"], "not created before the old group is destroyed"
        assert group["after"]["name"] != group["before"]["name"]
        workspace.apply(plan, label="apply forced replacement")
    finally:
        (workspace.dir / OVERRIDE).unlink()
    elbv2, outputs = emulator.client("elbv2"), workspace.outputs()
    after = outputs["target_group_arn"]
    listener = [x for x in elbv2.describe_listeners(LoadBalancerArn=outputs["alb_arn"])["Listeners"]
                if x["Port"] == wanted["listener_port"]][0]
    service = emulator.client("ecs").describe_services(
        cluster=outputs["ecs_cluster_name"], services=[outputs["ecs_service_name"]])["services"][0]

    assert after != before
    assert listener["DefaultActions"][0]["TargetGroupArn"] == after
    assert after in {lb["targetGroupArn"] for lb in service["loadBalancers"]}
    with pytest.raises(elbv2.exceptions.TargetGroupNotFoundException):
        elbv2.describe_target_groups(TargetGroupArns=[before])
