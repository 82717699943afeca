"""Promises about who may reach what: security groups and IAM."""

from __future__ import annotations

from tfsuite.static import contract as c
from tfsuite.static.expressions import mentions, objects, reference, resolve
from tfsuite.static.hcl import Block, Config
from tfsuite.static.promises import promise, required


def _rules_of(config: Config, rtype: str, group: str) -> list[Block]:
    return [r for r in config.resources(rtype) if mentions(r.get("security_group_id"), f"aws_security_group.{group}")]


@promise("separate-security-groups", "The ALB and the tasks have security groups of their own, rules as "
                                     "separate resources")
def separate_security_groups(config: Config):
    for rtype, name in (c.ALB_SG, c.TASKS_SG):
        group, missing = required(config, rtype, name)
        yield from missing
        if group and (group.get("ingress") or group.get("egress")):
            yield group.address, "has inline ingress/egress rules (use aws_vpc_security_group_*_rule resources)"
    alb, _ = required(config, *c.LOAD_BALANCER)
    if alb:
        groups = alb.get("security_groups")
        if not mentions(groups, "aws_security_group.alb"):  # sharing with the tasks: CKV_TFS_8
            yield alb.address, f"security_groups is {groups!r}, expected [aws_security_group.alb.id]"
    for rule in config.resources("aws_security_group_rule"):
        yield rule.address, "aws_security_group_rule mixes badly with aws_vpc_security_group_*_rule; use those"


@promise("alb-ingress", "The ALB admits only var.allowed_cidr_blocks, only on var.listener_port (and "
                        "var.grpc_listener_port for gRPC); the variable has no default and refuses 0.0.0.0/0")
def alb_ingress(config: Config):
    rules = _rules_of(config, "aws_vpc_security_group_ingress_rule", "alb")
    if not rules:
        yield "aws_vpc_security_group_ingress_rule.alb_listener", "no ingress rule on the ALB security group"
    for rule in rules:
        over_variable = mentions(rule.get("for_each"), "var.allowed_cidr_blocks")
        if not over_variable or reference(rule.get("cidr_ipv4")) != "each.value":
            yield rule.address, "source is not each.value over var.allowed_cidr_blocks"
        ports = {key: reference(rule.get(key)) for key in ("from_port", "to_port")}
        if set(ports.values()) not in ({"var.listener_port"}, {"var.grpc_listener_port"}):
            for key in ports:
                yield rule.address, (f"{key} is {rule.get(key)!r}, expected var.listener_port "
                                     "(or var.grpc_listener_port)")
        for key in ("cidr_ipv6", "prefix_list_id", "referenced_security_group_id"):
            if rule.get(key) is not None:
                yield rule.address, f"also admits {key} = {rule.get(key)!r}"
    variable = config.variables().get("allowed_cidr_blocks")
    if variable is None:
        yield "variable.allowed_cidr_blocks", "is missing"
        return
    if "default" in variable.body:
        yield variable.address, f"has a default ({variable.get('default')!r}): callers must name their clients"
    refusals = [v for v in variable.nested("validation") if "0.0.0.0/0" in str(v.get("error_message", ""))]
    if not refusals:
        yield variable.address, "no validation refuses 0.0.0.0/0"


@promise("tasks-ingress", f"The tasks' ingress rules open TF Serving's REST port {c.REST_PORT} only (and "
                          f"{c.GRPC_PORT} for the optional gRPC listener); their source, the ALB's group "
                          "only, is the gate's CKV_TFS_5")
def tasks_ingress(config: Config):
    rules = _rules_of(config, "aws_vpc_security_group_ingress_rule", "tasks")
    if not rules:
        yield "aws_vpc_security_group_ingress_rule.tasks_from_alb", "no ingress rule on the tasks security group"
    elif not any(resolve(config, rule.get("from_port")) == c.REST_PORT for rule in rules):
        yield ("aws_vpc_security_group_ingress_rule.tasks_from_alb",
               f"no ingress rule admits the REST port {c.REST_PORT}")
    for rule in rules:
        ports = {key: resolve(config, rule.get(key)) for key in ("from_port", "to_port")}
        if set(ports.values()) not in ({c.REST_PORT}, {c.GRPC_PORT}):
            for key, port in ports.items():
                yield rule.address, f"{key} resolves to {port!r}, expected {c.REST_PORT} (or {c.GRPC_PORT} for gRPC)"


def _policy_statements(config: Config) -> list[tuple[str, dict]]:
    """(address, statement) for every IAM statement written in the configuration."""
    found: list[tuple[str, dict]] = []
    for rtype in ("aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"):
        for block in config.resources(rtype):
            found += [(block.address, o) for o in objects(config, block.get("policy"))
                      if "Action" in o or "NotAction" in o]
    for doc in config.data_sources("aws_iam_policy_document"):
        for statement in doc.nested("statement"):
            converted = {"Effect": statement.get("effect", "Allow")}
            if "actions" in statement:
                converted["Action"] = statement["actions"]
            if "not_actions" in statement:
                converted["NotAction"] = statement["not_actions"]
            found.append((doc.address, converted))
    return found


def _actions(statement: dict) -> list:
    value = statement.get("Action", [])
    return value if isinstance(value, list) else [value]


@promise("iam-no-wildcard-actions", "IAM policies name every action: no '*', no 'service:*', no Allow with NotAction")
def iam_no_wildcard_actions(config: Config):
    for address, statement in _policy_statements(config):
        if statement.get("Effect", "Allow") != "Allow":
            continue
        if "NotAction" in statement:
            yield address, "an Allow statement uses NotAction (grants everything not listed)"
        for action in _actions(statement):
            if not isinstance(action, str) or "${" in action:
                yield address, f"action {action!r} is computed, so it cannot be reviewed"
            elif "*" in action or "?" in action:
                yield address, f"allows the wildcard action {action!r}"


@promise("iam-trust", "The execution and task roles can be assumed by ECS tasks only")
def iam_trust(config: Config):
    for name in ("execution", "task"):
        role, missing = required(config, "aws_iam_role", name)
        yield from missing
        if not role:
            continue
        principals = [o.get("Principal") for o in objects(config, role.get("assume_role_policy")) if "Principal" in o]
        services = [p.get("Service") for p in principals if isinstance(p, dict)]
        only_ecs = services == ["ecs-tasks.amazonaws.com"] and all(isinstance(p, dict) for p in principals)
        if not principals or not only_ecs:
            yield role.address, f"trust policy principals are {principals!r}, expected ecs-tasks.amazonaws.com only"


@promise("iam-lint", "IAM policy documents name actions AWS knows, on resources of the type each action takes "
                     "(linted by parliament)")
def iam_lint(config: Config):
    from tfsuite.static.iam_lint import lint

    yield from lint(config)
