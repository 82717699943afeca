"""Stopping a running Terraform command the way Terraform wants to be stopped.

One SIGINT asks Terraform for its graceful stop: it lets the provider calls in flight finish,
writes them to the state and exits. A second SIGINT makes it exit at once without saving, so we
never send two. The commands are found in /proc (Linux) as this process's children that run the
CLI in a given working directory, so one run never stops another run's Terraform.

- interrupt_and_wait(): the graceful stop of whatever Terraform a workspace is running, bounded.
- deadline(): a context manager that gives a command (destroy after an interrupt) a time limit,
  after which it is stopped gracefully and fails, so cleanup moves on to the janitor's sweep.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tenacity import Retrying, retry_if_result, stop_after_delay, wait_fixed

log = logging.getLogger(__name__)

PROC = Path("/proc")


def cli_children(cli: str | Path, directory: str | Path | None = None) -> list[int]:
    """PIDs of this process's live children whose argv[0] is `cli` (and whose working directory
    is `directory`, when given)."""
    if not PROC.is_dir():
        return []
    me, cli, wanted = os.getpid(), str(cli), Path(directory).resolve() if directory else None
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            state, ppid = fields[0], int(fields[1])
            argv0 = (entry / "cmdline").read_bytes().split(b"\0")[0].decode()
            if ppid != me or argv0 != cli or state == "Z":
                continue
            if wanted is not None and Path(os.readlink(entry / "cwd")).resolve() != wanted:
                continue
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile, or not ours to read
        found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def interrupt(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            pass


def wait_for_exit(pids: list[int], timeout: float) -> list[int]:
    """Wait until every pid has exited (is gone or a zombie); returns those still running."""
    def still_running() -> list[int]:
        return [pid for pid in pids if _running(pid)]

    retrying = Retrying(retry=retry_if_result(bool), wait=wait_fixed(0.2), stop=stop_after_delay(timeout),
                        retry_error_callback=lambda state: state.outcome.result())
    return retrying(still_running)


def interrupt_and_wait(cli: str | Path, directory: str | Path | None, timeout: float) -> list[int]:
    """Gracefully stop the CLI running in `directory`; returns the pids still running after
    `timeout` seconds (Terraform still finishing a provider call: its state lock stays held)."""
    pids = cli_children(cli, directory)
    if not pids:
        return []
    log.warning("stopping Terraform gracefully (pid %s); waiting up to %.0fs for the operations in "
                "flight to finish and reach the state", ",".join(map(str, pids)), timeout)
    interrupt(pids)
    left = wait_for_exit(pids, timeout)
    if left:
        log.error("Terraform (pid %s) still running %.0fs after SIGINT", ",".join(map(str, left)), timeout)
    return left


@contextmanager
def deadline(cli: str | Path, directory: str | Path, seconds: float | None) -> Iterator[threading.Event]:
    """Within the block, a Terraform command started in `directory` that is still running after
    `seconds` is stopped gracefully (one SIGINT). The yielded event is set when that happened."""
    expired = threading.Event()
    if seconds is None:
        yield expired
        return

    def stop() -> None:
        expired.set()
        pids = cli_children(cli, directory)
        log.error("deadline of %.0fs reached: stopping Terraform (pid %s)", seconds, ",".join(map(str, pids)))
        interrupt(pids)

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        yield expired
    finally:
        timer.cancel()
