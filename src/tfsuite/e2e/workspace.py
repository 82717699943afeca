"""Terraform working copies for the e2e run, built on tfsuite.runner.

On an emulator: the runner's Workspace as is (temporary copy + override file). On real AWS: the
same Workspace without the override file, whose Terraform sees the credentials of the
environment (tftest starts the CLI with os.environ plus the toolchain's variables).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tfsuite.emulator.endpoint import Emulator
from tfsuite.paths import TERRAFORM_DIR
from tfsuite.runner.guard import GUARD
from tfsuite.runner.workspace import Workspace, copy_configuration
from tfsuite.toolchain import Toolchain


class RealAwsWorkspace(Workspace):
    def __init__(self, directory: Path, toolchain: Toolchain, region: str, name_prefix: str) -> None:
        self.region = region
        super().__init__(directory, toolchain, emulator=None, name_prefix=name_prefix)  # type: ignore[arg-type]

    @classmethod
    def create_for_aws(cls, toolchain: Toolchain, region: str, name_prefix: str,
                       source: Path = TERRAFORM_DIR) -> RealAwsWorkspace:
        return cls(copy_configuration(source, name_prefix), toolchain, region, name_prefix)

    def _env(self) -> dict[str, str]:
        env = self.toolchain.env({})
        env["AWS_REGION"] = self.region
        return env


def make_workspace(toolchain: Toolchain, name_prefix: str, *, region: str,
                   emulator: Emulator | None) -> Workspace:
    if emulator is None:
        return RealAwsWorkspace.create_for_aws(toolchain, region, name_prefix)
    return Workspace.create(toolchain, emulator.with_region(region), name_prefix)


@contextmanager
def destroy_on_signal(workspace: Workspace) -> Iterator[None]:
    """The runner's guard destroys the workspace on SIGTERM/SIGINT while the block runs, then hands
    the signal on to the handler that was there before (tfsuite.e2e.interrupts)."""
    GUARD.protect(workspace)
    try:
        yield
    finally:
        GUARD.release(workspace)
        if not GUARD.protected:
            GUARD.uninstall()  # so the next run installs it again in front of its own handlers
