"""CKV_TFS_4: every container image in the task definition is pinned (tag or digest, never latest)."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tfs_common import container_images, image_problem


class EcsImagesPinned(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="ECS task definition images are pinned to a version tag or digest (never latest)",
            id="CKV_TFS_4",
            categories=[CheckCategories.SUPPLY_CHAIN],
            supported_resources=["aws_ecs_task_definition"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["container_definitions"]
        images = container_images(conf.get("container_definitions"))
        if images is None:
            self.details.append("container_definitions cannot be read, so the images cannot be checked")
            return CheckResult.FAILED
        problems = [f"container {name}: {problem}" for name, image in images
                    if (problem := image_problem(image))]
        self.details.extend(problems)
        return CheckResult.FAILED if problems else CheckResult.PASSED


check = EcsImagesPinned()
