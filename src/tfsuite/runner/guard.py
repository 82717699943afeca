"""Destroy what a run applied even when the run is interrupted.

Fixture finalizers cover failing tests. SIGTERM (CI cancelling a job) would end Python without
running them, and SIGINT may arrive in the middle of a Terraform command, so protect() also
installs handlers that destroy every protected workspace before the process exits:

- SIGINT (Ctrl-C) already reached the Terraform child through the terminal's process group;
  the handler waits for it rather than interrupting it twice (which would make Terraform exit at
  once, without saving state), destroys, then raises KeyboardInterrupt.
- SIGTERM reaches only this process: the handler asks the workspace's running Terraform to stop
  gracefully (one SIGINT: the operations in flight finish and reach the state), waits for it,
  destroys, then exits with SIGTERM's status.

Bounds (seconds): the graceful stop is waited for at most GRACEFUL_STOP_SECONDS, and the destroy
runs at most DESTROY_DEADLINE_SECONDS before it is stopped in turn; what is left then is the
janitor's (the e2e run sweeps by its run-id tag right after).

A workspace may be protected with a `before_destroy` callable: the e2e run passes one that deletes
what the interrupted apply created in AWS but could not record in the state (a creation cut short
by the stop). Left there, such a resource makes the destroy of its parent (a VPC with an unknown
subnet or security group) retry on DependencyViolation until its deadline.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable

from tfsuite.runner.stopping import cli_children, interrupt_and_wait, wait_for_exit

log = logging.getLogger(__name__)

# An apply's longest single operation here is an ALB waiting to be active (minutes on AWS).
GRACEFUL_STOP_SECONDS = 300.0
DESTROY_DEADLINE_SECONDS = 900.0
LOCK_TIMEOUT = "30s"  # the interrupted command has exited (or is abandoned) by then


class DestroyGuard:
    def __init__(self) -> None:
        self._workspaces: list = []
        self._before_destroy: dict[int, Callable[[], None]] = {}
        self._previous: dict[int, object] = {}
        self._handling = False
        self.graceful_stop_seconds = GRACEFUL_STOP_SECONDS
        self.destroy_deadline_seconds = DESTROY_DEADLINE_SECONDS

    @property
    def protected(self) -> list:
        return list(self._workspaces)

    def protect(self, workspace, before_destroy: Callable[[], None] | None = None) -> None:
        if workspace not in self._workspaces:
            self._workspaces.append(workspace)
        if before_destroy is not None:
            self._before_destroy[id(workspace)] = before_destroy
        self._install()

    def release(self, workspace) -> None:
        if workspace in self._workspaces:
            self._workspaces.remove(workspace)
        self._before_destroy.pop(id(workspace), None)

    def destroy_all(self, remove: bool = False) -> list[str]:
        """Destroy every protected workspace (and delete its copy when `remove`); returns the
        failures (one line each) instead of raising."""
        failures = []
        for workspace in list(self._workspaces):
            prepare = self._before_destroy.get(id(workspace))
            if prepare is not None:
                try:
                    prepare()
                except Exception as exc:  # the destroy may still succeed: go on
                    failures.append(f"{workspace.dir}: before destroy: {type(exc).__name__}: {exc}")
            try:
                workspace.destroy(label="destroy (interrupted run)", lock_timeout=LOCK_TIMEOUT,
                                  deadline_seconds=self.destroy_deadline_seconds)
                self.release(workspace)
                if remove:
                    workspace.remove()
            except Exception as exc:  # keep destroying the others
                failures.append(f"{workspace.dir}: {exc}")
        return failures

    def stop_running_commands(self, interrupt: bool) -> None:
        """Let the Terraform commands the protected workspaces are running finish their graceful
        stop (sending the one SIGINT first when `interrupt`), so that what they created is in the
        state before destroy reads it."""
        for workspace in self._workspaces:
            cli, directory = workspace.toolchain.cli, workspace.dir
            if interrupt:
                interrupt_and_wait(cli, directory, self.graceful_stop_seconds)
            else:
                wait_for_exit(cli_children(cli, directory), self.graceful_stop_seconds)

    def _install(self) -> None:
        if self._previous or threading.current_thread() is not threading.main_thread():
            return  # handlers can only be set from the main thread; finalizers still run
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)

    def uninstall(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def _handle(self, signum: int, frame) -> None:
        if self._handling:  # a second signal while destroying: let the default behaviour win
            previous = self._previous.get(signum, signal.SIG_DFL)
            self.uninstall()
            _deliver(signum, previous, frame)
            return
        self._handling = True
        name = signal.Signals(signum).name
        log.warning("%s received: destroying %d workspace(s) before exit", name, len(self._workspaces))
        terminating = signum == signal.SIGTERM  # no finalizer runs after this one: clean up fully
        self.stop_running_commands(interrupt=terminating)
        for failure in self.destroy_all(remove=terminating):
            log.error("destroy after %s failed: %s", name, failure)
        previous = self._previous.get(signum, signal.SIG_DFL)
        self.uninstall()
        self._handling = False
        _deliver(signum, previous, frame)


def _deliver(signum: int, previous, frame) -> None:
    """Carry on as if our handler had not been there."""
    if callable(previous):
        previous(signum, frame)
    elif previous == signal.SIG_IGN:
        return
    elif signum == signal.SIGINT:
        raise KeyboardInterrupt
    else:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


# One guard per process: pytest fixtures, the benchmark and the CLI share it.
GUARD = DestroyGuard()
