"""SIGTERM and SIGINT as exceptions, so the e2e run's finally-blocks (destroy, janitor sweep,
report) run when CI cancels the job or someone presses Ctrl-C; further signals during cleanup
are reported and ignored (SIGKILL still ends the process; the janitor cleans up after that).

While Terraform applies, tfsuite.runner.guard.GUARD sits in front of these handlers: it stops
the Terraform child gracefully, destroys, then hands the signal on to us.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Interrupted(BaseException):  # noqa: N818 - like KeyboardInterrupt, not an error of the run
    """The run was stopped by a signal."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(f"interrupted by {self.name}")


class InterruptHandler:
    def __init__(self) -> None:
        self.cleaning_up = False
        self.received: list[str] = []

    def __call__(self, signum: int, frame) -> None:
        name = signal.Signals(signum).name
        self.received.append(name)
        if self.cleaning_up:
            print(f"[e2e] {name} received while cleaning up: carrying on with the cleanup "
                  "(SIGKILL abandons it; then run `make janitor`)", file=sys.stderr, flush=True)
            return
        raise Interrupted(signum)


@contextmanager
def interrupts_raise() -> Iterator[InterruptHandler]:
    """Within the block SIGINT/SIGTERM raise Interrupted (main thread only; elsewhere a no-op)."""
    handler = InterruptHandler()
    if threading.current_thread() is not threading.main_thread():
        yield handler
        return
    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield handler
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
