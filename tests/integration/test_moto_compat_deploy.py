"""The gaps closed by tfsuite.emulator.moto_compat_deploy, shown through boto3 against the embedded
server, and their canaries: each canary asserts what upstream moto offers and is expected to fail
(xfail strict) until a moto release closes the gap; then it passes, fails the suite, and the
patch goes."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from tfsuite.emulator import moto_compat_deploy
from tfsuite.testing.sample_stack import service_parts

SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/dockerhub-AbCdEf"


@pytest.mark.xfail(strict=True, reason="moto 5.2.x CreateService drops deploymentConfiguration (patch 9)")
def test_canary_upstream_create_service_keeps_the_deployment_configuration():
    assert moto_compat_deploy.UPSTREAM_CREATE_SERVICE_TAKES_DEPLOYMENT_CONFIGURATION


@pytest.mark.xfail(strict=True, reason="moto 5.2.x has no ECR pull through cache rules (patch 10)")
def test_canary_upstream_implements_pull_through_cache_rules():
    assert moto_compat_deploy.UPSTREAM_HAS_PULL_THROUGH_CACHE_RULES


@pytest.fixture
def new_service(emulator):
    """create(**extra) makes a throw-away Fargate service and returns (ecs client, cluster, name)."""
    parts = service_parts(emulator, "10.7.0.0/16")

    def create(**extra):
        parts.create_service(**extra)
        return parts.ecs, parts.name, parts.name

    yield create
    parts.delete()


def test_create_service_keeps_the_circuit_breaker_and_the_alarms(new_service):
    configuration = {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                     "alarms": {"alarmNames": ["t-unhealthy-hosts"], "enable": True, "rollback": True},
                     "maximumPercent": 200, "minimumHealthyPercent": 100}
    ecs, cluster, name = new_service(deploymentConfiguration=configuration)

    described = ecs.describe_services(cluster=cluster, services=[name])["services"][0]

    assert described["deploymentConfiguration"] == configuration


def test_create_service_without_a_deployment_configuration_still_works(new_service):
    ecs, cluster, name = new_service()

    described = ecs.describe_services(cluster=cluster, services=[name])["services"][0]

    assert described["serviceName"] == name


@pytest.fixture
def ecr(emulator):
    client, prefixes = emulator.client("ecr"), []

    def create(**extra):
        prefix = f"compat-{uuid.uuid4().hex[:8]}"
        prefixes.append(prefix)
        client.create_pull_through_cache_rule(ecrRepositoryPrefix=prefix, upstreamRegistryUrl="registry-1.docker.io",
                                              **extra)
        return prefix

    yield client, create
    for prefix in prefixes:
        try:
            client.delete_pull_through_cache_rule(ecrRepositoryPrefix=prefix)
        except client.exceptions.PullThroughCacheRuleNotFoundException:
            pass


def test_pull_through_cache_rule_reads_back_as_created(ecr):
    client, create = ecr
    prefix = create(credentialArn=SECRET)

    (rule,) = client.describe_pull_through_cache_rules(ecrRepositoryPrefixes=[prefix])["pullThroughCacheRules"]

    assert (rule["ecrRepositoryPrefix"], rule["upstreamRegistryUrl"], rule["credentialArn"]) == (
        prefix, "registry-1.docker.io", SECRET)
    assert rule["registryId"] == client.describe_registry()["registryId"]


def test_pull_through_cache_rule_is_unique_per_prefix(ecr):
    client, create = ecr
    prefix = create(credentialArn=SECRET)

    with pytest.raises(ClientError) as raised:
        client.create_pull_through_cache_rule(ecrRepositoryPrefix=prefix, upstreamRegistryUrl="registry-1.docker.io")

    assert raised.value.response["Error"]["Code"] == "PullThroughCacheRuleAlreadyExistsException"


def test_deleted_pull_through_cache_rule_is_not_found(ecr):
    client, create = ecr
    prefix = create(credentialArn=SECRET)

    client.delete_pull_through_cache_rule(ecrRepositoryPrefix=prefix)

    with pytest.raises(client.exceptions.PullThroughCacheRuleNotFoundException):
        client.describe_pull_through_cache_rules(ecrRepositoryPrefixes=[prefix])


def test_pull_through_cache_rule_credential_can_be_updated(ecr):
    client, create = ecr
    prefix = create(credentialArn=SECRET)
    rotated = SECRET.replace("AbCdEf", "GhIjKl")

    client.update_pull_through_cache_rule(ecrRepositoryPrefix=prefix, credentialArn=rotated)

    (rule,) = client.describe_pull_through_cache_rules(ecrRepositoryPrefixes=[prefix])["pullThroughCacheRules"]
    assert rule["credentialArn"] == rotated


# 11. CloudWatch over RPCv2 CBOR, spoken with botocore's own CBOR codec -----------------------------

@pytest.mark.xfail(strict=True, reason="moto 5.2.x does not route CloudWatch's RPCv2 CBOR path (patch 11)")
def test_canary_upstream_routes_cloudwatch_over_cbor():
    from tfsuite.emulator import moto_compat_cbor

    assert moto_compat_cbor.UPSTREAM_ROUTES_CLOUDWATCH_CBOR


def _cbor_call(emulator, operation: str, params: dict) -> tuple[int, dict, dict]:
    """One CloudWatch call the way the Go SDK makes it: (status, headers, parsed answer)."""
    from urllib.error import HTTPError
    from urllib.request import Request, urlopen

    import botocore.session
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.parsers import create_parser
    from botocore.serialize import create_serializer

    model = botocore.session.get_session().get_service_model("cloudwatch")
    op = model.operation_model(operation)
    serialized = create_serializer("smithy-rpc-v2-cbor").serialize_to_request(params, op)
    request = AWSRequest(method="POST", url=emulator.endpoint + serialized["url_path"],
                         data=serialized["body"], headers=serialized["headers"])
    SigV4Auth(Credentials("testing", "testing"), "monitoring", emulator.region).add_auth(request)
    try:
        with urlopen(Request(request.url, data=request.body, headers=dict(request.headers), method="POST")) as r:
            status, headers, body = r.status, dict(r.headers), r.read()
    except HTTPError as err:
        status, headers, body = err.code, dict(err.headers), err.read()
    parsed = create_parser("smithy-rpc-v2-cbor").parse(
        {"status_code": status, "headers": headers, "body": body}, op.output_shape)
    return status, headers, parsed


def test_cloudwatch_alarms_over_cbor_round_trip(emulator):
    name = f"compat-{uuid.uuid4().hex[:8]}"
    alarm = {"AlarmName": name, "Namespace": "AWS/ApplicationELB", "MetricName": "UnHealthyHostCount",
             "Statistic": "Maximum", "Period": 60, "EvaluationPeriods": 3, "DatapointsToAlarm": 2,
             "Threshold": 0.0, "ComparisonOperator": "GreaterThanThreshold",
             "Dimensions": [{"Name": "LoadBalancer", "Value": "app/t/0123"}], "Tags": [{"Key": "k", "Value": "v"}]}

    put_status, put_headers, _ = _cbor_call(emulator, "PutMetricAlarm", alarm)
    status, headers, described = _cbor_call(emulator, "DescribeAlarms", {"AlarmNames": [name]})
    _cbor_call(emulator, "DeleteAlarms", {"AlarmNames": [name]})

    assert (put_status, put_headers["smithy-protocol"]) == (200, "rpc-v2-cbor")
    assert (status, headers["Content-Type"]) == (200, "application/cbor")
    (found,) = described["MetricAlarms"]
    assert {k: found[k] for k in ("AlarmName", "MetricName", "Threshold", "Dimensions")} == {
        k: alarm[k] for k in ("AlarmName", "MetricName", "Threshold", "Dimensions")}
    assert found["AlarmConfigurationUpdatedTimestamp"].year >= 2024  # a CBOR tag-1 timestamp, parsed


def test_cloudwatch_errors_over_cbor_carry_their_code(emulator):
    status, headers, parsed = _cbor_call(emulator, "TagResource", {
        "ResourceARN": f"arn:aws:cloudwatch:{emulator.region}:123456789012:alarm:none-{uuid.uuid4().hex[:6]}",
        "Tags": [{"Key": "k", "Value": "v"}]})

    assert status >= 400 and headers["smithy-protocol"] == "rpc-v2-cbor"
    assert parsed["Error"]["Code"] == "ResourceNotFoundException"
