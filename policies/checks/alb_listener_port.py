"""CKV_TFS_1: the ALB listener answers on the TF Serving port 9000 (or, over HTTPS, on 8500 for the
optional gRPC path) and forwards to a target group."""

import re

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tfs_common import attribute, blocks

LISTENER_PORT = 9000
GRPC_LISTENER_PORT = 8500  # gRPC through an ALB needs HTTPS


class AlbListenerForwardsTfServingPort(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=f"ALB listener serves port {LISTENER_PORT} and forwards to a target group",
            id="CKV_TFS_1",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_lb_listener", "aws_alb_listener"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["port", "default_action"]
        port = attribute(conf, "port")
        grpc = str(port) == str(GRPC_LISTENER_PORT) and attribute(conf, "protocol") == "HTTPS"
        if str(port) != str(LISTENER_PORT) and not grpc:
            self.details.append(f"listener port is {port!r}, expected {LISTENER_PORT}")
            return CheckResult.FAILED
        actions = blocks(conf, "default_action")
        forwards = [a for a in actions if attribute(a, "type") == "forward"]
        if not forwards:
            self.details.append("default_action does not forward")
            return CheckResult.FAILED
        from_plan = "__change_actions__" in conf  # a computed ARN is absent from plan values
        for action in forwards:
            arn = attribute(action, "target_group_arn")
            if isinstance(arn, str) and re.search(r"aws_a?lb_target_group\.|:targetgroup/", arn):
                return CheckResult.PASSED
            if arn is None and (from_plan or blocks(action, "forward")):
                return CheckResult.PASSED
        self.details.append("forward action names no target group")
        return CheckResult.FAILED


check = AlbListenerForwardsTfServingPort()
