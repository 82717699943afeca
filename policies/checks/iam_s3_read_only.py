"""CKV_TFS_7: IAM policies of this stack grant S3 read actions only (Get*/List*): the tasks read
the model and write nothing."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tfs_common import policy_statements, s3_write_grants


class IamS3ReadOnly(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="IAM policies allow only S3 Get*/List* actions (no writes, no wildcards, no NotAction)",
            id="CKV_TFS_7",
            categories=[CheckCategories.IAM],
            supported_resources=["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy",
                                 "aws_iam_group_policy"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["policy"]
        statements = policy_statements(conf.get("policy"))
        if statements is None:
            self.details.append("the policy document cannot be read, so its S3 actions cannot be checked")
            return CheckResult.FAILED
        grants = s3_write_grants(statements)
        self.details.extend(f"grants {grant}" for grant in grants)
        return CheckResult.FAILED if grants else CheckResult.PASSED


check = IamS3ReadOnly()
