"""Destroy what a run applied even when the run is interrupted.

Fixture finalizers cover failing tests. SIGTERM (CI cancelling a job) would end Python without
running them, and SIGINT may arrive in the middle of a Terraform command, so protect() also
installs handlers that destroy every protected workspace before the process exits:

- SIGINT (Ctrl-C) already reached the Terraform child through the terminal's process group;
  the handler waits for it (-lock-timeout) rather than interrupting it twice (which would make
  Terraform exit at once, without saving state), destroys, then raises KeyboardInterrupt.
- SIGTERM reaches only this process: the handler asks the running Terraform child to stop
  gracefully (one SIGINT), destroys once the state lock is free, then exits with SIGTERM's status.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_TIMEOUT = "300s"


class DestroyGuard:
    def __init__(self) -> None:
        self._workspaces: list = []
        self._previous: dict[int, object] = {}
        self._handling = False

    @property
    def protected(self) -> list:
        return list(self._workspaces)

    def protect(self, workspace) -> None:
        if workspace not in self._workspaces:
            self._workspaces.append(workspace)
        self._install()

    def release(self, workspace) -> None:
        if workspace in self._workspaces:
            self._workspaces.remove(workspace)

    def destroy_all(self, remove: bool = False) -> list[str]:
        """Destroy every protected workspace (and delete its copy when `remove`); returns the
        failures (one line each) instead of raising."""
        failures = []
        for workspace in list(self._workspaces):
            try:
                workspace.destroy(label="destroy (interrupted run)", lock_timeout=LOCK_TIMEOUT)
                self.release(workspace)
                if remove:
                    workspace.remove()
            except Exception as exc:  # keep destroying the others
                failures.append(f"{workspace.dir}: {exc}")
        return failures

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
        if terminating:
            _interrupt_cli_children({str(w.toolchain.cli) for w in self._workspaces})
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


def _interrupt_cli_children(cli_paths: set[str]) -> None:
    """Send one SIGINT to this process's children that run the Terraform CLI (Linux /proc)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return
    me = os.getpid()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            argv0 = (entry / "cmdline").read_bytes().split(b"\0")[0].decode()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == me and argv0 in cli_paths:
            try:
                os.kill(int(entry.name), signal.SIGINT)
            except ProcessLookupError:
                pass


# One guard per process: pytest fixtures, the benchmark and the CLI share it.
GUARD = DestroyGuard()
