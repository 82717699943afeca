"""CKV_TFS_3: the health check asks for the model metadata, which answers 200 only once a model
version is loaded (GET /v1/models/<name> answers 200 as soon as the port is up)."""

import re

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tfs_common import attribute, blocks

METADATA_PATH = re.compile(r"^/v1/models/([A-Za-z0-9_-]+|\$\{var\.model_name\}|var\.model_name)/metadata$")
# gRPC target groups (protocol_version GRPC) are checked with a gRPC call to a TF Serving service.
GRPC_METHOD = re.compile(r"^/tensorflow\.serving\.[A-Za-z]+Service/[A-Za-z]+$")


class HealthCheckUsesModelMetadata(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Target group health check is GET /v1/models/<model>/metadata expecting 200",
            id="CKV_TFS_3",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_lb_target_group", "aws_alb_target_group"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["health_check/[0]/path", "health_check/[0]/matcher"]
        checks = blocks(conf, "health_check")
        if not checks:
            self.details.append("no health_check block (the default path / is not served by TF Serving)")
            return CheckResult.FAILED
        path = attribute(checks[0], "path")
        matcher = attribute(checks[0], "matcher")
        if str(attribute(conf, "protocol_version", "")).upper() == "GRPC":
            if not isinstance(path, str) or not GRPC_METHOD.match(path):
                self.details.append(f"gRPC health check path is {path!r}, "
                                    "expected /tensorflow.serving.<Service>/<Method>")
                return CheckResult.FAILED
            return CheckResult.PASSED
        if not isinstance(path, str) or not METADATA_PATH.match(path):
            self.details.append(f"health check path is {path!r}, expected /v1/models/<model>/metadata")
            return CheckResult.FAILED
        if str(matcher) != "200":
            self.details.append(f"health check matcher is {matcher!r}, expected '200'")
            return CheckResult.FAILED
        return CheckResult.PASSED


check = HealthCheckUsesModelMetadata()
