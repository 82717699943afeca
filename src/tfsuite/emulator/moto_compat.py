"""moto's gaps for this stack, closed in-process (the moto server is embedded, so patching its
backend and response classes changes what the server answers).

Each fix names the gap it closes (FIELD-NOTES §3) and has its own test
(tests/harness/emulator/test_moto_compat.py) that calls the embedded server through boto3.

1. application-autoscaling ListTagsForResource / TagResource / UntagResource are not
   implemented (HTTP 500), so `aws_appautoscaling_target` cannot be applied or refreshed.
   Fix: a tag store per backend, fed by the three APIs and by RegisterScalableTarget's Tags,
   emptied by DeregisterScalableTarget.
2. AWS managed policies exist only when moto is told to load them.
   Fix: moto's own switch (the config behind MOTO_IAM_LOAD_MANAGED_POLICIES), set in-process.
3. ECS CreateService ignores healthCheckGracePeriodSeconds, so the provider reads back nothing
   and the second plan shows a spurious diff.
   Fix: CreateService stores the value on the service; DescribeServices then returns it
   (UpdateService already stores it).
4. S3 bucket policies: moto applies a statement whenever it cannot evaluate its condition, so
   the TLS-only idiom (Deny s3:* when aws:SecureTransport is false) denies every object upload
   and download (HTTP 403), and `aws_s3_object` cannot be applied.
   Fix: a statement whose condition is exactly `Bool aws:SecureTransport` is evaluated with
   aws:SecureTransport = true (the emulator stands in for AWS's HTTPS endpoints; plain HTTP on
   loopback is only its transport): the Deny no longer applies, an unconditional Deny still does.
   Statements with other conditions are left to moto.
5. S3 CreateBucket ignores the tags of CreateBucketConfiguration (hashicorp/aws 6.x tags a bucket
   there instead of calling PutBucketTagging), so the bucket reads back untagged and the second
   plan wants to add its tags.
   Fix: after CreateBucket, the configuration's tags are stored as the bucket's tag set.
6. EC2 security group rules that reference another group lose their description
   (DescribeSecurityGroupRules reads it from the CIDR part only), so the second plan wants to set
   the description of `aws_vpc_security_group_*_rule`s with referenced_security_group_id.
   Fix: a rule's description falls back to the one stored with the referenced group.
7. Same-account group references read back as cross-account. The override skips the account
   lookup (with the account known, hashicorp/aws 6.x reads bucket tags through S3 Control at
   <account>.<endpoint>, a host name no loopback emulator answers), so the provider compares the
   rule's ReferencedGroupInfo.UserId with an empty account ID and stores "<account>/sg-...": a
   spurious diff on every plan after apply.
   Fix: DescribeSecurityGroupRules leaves UserId out of ReferencedGroupInfo when the referenced
   group is in the caller's own account (DescribeSecurityGroups still lists it).
8. S3 DeleteObject on a bucket whose versioning is Suspended disposes of every version of the key,
   delete markers included, and moto's delete markers have no dispose(): HTTP 500, and the
   provider retries a destroy for minutes (an interrupted apply can leave a bucket that way).
   Fix: delete markers get a dispose() that does nothing (they hold no data).

9-13, each in its own module applied from here: ECS deployment configuration at CreateService
   and ECR pull through cache rules (moto_compat_deploy), CloudWatch over RPCv2 CBOR
   (moto_compat_cbor), IAM conditions beyond StringEquals with request values such as s3:prefix
   (moto_iam_conditions), deleted prefixes left in versioned delimited listings (moto_s3_listing).

Upstream: no getmoto/moto issue was found for any of these; each gap's repro is its test in
tests/harness/emulator/test_moto_compat.py (GAPS below), which is what to file. The canaries
(test_moto_compat_canaries.py) run those tests on moto as released: they fail while the gap is
there (xfail strict) and fail the suite once moto closes it, so the dead fix is removed. The
embedded server applies these fixes only with the moto pinned in constraints.txt
(moto_strict.require_pinned_moto).

apply() is idempotent: calling it twice patches once.
"""

from __future__ import annotations

import json
from typing import Any

import xmltodict
from moto.applicationautoscaling import models as autoscaling_models
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.config import default_user_config
from moto.core.exceptions import JsonRESTError
from moto.ec2.models.security_groups import SecurityGroupRule
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.models import FakeBucket, FakeDeleteMarker
from moto.s3.responses import S3Response

from tfsuite.emulator import moto_compat_cbor, moto_compat_deploy, moto_iam_conditions, moto_s3_listing

_APPLIED_MARK = "_tfsuite_compat_applied"

# gap -> the tests of test_moto_compat.py that show it (they fail on moto as released)
GAPS = {
    "1. application-autoscaling tags": ("test_autoscaling_lists_the_tags_given_at_registration",
                                        "test_autoscaling_tag_and_untag_resource"),
    "2. AWS managed policies": ("test_aws_managed_policies_exist",),
    "3. ECS health-check grace period": ("test_ecs_create_service_keeps_the_health_check_grace_period",),
    "4. aws:SecureTransport in bucket policies": ("test_tls_only_bucket_policy_lets_objects_in_and_out",),
    "5. tags at CreateBucket": ("test_bucket_keeps_the_tags_given_at_creation",),
    "6. descriptions of group-referencing rules": ("test_rule_that_references_a_group_keeps_its_description",),
    "7. same-account group references": ("test_a_same_account_group_reference_reads_back_without_a_user_id",),
    "8. delete markers in a Suspended bucket": (
        "test_deleting_a_key_with_a_delete_marker_in_a_suspended_bucket_works",),
}


class ScalableTargetNotFound(JsonRESTError):
    def __init__(self, arn: str) -> None:
        super().__init__("ResourceNotFoundException", f"No scalable target found for ARN {arn}")


# 1. application-autoscaling tags ---------------------------------------------------------------

def _tags_of(backend: autoscaling_models.ApplicationAutoscalingBackend) -> dict[str, dict[str, str]]:
    """ARN -> {key: value}; kept on the backend so moto's reset drops it with the targets."""
    if not hasattr(backend, "_tfsuite_tags"):
        backend._tfsuite_tags = {}
    return backend._tfsuite_tags


def _target_arns(backend: autoscaling_models.ApplicationAutoscalingBackend) -> set[str]:
    return {target.arn for by_id in backend.targets.values() for target in by_id.values()}


def _known_target(self: ApplicationAutoScalingResponse) -> str:
    arn = self._get_param("ResourceARN")
    if arn not in _target_arns(self.applicationautoscaling_backend):
        raise ScalableTargetNotFound(arn)
    return arn


def _list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str:
    arn = _known_target(self)
    return json.dumps({"Tags": _tags_of(self.applicationautoscaling_backend).get(arn, {})})


def _tag_resource(self: ApplicationAutoScalingResponse) -> str:
    arn = _known_target(self)
    _tags_of(self.applicationautoscaling_backend).setdefault(arn, {}).update(self._get_param("Tags") or {})
    return json.dumps({})


def _untag_resource(self: ApplicationAutoScalingResponse) -> str:
    arn = _known_target(self)
    tags = _tags_of(self.applicationautoscaling_backend).get(arn, {})
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return json.dumps({})


def _patch_autoscaling_tags() -> None:
    register = ApplicationAutoScalingResponse.register_scalable_target
    deregister = ApplicationAutoScalingResponse.deregister_scalable_target

    def register_scalable_target(self: ApplicationAutoScalingResponse) -> str:
        body = register(self)
        tags = self._get_param("Tags")
        if tags:
            arn = json.loads(body)["ScalableTargetARN"]
            _tags_of(self.applicationautoscaling_backend).setdefault(arn, {}).update(tags)
        return body

    def deregister_scalable_target(self: ApplicationAutoScalingResponse) -> str:
        backend = self.applicationautoscaling_backend
        before = _target_arns(backend)
        body = deregister(self)
        for arn in before - _target_arns(backend):
            _tags_of(backend).pop(arn, None)
        return body

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target
    ApplicationAutoScalingResponse.deregister_scalable_target = deregister_scalable_target
    ApplicationAutoScalingResponse.list_tags_for_resource = _list_tags_for_resource
    ApplicationAutoScalingResponse.tag_resource = _tag_resource
    ApplicationAutoScalingResponse.untag_resource = _untag_resource


# 2. AWS managed policies -----------------------------------------------------------------------

def _load_managed_policies() -> None:
    # Read by moto.settings.load_iam_aws_managed_policies() whenever an IAM backend is created,
    # so it must be set before the first IAM call.
    default_user_config.setdefault("iam", {})["load_aws_managed_policies"] = True


# 3. ECS health-check grace period --------------------------------------------------------------

def _patch_ecs_grace_period() -> None:
    create = EC2ContainerServiceResponse.create_service

    def create_service(self: EC2ContainerServiceResponse) -> Any:
        result = create(self)
        grace = self._get_param("healthCheckGracePeriodSeconds")
        if grace is not None:
            result.result["service"].health_check_grace_period_seconds = int(grace)
        return result

    EC2ContainerServiceResponse.create_service = create_service


# 4. S3 bucket policies with aws:SecureTransport ---------------------------------------------------

def _secure_transport_values(condition: Any) -> list[str] | None:
    """The values a condition expects when it is exactly {"Bool": {"aws:SecureTransport": ...}}."""
    if not isinstance(condition, dict) or list(condition) != ["Bool"]:
        return None
    tested = condition["Bool"]
    if not isinstance(tested, dict) or list(tested) != ["aws:SecureTransport"]:
        return None
    value = tested["aws:SecureTransport"]
    return [str(v).lower() for v in (value if isinstance(value, list) else [value])]


def _bucket_permission(self: FakeBucket, action: str, resource: str) -> PermissionResult:
    if self.policy is None:
        return PermissionResult.NEUTRAL
    document = json.loads(self.policy)
    statements = document.get("Statement", [])
    applicable = []
    for statement in statements if isinstance(statements, list) else [statements]:
        expected = _secure_transport_values(statement.get("Condition"))
        if expected is None:
            applicable.append(statement)
        elif "true" in expected:  # holds for every request the emulator serves
            applicable.append({k: v for k, v in statement.items() if k != "Condition"})
    if not applicable:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps({**document, "Statement": applicable})).is_action_permitted(action, resource)


def _patch_bucket_policy_conditions() -> None:
    FakeBucket.get_permission = _bucket_permission


# 5. S3 tags given at CreateBucket ------------------------------------------------------------------

def _creation_tags(body: bytes | str | None) -> dict[str, str]:
    if not body:
        return {}
    try:
        configuration = xmltodict.parse(body).get("CreateBucketConfiguration") or {}
    except Exception:  # not XML: nothing to take (moto answers the request itself)
        return {}
    tags = (configuration.get("Tags") or {}).get("Tag") or []
    return {t["Key"]: t.get("Value") or "" for t in (tags if isinstance(tags, list) else [tags])}


def _patch_bucket_creation_tags() -> None:
    put = S3Response._bucket_response_put

    def _bucket_response_put(self: S3Response, request: Any, bucket_name: str, querystring: dict) -> Any:
        response = put(self, request, bucket_name, querystring)
        if self.data.get("Action") == "CreateBucket":
            tags = _creation_tags(self.body)
            if tags:
                self.backend.put_bucket_tagging(bucket_name, tags)
        return response

    S3Response._bucket_response_put = _bucket_response_put


# 6. descriptions of rules that reference a security group -----------------------------------------

def _rule_description(self: SecurityGroupRule) -> str | None:
    return self.ip_range.get("Description") or self.source_group.get("Description")


def _patch_group_rule_descriptions() -> None:
    SecurityGroupRule.description = property(_rule_description)


# 7. same-account group references ------------------------------------------------------------------

def _referenced_group_info(self: SecurityGroupRule) -> dict[str, str] | None:
    if not self.source_group:
        return None
    if self.source_group.get("UserId") == self.ec2_backend.account_id:
        return {k: v for k, v in self.source_group.items() if k != "UserId"}
    return self.source_group


def _patch_same_account_references() -> None:
    SecurityGroupRule.referenced_group_info = property(_referenced_group_info)


# 8. delete markers in a Suspended bucket -------------------------------------------------------------

def _patch_delete_marker_dispose() -> None:
    if not hasattr(FakeDeleteMarker, "dispose"):  # a moto release that has it needs no fix
        FakeDeleteMarker.dispose = lambda self, garbage=False: None


def apply() -> None:
    """Close every gap above, once per process."""
    if getattr(ApplicationAutoScalingResponse, _APPLIED_MARK, False):
        return
    _patch_autoscaling_tags()
    _load_managed_policies()
    _patch_ecs_grace_period()
    _patch_bucket_policy_conditions()
    _patch_bucket_creation_tags()
    _patch_group_rule_descriptions()
    _patch_same_account_references()
    _patch_delete_marker_dispose()
    moto_compat_deploy.apply()
    moto_compat_cbor.apply()
    moto_iam_conditions.apply()
    moto_s3_listing.apply()
    setattr(ApplicationAutoScalingResponse, _APPLIED_MARK, True)
