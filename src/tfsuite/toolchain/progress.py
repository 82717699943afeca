"""Long steps: announce, log to a file, show a heartbeat, report how long they took."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path


class StepFailed(RuntimeError):
    """A bootstrap step failed; the message says what is missing and what to do."""


def say(message: str) -> None:
    print(f"[bootstrap] {message}", file=sys.stderr, flush=True)


def fmt_seconds(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{seconds:.1f}s"


def run_logged(cmd: list[str], *, log: Path, cwd: Path | None = None, env: dict | None = None,
               label: str, heartbeat: float = 30.0) -> float:
    """Run cmd with output appended to log, printing a heartbeat; return the seconds it took.

    Raises StepFailed with the log's tail when the command fails.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("a") as fh:
        fh.write(f"\n$ {' '.join(cmd)}  (cwd={cwd})\n")
        fh.flush()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT)
        except FileNotFoundError as exc:
            raise StepFailed(f"{label}: cannot run {cmd[0]!r}: {exc}") from exc
        done = threading.Event()

        def beat() -> None:
            while not done.wait(heartbeat):
                say(f"  … {label} still running ({fmt_seconds(time.monotonic() - started)}; log: {log})")

        threading.Thread(target=beat, daemon=True).start()
        try:
            code = proc.wait()
        except BaseException:
            proc.terminate()
            proc.wait()
            raise
        finally:
            done.set()
    elapsed = time.monotonic() - started
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        raise StepFailed(f"{label} failed (exit {code}) after {fmt_seconds(elapsed)}; log: {log}\n{tail}")
    return elapsed
