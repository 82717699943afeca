"""Promises a production team relies on (issue 13): the scaler's count survives an apply, a failed
deployment rolls back, and a target group can be replaced without a name clash or an outage."""

from __future__ import annotations

import re

from tfsuite.static import contract as c
from tfsuite.static.expressions import mentions, objects, reference, resolve
from tfsuite.static.hcl import Block, Config
from tfsuite.static.promises import promise, required

# Arguments whose change makes AWS replace a target group (hashicorp/aws 6.x marks them ForceNew).
TARGET_GROUP_FORCING = ("port", "protocol", "protocol_version", "target_type")
_HASHED_LOCAL = re.compile(r"\b(?:sha1|sha256|sha512|md5)\(jsonencode\(local\.([A-Za-z0-9_]+)\)\)")


def _lifecycle(block: Block) -> dict:
    merged: dict = {}
    for item in block.nested("lifecycle"):
        merged.update(item)
    return merged


@promise("scaled-count-kept", "The ECS service ignores desired_count after creation, so an apply never undoes "
                              "what the scaler (or an operator) chose")
def scaled_count_kept(config: Config):
    service, missing = required(config, *c.SERVICE)
    yield from missing
    if not service:
        return
    ignored = _lifecycle(service).get("ignore_changes") or []
    ignored = ignored if isinstance(ignored, list) else [ignored]
    if not any(str(item).strip("${}") in ("desired_count", "all") for item in ignored):
        yield service.address, ("lifecycle.ignore_changes does not list desired_count: every apply resets "
                                "the scaler's count")


@promise("deployment-rollback", "A failed ECS deployment rolls back: the circuit breaker is on with rollback, "
                                "and the optional deployment alarms roll back too")
def deployment_rollback(config: Config):
    service, missing = required(config, *c.SERVICE)
    yield from missing
    if not service:
        return
    breakers = service.nested("deployment_circuit_breaker")
    if not any(b.get("enable") is True and b.get("rollback") is True for b in breakers):
        yield service.address, "has no deployment_circuit_breaker with enable = true and rollback = true"
    alarms = [d["alarms"] for d in service.nested("dynamic") if isinstance(d, dict) and "alarms" in d]
    alarms += service.nested("alarms")
    for block in alarms:
        contents = block.get("content", [block]) if isinstance(block, dict) else []
        for content in contents if isinstance(contents, list) else [contents]:
            if content.get("rollback") is not True:
                yield service.address, "an alarms block does not roll the deployment back (rollback = true)"


@promise("target-group-replacement", "Every target group is created before the one it replaces is destroyed, "
                                     "under a name that changes with every argument that forces a replacement")
def target_group_replacement(config: Config):
    for group in config.resources("aws_lb_target_group"):
        if _lifecycle(group).get("create_before_destroy") is not True:
            yield group.address, ("has no lifecycle create_before_destroy: a replacement deletes the group while "
                                  "the listener and the service still use it")
        if group.get("name_prefix") is not None:
            continue  # AWS appends a unique suffix
        name = resolve(config, group.get("name"))
        hashed = _HASHED_LOCAL.search(name) if isinstance(name, str) else None
        if hashed is None:
            yield group.address, (f"name {group.get('name')!r} does not change when the group is replaced "
                                  "(use name_prefix, or a hash of the arguments that force a replacement)")
            continue
        source = hashed.group(1)
        for argument in TARGET_GROUP_FORCING:
            hashed_value = resolve(config, f"${{local.{source}.{argument}}}")
            if reference(group.get(argument)) == f"local.{source}.{argument}":
                continue  # read from the hashed object itself
            if hashed_value == f"${{local.{source}.{argument}}}" or group.get(argument) != hashed_value:
                yield group.address, (f"{argument} is {group.get(argument)!r}, not local.{source}.{argument} "
                                      f"({hashed_value!r}): a change to it would keep the name and collide "
                                      "with the old group")


@promise("bucket-writers", "With var.model_writer_arns set, the model bucket policy denies putting and deleting "
                           "objects (and object versions) to every principal not listed")
def bucket_writers(config: Config):
    if "model_writer_arns" not in config.variables():
        yield "variable.model_writer_arns", "is missing (no way to restrict who may change the models)"
        return
    statements = [s for b in config.resources("aws_s3_bucket_policy")
                  for s in objects(config, b.get("policy")) if s.get("Effect") == "Deny"]
    guarded = [s for s in statements if mentions(s.get("Condition"), "var.model_writer_arns")]
    if not guarded:
        yield "aws_s3_bucket_policy.models", "no Deny statement is conditioned on var.model_writer_arns"
    for statement in guarded:
        condition = statement.get("Condition") or {}
        if "aws:PrincipalArn" not in str(condition.get("ArnNotEquals", condition.get("ArnNotLike", ""))):
            yield "aws_s3_bucket_policy.models", ("the writers' Deny does not test aws:PrincipalArn with "
                                                  "ArnNotEquals/ArnNotLike")
        actions = statement.get("Action")
        missing = {"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"} - set(
            actions if isinstance(actions, list) else [actions])
        if missing:
            yield "aws_s3_bucket_policy.models", f"the writers' Deny leaves {sorted(missing)} open"
