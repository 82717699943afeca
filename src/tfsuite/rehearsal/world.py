"""One applied deployment ready for rehearsals: applied on the embedded emulator, read back, with
the operator's and the task role's credentials, and moto's IAM enforcement on.

    world = World.apply(toolchain, emulator, source=TERRAFORM_DIR)     # enforcement on at the end
    ...
    world.close()                                                       # enforcement off, destroy

The poll intervals are shortened through the deployment's own variable (REHEARSAL_VARIABLES),
never by editing its files.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tfsuite.emulator.endpoint import Emulator
from tfsuite.paths import TERRAFORM_DIR
from tfsuite.rehearsal import identities
from tfsuite.rehearsal.identities import Credentials
from tfsuite.rehearsal.readback import DeployedTask, read_back
from tfsuite.runner import Workspace, unique_name_prefix
from tfsuite.runner.guard import GUARD

PROFILE = "examples/article.tfvars"
POLL_SECONDS = 2  # model_poll_interval_seconds for the rehearsal (the variable allows 1..86400)
REHEARSAL_VARIABLES = {"model_poll_interval_seconds": POLL_SECONDS, "force_destroy_bucket": True}
# The profile ships its SavedModel (model_local_path): applied as shipped, Terraform uploads version 1
# and its _COMPLETE marker. The scenarios that start from an empty bucket apply without it.
WITHOUT_MODEL = {"model_local_path": None}
# TF Serving reads s3:// itself (images up to 2.6); no sidecar, no task volume for models.
NATIVE_S3 = {"model_loading_mode": "native_s3", "tfserving_image": "tensorflow/serving:2.6.0"}


@dataclass
class World:
    workspace: Workspace
    emulator: Emulator
    outputs: dict
    deployed: DeployedTask
    operator: Credentials
    task_credentials: Credentials
    timings: dict = field(default_factory=dict)

    @classmethod
    def apply(cls, toolchain, emulator: Emulator, source: Path = TERRAFORM_DIR, lead: str = "r",
              variables: dict | None = None, enforce: bool = True) -> World:
        workspace = Workspace.create(toolchain, emulator, unique_name_prefix(lead=lead), source=source)
        GUARD.protect(workspace)
        try:
            workspace.init()
            plan = workspace.plan([PROFILE], {**REHEARSAL_VARIABLES, **(variables or {})}, refresh=False)
            workspace.apply(plan)
            outputs = workspace.outputs()
            region = plan.variables().get("aws_region", emulator.region)
            regional = emulator.with_region(region)
            deployed = read_back(regional.client, outputs, region)
            iam = regional.client("iam")
            problems = identities.trust_allows_ecs_tasks(iam, deployed.task_role_arn,
                                                         deployed.task_role_arn.split(":")[4], region)
            if problems:
                raise identities_error(problems)
            operator = identities.operator_credentials(iam, workspace.name_prefix)
            task = identities.task_role_credentials(regional.client("sts"), deployed.task_role_arn)
        except BaseException:
            _destroy(workspace)
            raise
        world = cls(workspace, regional, outputs, deployed, operator, task,
                    timings={label: round(s, 1) for label, s in workspace.timings})
        if enforce:
            identities.set_enforcement(emulator.endpoint, True)
        return world

    @property
    def endpoint(self) -> str:
        return self.emulator.endpoint

    def client(self, service: str):
        """A client with the operator's credentials (works with enforcement on or off)."""
        return self.operator.client(service, self.endpoint, self.emulator.region)

    def enforce(self) -> None:
        """Enforcement on (again): every rehearsal calls this first, as other checks may turn it off."""
        identities.set_enforcement(self.endpoint, True)

    @contextmanager
    def enforcement_paused(self):
        identities.set_enforcement(self.endpoint, False)
        try:
            yield
        finally:
            identities.set_enforcement(self.endpoint, True)

    def close(self) -> None:
        identities.set_enforcement(self.endpoint, False)
        _destroy(self.workspace)

    def discard(self) -> None:
        """Forget the deployment without destroying it: for an emulator that is thrown away with
        everything in it (the rehearsal's own embedded moto). Destroy is the emulator layer's proof."""
        GUARD.release(self.workspace)
        if os.environ.get("TFSUITE_KEEP_WORKDIR") != "1":
            self.workspace.remove()


def identities_error(problems: list[str]) -> RuntimeError:
    return RuntimeError("; ".join(problems))


def _destroy(workspace: Workspace) -> None:
    try:
        workspace.destroy()
    finally:
        GUARD.release(workspace)
        if os.environ.get("TFSUITE_KEEP_WORKDIR") != "1":
            workspace.remove()
