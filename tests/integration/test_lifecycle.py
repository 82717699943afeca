"""The deployment's whole life on an emulator, in order: plan -> apply -> live checks ->
second plan empty -> destroy -> nothing left. One apply per emulator per session.

Runs on embedded moto (or LOCALSTACK_ENDPOINT) as [default], and on a host LocalStack as
[localstack] (`-m localstack`), where tests about services the edition lacks skip, naming them.
"""

from __future__ import annotations

import json
import warnings

import pytest

from tfsuite.emulator.services import endpoint_services, service_of
from tfsuite.modelsync import COMPLETE_MARKER
from tfsuite.paths import REPO_ROOT
from tfsuite.runner.inventory import check_counts, check_values
from tfsuite.serving.deployment import MODEL_BASE_PATH
from tfsuite.static import contract

pytestmark = pytest.mark.gate

TFSERVING_REST_PORT = contract.REST_PORT  # TF Serving's REST port, a fact of the image


def variables(deployment) -> dict:
    return deployment.plan.variables()


# plan ------------------------------------------------------------------------------------------

def test_plan_has_the_inventory_values(deployment):
    problems = check_values(deployment.inventory, deployment.plan, deployment.name_prefix)
    assert not problems, "\n".join(problems)


def test_plan_has_the_inventory_counts(deployment):
    problems = check_counts(deployment.inventory, deployment.plan)
    assert not problems, "\n".join(problems)


def test_override_points_every_service_of_the_plan_at_the_emulator(deployment):
    services = {service_of(t) for t in deployment.plan.resource_types()}
    assert services <= set(endpoint_services())


def test_plan_json_is_published_for_the_policy_layer(deployment):
    published = json.loads(deployment.plan_report.read_text())
    assert published["planned_values"] == deployment.plan.data["planned_values"]


# apply and live checks --------------------------------------------------------------------------

def test_apply_creates_every_planned_resource_the_emulator_offers(applied):
    planned = {a for a in applied.apply_plan.resources()}
    assert set(applied.workspace.state_addresses()) >= planned


@pytest.mark.services("elbv2")
def test_listener_forwards_its_port_to_the_target_group_on_8501(applied, outputs):
    elbv2 = applied.emulator.client("elbv2")
    listeners = elbv2.describe_listeners(LoadBalancerArn=outputs["alb_arn"])["Listeners"]
    group = elbv2.describe_target_groups(TargetGroupArns=[outputs["target_group_arn"]])["TargetGroups"][0]

    assert [(x["Port"], x["Protocol"]) for x in listeners] == [(variables(applied)["listener_port"], "HTTP")]
    assert listeners[0]["DefaultActions"][0]["Type"] == "forward"
    assert listeners[0]["DefaultActions"][0]["TargetGroupArn"] == outputs["target_group_arn"]
    assert (group["Port"], group["Protocol"], group["TargetType"]) == (TFSERVING_REST_PORT, "HTTP", "ip")
    assert group["HealthCheckPath"] == f"/v1/models/{variables(applied)['model_name']}/metadata"
    assert group["Matcher"]["HttpCode"] == "200"
    assert group["LoadBalancerArns"] == [outputs["alb_arn"]]


@pytest.mark.services("elbv2")
def test_load_balancer_scheme_follows_alb_internal(applied, outputs):
    lb = applied.emulator.client("elbv2").describe_load_balancers(
        LoadBalancerArns=[outputs["alb_arn"]])["LoadBalancers"][0]
    expected = "internal" if variables(applied)["alb_internal"] else "internet-facing"
    assert (lb["Type"], lb["Scheme"]) == ("application", expected)


@pytest.mark.services("ecs")
def test_ecs_service_runs_the_task_definition_behind_the_target_group(applied, outputs):
    ecs = applied.emulator.client("ecs")
    service = ecs.describe_services(cluster=outputs["ecs_cluster_name"],
                                    services=[outputs["ecs_service_name"]])["services"][0]
    network = service["networkConfiguration"]["awsvpcConfiguration"]
    wanted = variables(applied)

    assert service["desiredCount"] == wanted["desired_count"]
    assert service["launchType"] == "FARGATE"
    assert service["taskDefinition"] == outputs["task_definition_arn"]
    assert service["healthCheckGracePeriodSeconds"] == wanted["health_check_grace_period_seconds"]
    assert service["loadBalancers"] == [{"targetGroupArn": outputs["target_group_arn"],
                                         "containerName": "tfserving", "containerPort": TFSERVING_REST_PORT}]
    assert network["securityGroups"] == [outputs["task_security_group_id"]]
    assert sorted(network["subnets"]) == sorted(outputs["task_subnet_ids"])
    assert network["assignPublicIp"] == ("ENABLED" if wanted["task_subnet_type"] == "public" else "DISABLED")


@pytest.mark.services("ecs")
def test_task_definition_containers_ports_environment_and_logs(applied, outputs):
    definition = applied.emulator.client("ecs").describe_task_definition(
        taskDefinition=outputs["task_definition_arn"])["taskDefinition"]
    containers = {c["name"]: c for c in definition["containerDefinitions"]}
    serving, wanted = containers["tfserving"], variables(applied)
    logs = serving["logConfiguration"]

    assert (definition["cpu"], definition["memory"]) == (str(wanted["task_cpu"]), str(wanted["task_memory"]))
    assert definition["requiresCompatibilities"] == ["FARGATE"] and definition["networkMode"] == "awsvpc"
    assert definition["executionRoleArn"] == outputs["execution_role_arn"]
    assert definition["taskRoleArn"] == outputs["task_role_arn"]
    assert serving["essential"] is True
    assert [p["containerPort"] for p in serving["portMappings"]] == [TFSERVING_REST_PORT]
    assert {e["name"]: e["value"] for e in serving["environment"]}.items() >= {
        "MODEL_NAME": wanted["model_name"], "MODEL_BASE_PATH": MODEL_BASE_PATH}.items()
    assert logs["logDriver"] == "awslogs"
    assert logs["options"]["awslogs-group"] == outputs["log_group_name"]
    assert logs["options"]["awslogs-region"] == wanted["aws_region"]


@pytest.mark.services("ecs")
def test_model_sync_sidecar_mirrors_the_model_prefix_before_serving_starts(applied, outputs):
    definition = applied.emulator.client("ecs").describe_task_definition(
        taskDefinition=outputs["task_definition_arn"])["taskDefinition"]
    containers = {c["name"]: c for c in definition["containerDefinitions"]}
    sidecar, wanted = containers["model-sync"], variables(applied)

    assert sidecar["essential"] is False
    assert f"s3://{outputs['model_bucket_name']}/{wanted['model_name']}/" in " ".join(sidecar["command"])
    assert {"containerName": "model-sync", "condition": "START"} in containers["tfserving"]["dependsOn"]
    assert "models" in {v["name"] for v in definition["volumes"]}


@pytest.mark.services("s3")
def test_model_bucket_is_encrypted_versioned_private_and_tls_only(applied, outputs):
    s3, bucket = applied.emulator.client("s3"), outputs["model_bucket_name"]
    encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    public_access = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])

    assert encryption["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert public_access == {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                             "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in policy["Statement"])


@pytest.mark.services("s3")
def test_every_model_file_and_version_marker_is_uploaded_under_the_model_prefix(applied, outputs):
    local = REPO_ROOT / "model" / "empty_model"
    model = variables(applied)['model_name']
    files = [p.relative_to(local).as_posix() for p in local.rglob("*") if p.is_file()]
    versions = {f.split("/", 1)[0] for f in files}
    # every file, and the upload protocol's marker of each version (tfsuite.modelsync)
    expected = sorted([f"{model}/{f}" for f in files] + [f"{model}/{v}/{COMPLETE_MARKER}" for v in versions])
    listed = applied.emulator.client("s3").list_objects_v2(Bucket=outputs["model_bucket_name"])

    assert expected, f"no model files under {local}: run model/make_model.py"
    assert sorted(o["Key"] for o in listed.get("Contents", [])) == expected


@pytest.mark.services("logs")
def test_log_group_keeps_logs_for_the_configured_retention(applied, outputs):
    groups = applied.emulator.client("logs").describe_log_groups(
        logGroupNamePrefix=outputs["log_group_name"])["logGroups"]
    assert [(g["logGroupName"], g.get("retentionInDays")) for g in groups] == [
        (outputs["log_group_name"], variables(applied)["log_retention_days"])]


@pytest.mark.services("iam")
def test_execution_role_may_only_write_to_its_log_group(applied, outputs):
    iam, role = applied.emulator.client("iam"), outputs["execution_role_arn"].rsplit("/", 1)[-1]
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    statements = _inline_statements(iam, role)
    log_statements = [s for s in statements if any(a.startswith("logs:") for a in _list(s["Action"]))]

    assert [_list(s["Principal"]["Service"]) for s in trust["Statement"]] == [["ecs-tasks.amazonaws.com"]]
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
    assert sorted(a for s in log_statements for a in _list(s["Action"])) == [
        "logs:CreateLogStream", "logs:PutLogEvents"]
    group = outputs["log_group_name"]
    assert {r.split(":log-group:", 1)[1] for s in log_statements for r in _list(s["Resource"])} <= {
        group, f"{group}:*"}


@pytest.mark.services("iam")
def test_task_role_may_only_read_the_model_prefix(applied, outputs):
    iam, role = applied.emulator.client("iam"), outputs["task_role_arn"].rsplit("/", 1)[-1]
    bucket, model = outputs["model_bucket_name"], variables(applied)["model_name"]
    statements = {a: s for s in _inline_statements(iam, role) for a in _list(s["Action"])}

    assert sorted(statements) == ["s3:GetObject", "s3:ListBucket"]
    assert _list(statements["s3:ListBucket"]["Resource"]) == [f"arn:aws:s3:::{bucket}"]
    # sync mode: the sidecar lists <model>/ and <model>/<N>/ only (test_serving_path evaluates the
    # exact requests; native_s3 mode adds the key <model> itself)
    assert _list(statements["s3:ListBucket"]["Condition"]["StringLike"]["s3:prefix"]) == [f"{model}/*"]
    assert _list(statements["s3:GetObject"]["Resource"]) == [f"arn:aws:s3:::{bucket}/{model}/*"]
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []


@pytest.mark.services("application-autoscaling")
def test_autoscaling_tracks_average_cpu_between_the_configured_bounds(applied, outputs):
    autoscaling, wanted = applied.emulator.client("application-autoscaling"), variables(applied)
    resource_id = f"service/{outputs['ecs_cluster_name']}/{outputs['ecs_service_name']}"
    targets = autoscaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource_id])
    policies = autoscaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource_id)
    if not wanted["autoscaling_enabled"]:
        assert targets["ScalableTargets"] == [] and policies["ScalingPolicies"] == []
        return
    tracking = policies["ScalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"]

    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets["ScalableTargets"]] == [
        (wanted["autoscaling_min_capacity"], wanted["autoscaling_max_capacity"])]
    metric = tracking["PredefinedMetricSpecification"]["PredefinedMetricType"]
    assert metric == "ECSServiceAverageCPUUtilization"
    assert tracking["TargetValue"] == wanted["autoscaling_cpu_target"]


@pytest.mark.services("ec2")
def test_security_groups_open_only_the_listener_and_the_rest_port(applied, outputs):
    ec2, wanted = applied.emulator.client("ec2"), variables(applied)
    alb = _ingress(ec2, outputs["alb_security_group_id"])
    tasks = _ingress(ec2, outputs["task_security_group_id"])

    assert sorted(alb) == sorted((wanted["listener_port"], cidr) for cidr in wanted["allowed_cidr_blocks"])
    assert tasks == [(TFSERVING_REST_PORT, outputs["alb_security_group_id"])]


@pytest.mark.services("ec2")
def test_vpc_resolves_dns_and_spreads_subnets_over_the_zones(applied, outputs):
    ec2, vpc = applied.emulator.client("ec2"), outputs["vpc_id"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    task_subnets = [s for s in subnets if s["SubnetId"] in outputs["task_subnet_ids"]]

    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        described = ec2.describe_vpc_attribute(VpcId=vpc, Attribute=attribute)
        assert described[attribute[0].upper() + attribute[1:]]["Value"] is True, attribute
    assert len({s["AvailabilityZone"] for s in task_subnets}) == variables(applied)["az_count"]


# converge and destroy ----------------------------------------------------------------------------

def test_second_plan_is_empty(applied):
    changes, emulator_gaps = applied.convergence()
    for change, reason in emulator_gaps:
        warnings.warn(f"tolerated on {applied.emulator.kind}: {change} ({reason})", stacklevel=1)

    assert not changes, "the configuration does not converge:\n" + "\n".join(map(str, changes))


def test_destroy_leaves_nothing_of_ours_in_the_emulator(applied):
    applied.destroy()

    assert applied.workspace.state_addresses() == []
    assert applied.leftovers() == {}


# helpers -----------------------------------------------------------------------------------------

def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def _inline_statements(iam, role: str) -> list[dict]:
    statements = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        document = json.loads(document) if isinstance(document, str) else document
        statements += document["Statement"]
    return statements


def _ingress(ec2, group_id: str) -> list[tuple]:
    rules = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"]
    return [(r["FromPort"], r.get("CidrIpv4") or r.get("ReferencedGroupInfo", {}).get("GroupId"))
            for r in rules if not r["IsEgress"]]
