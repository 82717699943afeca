"""moto's gaps for this stack, closed in-process (the moto server is embedded, so patching its
backend and response classes changes what the server answers).

Each fix names the gap it closes (FIELD-NOTES §3) and has its own test
(tests/integration/test_moto_compat.py) that calls the embedded server through boto3.

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

apply() is idempotent: calling it twice patches once.
"""

from __future__ import annotations

import json
from typing import Any

from moto.applicationautoscaling import models as autoscaling_models
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.config import default_user_config
from moto.core.exceptions import JsonRESTError
from moto.ecs.responses import EC2ContainerServiceResponse

_APPLIED_MARK = "_tfsuite_compat_applied"


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


def apply() -> None:
    """Close every gap above, once per process."""
    if getattr(ApplicationAutoScalingResponse, _APPLIED_MARK, False):
        return
    _patch_autoscaling_tags()
    _load_managed_policies()
    _patch_ecs_grace_period()
    setattr(ApplicationAutoScalingResponse, _APPLIED_MARK, True)
