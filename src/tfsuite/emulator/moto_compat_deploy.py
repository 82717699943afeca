"""moto's gaps for the production controls of issue 13, closed in-process (see moto_compat, which
applies these with its own). Each has tests in tests/integration/test_moto_compat_deploy.py and a canary
(xfail strict) that starts passing, and so fails, once the moto release in constraints.txt closes
the gap upstream: then the patch goes. No upstream issue for either gap was found in the searchable
index of getmoto/moto issues (checked 2026-12-04); report them there when GitHub is reachable.

9. ECS CreateService drops deploymentConfiguration (FIELD-NOTES §3): the circuit breaker and the
   alarms of a service read back as absent, so every plan after apply wants to set them again.
   (UpdateService already stores it, as deployment_configuration.)
   Fix: CreateService stores the request's deploymentConfiguration on the service.
10. ECR pull through cache rules (Create/Describe/Update/DeletePullThroughCacheRule) are not
   implemented (HTTP 500), so `aws_ecr_pull_through_cache_rule` cannot be applied.
   Fix: a rule store per ECR backend behind the four APIs, with AWS's not-found and
   already-exists errors. Nothing is fetched from an upstream registry.
"""

from __future__ import annotations

import inspect
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecr.responses import ECRResponse
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse

# What upstream moto offers, read before anything is patched (the canaries assert on these).
UPSTREAM_CREATE_SERVICE_TAKES_DEPLOYMENT_CONFIGURATION = "deployment_configuration" in inspect.signature(
    EC2ContainerServiceBackend.create_service).parameters
UPSTREAM_HAS_PULL_THROUGH_CACHE_RULES = hasattr(ECRResponse, "create_pull_through_cache_rule")


class PullThroughCacheRuleNotFound(ServiceException):
    code = "PullThroughCacheRuleNotFoundException"


class PullThroughCacheRuleAlreadyExists(ServiceException):
    code = "PullThroughCacheRuleAlreadyExistsException"


# 9. ECS deployment configuration at CreateService ------------------------------------------------

def _patch_ecs_deployment_configuration() -> None:
    create = EC2ContainerServiceResponse.create_service

    def create_service(self: EC2ContainerServiceResponse) -> Any:
        result = create(self)
        configuration = self._get_param("deploymentConfiguration")
        if configuration is not None:
            result.result["service"].deployment_configuration = configuration
        return result

    EC2ContainerServiceResponse.create_service = create_service


# 10. ECR pull through cache rules -------------------------------------------------------------------

def _rules(self: ECRResponse) -> dict[str, dict]:
    """ecrRepositoryPrefix -> rule; kept on the backend so moto's reset drops it."""
    backend = self.ecr_backend
    if not hasattr(backend, "_tfsuite_pull_through_rules"):
        backend._tfsuite_pull_through_rules = {}
    return backend._tfsuite_pull_through_rules


def _rule(self: ECRResponse) -> dict:
    prefix = self._get_param("ecrRepositoryPrefix")
    if prefix not in _rules(self):
        raise PullThroughCacheRuleNotFound(
            f"The pull through cache rule with ecrRepositoryPrefix '{prefix}' does not exist in the registry "
            f"with id '{self.current_account}'")
    return _rules(self)[prefix]


def _create_pull_through_cache_rule(self: ECRResponse) -> ActionResult:
    prefix = self._get_param("ecrRepositoryPrefix")
    if prefix in _rules(self):
        raise PullThroughCacheRuleAlreadyExists(
            f"A pull through cache rule with ecrRepositoryPrefix '{prefix}' already exists")
    rule = {"ecrRepositoryPrefix": prefix, "upstreamRegistryUrl": self._get_param("upstreamRegistryUrl"),
            "createdAt": utcnow(), "updatedAt": utcnow(), "registryId": self.current_account}
    for key in ("credentialArn", "customRoleArn", "upstreamRepositoryPrefix", "upstreamRegistry"):
        if self._get_param(key) is not None:
            rule[key] = self._get_param(key)
    _rules(self)[prefix] = rule
    return ActionResult({k: v for k, v in rule.items() if k != "updatedAt"})


def _describe_pull_through_cache_rules(self: ECRResponse) -> ActionResult:
    wanted = self._get_param("ecrRepositoryPrefixes")
    rules = _rules(self)
    missing = [p for p in wanted or [] if p not in rules]
    if missing:
        raise PullThroughCacheRuleNotFound(
            f"The pull through cache rule with ecrRepositoryPrefix '{missing[0]}' does not exist")
    chosen = [rules[p] for p in wanted] if wanted else list(rules.values())
    return ActionResult({"pullThroughCacheRules": chosen})


def _update_pull_through_cache_rule(self: ECRResponse) -> ActionResult:
    rule = _rule(self)
    for key in ("credentialArn", "customRoleArn"):
        if self._get_param(key) is not None:
            rule[key] = self._get_param(key)
    rule["updatedAt"] = utcnow()
    return ActionResult({k: v for k, v in rule.items() if k != "createdAt"})


def _delete_pull_through_cache_rule(self: ECRResponse) -> ActionResult:
    rule = _rule(self)
    del _rules(self)[rule["ecrRepositoryPrefix"]]
    return ActionResult({k: v for k, v in rule.items() if k != "updatedAt"})


def _patch_pull_through_cache_rules() -> None:
    if UPSTREAM_HAS_PULL_THROUGH_CACHE_RULES:
        return  # the release implements them: use its own
    ECRResponse.create_pull_through_cache_rule = _create_pull_through_cache_rule
    ECRResponse.describe_pull_through_cache_rules = _describe_pull_through_cache_rules
    ECRResponse.update_pull_through_cache_rule = _update_pull_through_cache_rule
    ECRResponse.delete_pull_through_cache_rule = _delete_pull_through_cache_rule


def apply() -> None:
    """Called once per process by moto_compat.apply()."""
    _patch_ecs_deployment_configuration()
    _patch_pull_through_cache_rules()
