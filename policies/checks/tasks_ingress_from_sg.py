"""CKV_TFS_5: the tasks' security group admits traffic only from another security group (the ALB's),
never from address ranges."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tfs_common import attribute, blocks

TASKS_SG = "aws_security_group.tasks"
CIDR_SOURCES = ("cidr_ipv4", "cidr_ipv6", "prefix_list_id", "cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids")


def _cidr_sources(rule: dict) -> list[str]:
    return [key for key in CIDR_SOURCES if attribute(rule, key) not in (None, [], "")]


class TasksIngressOnlyFromSecurityGroup(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ingress to the ECS tasks' security group comes only from a security group",
            id="CKV_TFS_5",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_vpc_security_group_ingress_rule", "aws_security_group_rule",
                                 "aws_security_group"],
        )

    def scan_resource_conf(self, conf):
        if self.entity_type == "aws_security_group":
            return self._inline_rules(conf)
        if self.entity_type == "aws_security_group_rule" and attribute(conf, "type") != "ingress":
            return CheckResult.UNKNOWN
        target = attribute(conf, "security_group_id")
        if not isinstance(target, str) or TASKS_SG not in target:
            return CheckResult.UNKNOWN  # another group, or an id only known after apply
        self.evaluated_keys = [*CIDR_SOURCES, "referenced_security_group_id", "source_security_group_id"]
        if _cidr_sources(conf):
            self.details.append(f"tasks ingress uses address sources {_cidr_sources(conf)}")
            return CheckResult.FAILED
        source = attribute(conf, "referenced_security_group_id") or attribute(conf, "source_security_group_id")
        if not source:
            self.details.append("tasks ingress names no source security group")
            return CheckResult.FAILED
        return CheckResult.PASSED

    def _inline_rules(self, conf):
        if not str(conf.get("__address__", "")).startswith(TASKS_SG):
            return CheckResult.UNKNOWN
        self.evaluated_keys = ["ingress"]
        for rule in blocks(conf, "ingress"):
            if _cidr_sources(rule) or not attribute(rule, "security_groups"):
                self.details.append("inline ingress of the tasks group is not limited to security groups")
                return CheckResult.FAILED
        return CheckResult.PASSED


check = TasksIngressOnlyFromSecurityGroup()
