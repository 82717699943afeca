"""CKV_TFS_6: no security group ingress from the whole internet (0.0.0.0/0 or ::/0), on any port.
checkov's own checks cover only ports 22, 3389, 80 and "all ports"; the listener port 9000 is ours."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tfs_common import OPEN_CIDRS, attribute, blocks


def _open_sources(rule: dict) -> list[str]:
    found = []
    for key in ("cidr_ipv4", "cidr_ipv6", "cidr_blocks", "ipv6_cidr_blocks"):
        value = attribute(rule, key)
        values = value if isinstance(value, list) else [value]
        found += [f"{key}={v}" for v in values if v in OPEN_CIDRS]
    return found


class IngressNotOpenToInternet(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="No security group ingress from 0.0.0.0/0 or ::/0",
            id="CKV_TFS_6",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_vpc_security_group_ingress_rule", "aws_security_group_rule",
                                 "aws_security_group"],
        )

    def scan_resource_conf(self, conf):
        if self.entity_type == "aws_security_group":
            rules = blocks(conf, "ingress")
            self.evaluated_keys = ["ingress"]
        elif self.entity_type == "aws_security_group_rule" and attribute(conf, "type") != "ingress":
            return CheckResult.UNKNOWN
        else:
            rules = [conf]
            self.evaluated_keys = ["cidr_ipv4", "cidr_ipv6", "cidr_blocks", "ipv6_cidr_blocks"]
        found = [source for rule in rules for source in _open_sources(rule)]
        self.details.extend(f"ingress open to the internet: {source}" for source in found)
        return CheckResult.FAILED if found else CheckResult.PASSED


check = IngressNotOpenToInternet()
