"""The production controls of the lifecycle's deployment (the production profile, applied once by
test_lifecycle's `applied` fixture; the conftest runs these before its destroy): the scaler's
count survives an apply, deployments roll back, images come through the ECR pull through cache."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.gate


def variables(deployment) -> dict:
    return deployment.plan.variables()


def _service(applied, outputs) -> dict:
    return applied.emulator.client("ecs").describe_services(
        cluster=outputs["ecs_cluster_name"], services=[outputs["ecs_service_name"]])["services"][0]


@pytest.mark.services("ecs")
def test_an_apply_keeps_the_count_the_scaler_chose(applied, outputs):
    ecs, wanted = applied.emulator.client("ecs"), variables(applied)
    scaled = wanted["desired_count"] + 1  # what a scale-out (or an operator) sets through the ECS API
    ecs.update_service(cluster=outputs["ecs_cluster_name"], service=outputs["ecs_service_name"],
                       desiredCount=scaled)
    try:
        changes = applied.workspace.second_plan_changes(label="plan after a scale-out")
        count_changes = [str(c) for c in changes if "desired_count" in c.attributes]

        assert _service(applied, outputs)["desiredCount"] == scaled
        assert count_changes == [], "an apply would undo the scale-out: " + ", ".join(count_changes)
    finally:
        ecs.update_service(cluster=outputs["ecs_cluster_name"], service=outputs["ecs_service_name"],
                           desiredCount=wanted["desired_count"])


@pytest.mark.services("ecs", "cloudwatch")
def test_a_failing_deployment_rolls_back_on_the_circuit_breaker_and_the_alarms(applied, outputs):
    configuration = _service(applied, outputs)["deploymentConfiguration"]
    alarms = applied.emulator.client("cloudwatch").describe_alarms(
        AlarmNamePrefix=f"{applied.name_prefix}-")["MetricAlarms"]

    assert configuration["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    if not variables(applied)["deployment_alarms_enabled"]:
        assert "alarms" not in configuration and alarms == []
        return
    assert (configuration["alarms"]["enable"], configuration["alarms"]["rollback"]) == (True, True)
    assert sorted(configuration["alarms"]["alarmNames"]) == sorted(a["AlarmName"] for a in alarms)
    assert {a["MetricName"] for a in alarms} == {"UnHealthyHostCount", "HTTPCode_Target_5XX_Count",
                                                 "HTTPCode_ELB_5XX_Count"}
    balancer = outputs["alb_arn"].split(":loadbalancer/", 1)[1]
    for alarm in alarms:
        dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        assert dimensions["LoadBalancer"] == balancer, alarm["AlarmName"]
        if "TargetGroup" in dimensions:
            assert outputs["target_group_arn"].endswith(dimensions["TargetGroup"]), alarm["AlarmName"]


@pytest.mark.services("ecs", "ecr", "iam")
def test_docker_hub_images_come_through_the_pull_through_cache(applied, outputs):
    wanted = variables(applied)
    if not wanted["ecr_pull_through_cache_enabled"]:
        pytest.skip("the lifecycle profile pulls from Docker Hub directly (ecr_pull_through_cache_enabled is false)")
    ecr, prefix = applied.emulator.client("ecr"), f"{applied.name_prefix}-dockerhub"
    (rule,) = ecr.describe_pull_through_cache_rules(ecrRepositoryPrefixes=[prefix])["pullThroughCacheRules"]
    definition = applied.emulator.client("ecs").describe_task_definition(
        taskDefinition=outputs["task_definition_arn"])["taskDefinition"]
    images = {c["name"]: c["image"] for c in definition["containerDefinitions"]}
    registry = f"{rule['registryId']}.dkr.ecr.{wanted['aws_region']}.amazonaws.com"

    assert (rule["upstreamRegistryUrl"], rule["credentialArn"]) == ("registry-1.docker.io",
                                                                    wanted["dockerhub_credential_arn"])
    assert images["tfserving"] == f"{registry}/{prefix}/{wanted['tfserving_image']}"
    assert images["model-sync"] == f"{registry}/{prefix}/{wanted['model_sync_image']}"
    iam, role = applied.emulator.client("iam"), outputs["execution_role_arn"].rsplit("/", 1)[-1]
    grants = {}
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        for statement in (json.loads(document) if isinstance(document, str) else document)["Statement"]:
            for action in statement["Action"]:
                grants.setdefault(action, set()).update(statement["Resource"])
    repositories = {f"arn:aws:ecr:{wanted['aws_region']}:{rule['registryId']}:repository/{prefix}/"
                    f"{wanted[key].split(':')[0]}" for key in ("tfserving_image", "model_sync_image")}
    assert grants["ecr:BatchGetImage"] >= repositories
    assert grants["ecr:BatchImportUpstreamImage"] == {
        f"arn:aws:ecr:{wanted['aws_region']}:{rule['registryId']}:repository/{prefix}/*"}
