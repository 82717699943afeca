"""Checks that find the stack's resources by their role in checkov's graph (tfs_graph.py), so that
renaming a resource, moving it into a module or writing its rules another way changes no verdict.

CKV_TFS_5   the tasks admit traffic only from the ALB's security groups
CKV_TFS_8   the ALB and the ECS service never share a security group
CKV_TFS_9   no AWS-managed *FullAccess / AdministratorAccess / PowerUserAccess policy, however attached
CKV_TFS_10  no plan-time lookups of the outside world (data "http", data "external")
CKV_TFS_12  the task's execution role and task role are two different roles
CKV_TFS_13  the service registers in a target group that an ALB listener forwards to
"""

from __future__ import annotations

import re

from checkov.common.models.enums import CheckCategories
from tfs_common import BROAD_MANAGED_POLICY
from tfs_graph import FAILED, PASSED, Graph, GraphRoleCheck, alb_security_groups, nested, task_security_groups, values

RULE_TYPES = ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule")
CIDR_KEYS = ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "cidr_ipv4", "cidr_ipv6", "prefix_list_id")


def _set(value) -> bool:
    return any(v not in (None, "", False) for v in values(value))


class TasksAdmitOnlyTheAlb(GraphRoleCheck):
    def __init__(self) -> None:
        super().__init__(id="CKV_TFS_5", name="The ECS tasks' security groups admit traffic only from the ALB's "
                         "security groups (no address ranges, no other groups)", category=CheckCategories.NETWORKING)

    def judge(self, graph: Graph):
        albs = alb_security_groups(graph)
        tasks: set[int] = set()
        for service in graph.of_type("aws_ecs_service"):
            groups = task_security_groups(graph, service)
            if nested(graph, service, "network_configuration") and not groups:
                yield service, FAILED, "network_configuration names no security group of this configuration"
            tasks |= groups
        for group in tasks:
            name = graph.address(group)
            blocks = nested(graph, group, "ingress")
            for block in blocks:
                if any(_set(block.get(k)) for k in CIDR_KEYS):
                    yield group, FAILED, f"inline ingress of the tasks' group {name} admits an address range"
                elif block.get("self") is True or not _set(block.get("security_groups")):
                    yield group, FAILED, f"inline ingress of the tasks' group {name} is not limited to the ALB's group"
            others = [graph.address(sg) for sg in graph.refs(group, "ingress.security_groups") if sg not in albs]
            if others:
                yield group, FAILED, f"inline ingress of {name} admits {others}, not the ALB's group"
            if blocks and not others:
                yield group, PASSED, ""
        for rule in graph.of_type(*RULE_TYPES):
            if not graph.refs(rule, "security_group_id") & tasks:
                continue
            if graph.rtype(rule) == "aws_security_group_rule" and graph.value(rule, "type") != "ingress":
                continue
            if any(_set(graph.value(rule, k)) for k in CIDR_KEYS):
                yield rule, FAILED, "admits an address range to the tasks instead of the ALB's security group"
                continue
            sources = graph.refs(rule, "referenced_security_group_id") | graph.refs(rule, "source_security_group_id")
            if graph.value(rule, "self") is True or not sources or not sources <= albs:
                yield rule, FAILED, (f"source {sorted(graph.address(s) for s in sources) or 'unknown'} is not "
                                     "the ALB's security group")
            else:
                yield rule, PASSED, ""


class AlbAndServiceDoNotShareGroups(GraphRoleCheck):
    def __init__(self) -> None:
        super().__init__(id="CKV_TFS_8", name="The ALB and the ECS service never share a security group",
                         category=CheckCategories.NETWORKING)

    def judge(self, graph: Graph):
        albs = alb_security_groups(graph)
        for service in graph.of_type("aws_ecs_service"):
            shared = task_security_groups(graph, service) & albs
            if shared:
                yield service, FAILED, f"shares {sorted(graph.address(s) for s in shared)} with the load balancer"
            else:
                yield service, PASSED, ""


_BROAD = re.compile(BROAD_MANAGED_POLICY)
ATTACHMENTS = {"aws_iam_role_policy_attachment": "policy_arn", "aws_iam_policy_attachment": "policy_arn",
               "aws_iam_role_policy_attachments_exclusive": "policy_arns", "aws_iam_role": "managed_policy_arns"}


class NoBroadManagedPolicy(GraphRoleCheck):
    def __init__(self) -> None:
        super().__init__(id="CKV_TFS_9", name="No AWS-managed *FullAccess, AdministratorAccess or PowerUserAccess "
                         "policy on any role, however attached", category=CheckCategories.IAM)

    def judge(self, graph: Graph):
        for index in graph.of_type(*ATTACHMENTS):
            attribute = ATTACHMENTS[graph.rtype(index)]
            names = [str(v) for v in values(graph.value(index, attribute))]
            for data in graph.refs(index, attribute):  # data "aws_iam_policy" looked up by name or ARN
                names += [str(v) for key in ("name", "arn") for v in values(graph.value(data, key))]
            broad = sorted({n for n in names if _BROAD.search(n)})
            yield index, (FAILED if broad else PASSED), f"attaches {broad}" if broad else ""


class NoOutsideLookups(GraphRoleCheck):
    def __init__(self) -> None:
        super().__init__(id="CKV_TFS_10", name="No plan-time lookups of the outside world (data \"http\", "
                         "data \"external\")", category=CheckCategories.SUPPLY_CHAIN)

    def judge(self, graph: Graph):
        for index in graph.vertices:
            if graph.kind(index) == "data":
                lookup = graph.rtype(index) in ("http", "external") or \
                    str(graph.vertices[index].get("block_name_", "")).split(".")[0] in ("http", "external")
                yield index, (FAILED if lookup else PASSED), "reads the outside world at plan time" if lookup else ""


class DistinctTaskRoles(GraphRoleCheck):
    def __init__(self) -> None:
        super().__init__(id="CKV_TFS_12", name="The task definition's execution role and task role are different "
                         "roles", category=CheckCategories.IAM)

    def judge(self, graph: Graph):
        for task in graph.of_type("aws_ecs_task_definition"):
            execution = graph.refs(task, "execution_role_arn")
            role = graph.refs(task, "task_role_arn")
            same = execution & role
            texts = [graph.value(task, k) for k in ("execution_role_arn", "task_role_arn")]
            if same or (not execution and not role and texts[0] is not None and texts[0] == texts[1]):
                names = sorted(graph.address(r) for r in same) or texts[:1]
                yield task, FAILED, f"one role {names} is both the execution role and the task role"
            else:
                yield task, PASSED, ""


class ServiceBehindListener(GraphRoleCheck):
    def __init__(self) -> None:
        super().__init__(id="CKV_TFS_13", name="The ECS service registers in a target group an ALB listener "
                         "forwards to", category=CheckCategories.NETWORKING)

    def judge(self, graph: Graph):
        forwarded: set[int] = set()
        for listener in graph.of_type("aws_lb_listener", "aws_alb_listener"):
            if graph.refs(listener, "load_balancer_arn") & set(graph.of_type("aws_lb", "aws_alb")):
                forwarded |= graph.refs(listener, "default_action")
        for service in graph.of_type("aws_ecs_service"):
            groups = {g for g in graph.refs(service, "load_balancer")
                      if graph.rtype(g) in ("aws_lb_target_group", "aws_alb_target_group")}
            if not groups:
                yield service, FAILED, "registers in no target group of this configuration"
            elif not groups <= forwarded:
                missing = sorted(graph.address(g) for g in groups - forwarded)
                yield service, FAILED, f"target group {missing} receives nothing from an ALB listener"
            else:
                yield service, PASSED, ""


for _check in (TasksAdmitOnlyTheAlb(), AlbAndServiceDoNotShareGroups(), NoBroadManagedPolicy(), NoOutsideLookups(),
               DistinctTaskRoles(), ServiceBehindListener()):
    _check.register()
