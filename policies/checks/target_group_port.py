"""CKV_TFS_2: the target group sends HTTP to TF Serving's REST port 8501 on the task IPs (a target
group with protocol_version GRPC, the optional gRPC path, to TF Serving's gRPC port 8500)."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tfs_common import attribute

EXPECTED = {"port": 8501, "protocol": "HTTP", "target_type": "ip"}
GRPC_PORT = 8500


class TargetGroupTargetsRestPort(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Target group forwards HTTP to the TF Serving REST port 8501 on task IPs",
            id="CKV_TFS_2",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_lb_target_group", "aws_alb_target_group"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = [*EXPECTED, "protocol_version"]
        expected = dict(EXPECTED)
        if str(attribute(conf, "protocol_version", "")).upper() == "GRPC":
            expected["port"] = GRPC_PORT
        wrong = [f"{key} is {attribute(conf, key)!r}, expected {value!r}"
                 for key, value in expected.items() if str(attribute(conf, key)) != str(value)]
        self.details.extend(wrong)
        return CheckResult.FAILED if wrong else CheckResult.PASSED


check = TargetGroupTargetsRestPort()
