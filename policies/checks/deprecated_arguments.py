"""CKV_TFS_11: no argument or resource type the pinned AWS provider deprecates (the S3 bucket's inline
acl, versioning, lifecycle_rule, server_side_encryption_configuration, logging, ...): each has a
resource of its own, and mixing both makes plans fight each other."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tfs_common import DEPRECATED_ARGUMENTS, DEPRECATED_RESOURCES


class NoDeprecatedArguments(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="No argument or resource type the pinned AWS provider deprecates",
            id="CKV_TFS_11",
            categories=[CheckCategories.CONVENTION],
            supported_resources=[*DEPRECATED_ARGUMENTS, *DEPRECATED_RESOURCES],
        )

    def scan_resource_conf(self, conf):
        if self.entity_type in DEPRECATED_RESOURCES:
            self.details.append(f"{self.entity_type} is deprecated: use {DEPRECATED_RESOURCES[self.entity_type]}")
            return CheckResult.FAILED
        used = [a for a in DEPRECATED_ARGUMENTS[self.entity_type] if a in conf]
        self.evaluated_keys = list(DEPRECATED_ARGUMENTS[self.entity_type])
        self.details.extend(f"uses the deprecated argument {a!r}" for a in used)
        return CheckResult.FAILED if used else CheckResult.PASSED


check = NoDeprecatedArguments()
