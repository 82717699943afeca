"""Terraform working copies for the e2e run: the runner's Workspace, with the emulator of a
rehearsal or with none on real AWS (no override file; Terraform sees the credentials of the
environment), and the destroy guard around the part of the run that holds resources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tfsuite.emulator.endpoint import Emulator
from tfsuite.runner.guard import GUARD
from tfsuite.runner.workspace import Workspace
from tfsuite.toolchain import Toolchain


def make_workspace(toolchain: Toolchain, name_prefix: str, *, region: str,
                   emulator: Emulator | None) -> Workspace:
    return Workspace.create(toolchain, emulator, name_prefix, region=region)


@contextmanager
def destroy_on_signal(workspace: Workspace, graceful_stop_seconds: float, destroy_deadline_seconds: float,
                      before_destroy: Callable[[], None] | None = None) -> Iterator[None]:
    """The runner's guard destroys the workspace on SIGTERM/SIGINT while the block runs, then hands
    the signal on to the handler that was there before (tfsuite.e2e.interrupts). Terraform's
    graceful stop is waited for at most `graceful_stop_seconds`; the destroy runs at most
    `destroy_deadline_seconds`; `before_destroy` runs between the two (see GUARD.protect)."""
    bounds = (GUARD.graceful_stop_seconds, GUARD.destroy_deadline_seconds)
    GUARD.graceful_stop_seconds, GUARD.destroy_deadline_seconds = graceful_stop_seconds, destroy_deadline_seconds
    GUARD.protect(workspace, before_destroy)
    try:
        yield
    finally:
        GUARD.release(workspace)
        GUARD.graceful_stop_seconds, GUARD.destroy_deadline_seconds = bounds
        if not GUARD.protected:
            GUARD.uninstall()  # so the next run installs it again in front of its own handlers
