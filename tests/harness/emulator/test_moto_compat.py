"""Each gap closed by tfsuite.emulator.moto_compat, shown through boto3 against the embedded server.

These tests are also the repros of the gaps: test_moto_compat_canaries.py runs them on moto as
released, where the ones that show a gap must fail (xfail strict)."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from tfsuite.testing.sample_stack import service_parts

SERVICE_NAMESPACE = "ecs"
DIMENSION = "ecs:service:DesiredCount"


@pytest.fixture
def ecs_service(embedded_moto):
    """A throw-away ECS service on the embedded server: (cluster, service name, ecs client, network)."""
    parts = service_parts(embedded_moto, "10.9.0.0/16")
    yield parts.name, parts.name, parts.ecs, parts.network
    parts.delete()


def test_ecs_create_service_keeps_the_health_check_grace_period(ecs_service):
    cluster, name, ecs, network = ecs_service
    ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=name, desiredCount=1,
                       launchType="FARGATE", networkConfiguration=network, healthCheckGracePeriodSeconds=120)

    described = ecs.describe_services(cluster=cluster, services=[name])["services"][0]

    assert described["healthCheckGracePeriodSeconds"] == 120


def test_ecs_update_service_changes_the_grace_period(ecs_service):
    cluster, name, ecs, network = ecs_service
    ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=name, desiredCount=1,
                       launchType="FARGATE", networkConfiguration=network, healthCheckGracePeriodSeconds=120)

    ecs.update_service(cluster=cluster, service=name, healthCheckGracePeriodSeconds=300)

    described = ecs.describe_services(cluster=cluster, services=[name])["services"][0]
    assert described["healthCheckGracePeriodSeconds"] == 300


@pytest.fixture
def scalable_target(embedded_moto, ecs_service):
    """A scalable target registered with tags, as aws_appautoscaling_target does:
    (client, ARN, resource id)."""
    cluster, name, ecs, network = ecs_service
    ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=name, desiredCount=1,
                       launchType="FARGATE", networkConfiguration=network)
    autoscaling = embedded_moto.client("application-autoscaling")
    resource_id = f"service/{cluster}/{name}"
    arn = autoscaling.register_scalable_target(
        ServiceNamespace=SERVICE_NAMESPACE, ResourceId=resource_id, ScalableDimension=DIMENSION,
        MinCapacity=1, MaxCapacity=4, Tags={"Project": "tfserving"})["ScalableTargetARN"]
    yield autoscaling, arn, resource_id
    remaining = autoscaling.describe_scalable_targets(ServiceNamespace=SERVICE_NAMESPACE,
                                                      ResourceIds=[resource_id])["ScalableTargets"]
    if remaining:
        autoscaling.deregister_scalable_target(ServiceNamespace=SERVICE_NAMESPACE, ResourceId=resource_id,
                                               ScalableDimension=DIMENSION)


def test_autoscaling_lists_the_tags_given_at_registration(scalable_target):
    autoscaling, arn, _ = scalable_target

    assert autoscaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Project": "tfserving"}


def test_autoscaling_tag_and_untag_resource(scalable_target):
    autoscaling, arn, _ = scalable_target

    autoscaling.tag_resource(ResourceARN=arn, Tags={"Owner": "ml", "Project": "tfs"})
    autoscaling.untag_resource(ResourceARN=arn, TagKeys=["Owner"])

    assert autoscaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Project": "tfs"}


def test_autoscaling_tags_of_an_unknown_target_are_not_found(scalable_target):
    autoscaling, arn, _ = scalable_target
    unknown = arn.rsplit("/", 1)[0] + "/doesnotexist"

    with pytest.raises(ClientError) as raised:
        autoscaling.list_tags_for_resource(ResourceARN=unknown)

    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_autoscaling_deregistration_drops_the_tags(scalable_target):
    autoscaling, arn, resource_id = scalable_target

    autoscaling.deregister_scalable_target(ServiceNamespace=SERVICE_NAMESPACE, ResourceId=resource_id,
                                           ScalableDimension=DIMENSION)

    with pytest.raises(ClientError) as raised:
        autoscaling.list_tags_for_resource(ResourceARN=arn)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_aws_managed_policies_exist(embedded_moto):
    iam = embedded_moto.client("iam")
    arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"

    policy = iam.get_policy(PolicyArn=arn)["Policy"]

    assert policy["Arn"] == arn


@pytest.fixture
def bucket(embedded_moto):
    """A bucket on the embedded server and a helper to set its policy: (s3 client, name, set_policy)."""
    s3, name = embedded_moto.client("s3"), f"compat-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": embedded_moto.region})

    def set_policy(effect: str, action: str, condition: dict | None = None) -> None:
        statement = {"Effect": effect, "Principal": "*", "Action": action,
                     "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]}
        if condition:
            statement["Condition"] = condition
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))

    yield s3, name, set_policy
    s3.delete_bucket_policy(Bucket=name)
    listed = s3.list_object_versions(Bucket=name)
    for version in listed.get("Versions", []) + listed.get("DeleteMarkers", []):
        s3.delete_object(Bucket=name, Key=version["Key"], VersionId=version["VersionId"])
    s3.delete_bucket(Bucket=name)


def test_tls_only_bucket_policy_lets_objects_in_and_out(bucket):
    s3, name, set_policy = bucket
    set_policy("Deny", "s3:*", {"Bool": {"aws:SecureTransport": "false"}})

    s3.put_object(Bucket=name, Key="empty_model/1/saved_model.pb", Body=b"model")

    assert s3.get_object(Bucket=name, Key="empty_model/1/saved_model.pb")["Body"].read() == b"model"


def test_unconditional_bucket_policy_deny_still_denies(bucket):
    s3, name, set_policy = bucket
    set_policy("Deny", "s3:PutObject")

    with pytest.raises(ClientError) as raised:
        s3.put_object(Bucket=name, Key="x", Body=b"x")

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_bucket_keeps_the_tags_given_at_creation(embedded_moto):
    s3, name = embedded_moto.client("s3"), f"compat-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={
        "LocationConstraint": embedded_moto.region,
        "Tags": [{"Key": "Project", "Value": "tfserving"}, {"Key": "tfsuite:name-prefix", "Value": "t1"}]})

    tags = s3.get_bucket_tagging(Bucket=name)["TagSet"]
    s3.delete_bucket(Bucket=name)

    assert {t["Key"]: t["Value"] for t in tags} == {"Project": "tfserving", "tfsuite:name-prefix": "t1"}


def test_rule_that_references_a_group_keeps_its_description(embedded_moto):
    ec2 = embedded_moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    alb, tasks = (ec2.create_security_group(GroupName=f"compat-{n}-{uuid.uuid4().hex[:6]}", Description=n,
                                            VpcId=vpc)["GroupId"] for n in ("alb", "tasks"))
    ec2.authorize_security_group_ingress(GroupId=tasks, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 8501, "ToPort": 8501,
        "UserIdGroupPairs": [{"GroupId": alb, "Description": "REST port from the load balancer"}]}])

    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [tasks]}])
    ingress = [r for r in rules["SecurityGroupRules"] if not r["IsEgress"]]

    assert [(r["ReferencedGroupInfo"]["GroupId"], r.get("Description")) for r in ingress] == [
        (alb, "REST port from the load balancer")]


def test_a_same_account_group_reference_reads_back_without_a_user_id(embedded_moto):
    ec2 = embedded_moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    alb, tasks = (ec2.create_security_group(GroupName=f"compat-{n}-{uuid.uuid4().hex[:6]}", Description=n,
                                            VpcId=vpc)["GroupId"] for n in ("alb", "tasks"))
    ec2.authorize_security_group_ingress(GroupId=tasks, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 8501, "ToPort": 8501, "UserIdGroupPairs": [{"GroupId": alb}]}])

    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [tasks]}])
    [ingress] = [r for r in rules["SecurityGroupRules"] if not r["IsEgress"]]

    assert ingress["ReferencedGroupInfo"]["GroupId"] == alb
    assert "UserId" not in ingress["ReferencedGroupInfo"]  # same account: read back as configured


def test_deleting_a_key_with_a_delete_marker_in_a_suspended_bucket_works(bucket):
    s3, name, _ = bucket
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    s3.delete_object(Bucket=name, Key="k")  # leaves a delete marker
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})

    deleted = s3.delete_object(Bucket=name, Key="k")

    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
