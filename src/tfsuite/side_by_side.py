"""Run layers (tox envs) side by side: they mostly wait (the provider's fixed waiters, an emulator),
so two or three at once on two cores finish sooner than one after another.

Each layer's output goes to reports/logs/<layer>.log (with --jobs 1 or one layer it is shown
as well); a one-line
status says what runs, what is done and what waits. Longest layers start first (last run's times,
else TYPICAL_SECONDS). Layers listed in CLASHES never overlap. The verdicts stay with
tfsuite.reporting: this module only runs the layers and returns exit codes and times.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tfsuite.paths import reports_dir

# Layers that must not run at the same time, and why. Every other pair is safe: each pytest session
# starts its own moto on a free port, LocalStack runs in one layer only, every layer writes its own
# reports (<layer>.xml, summary-<layer>.json), tox envs have one directory per layer, and every
# `terraform init` on the shared plugin cache takes tfsuite.runner.workspace's init lock.
CLASHES: dict[frozenset[str], str] = {
    frozenset({"gate", "unit"}): "both run tests/unit, which writes reports/checkov.sarif",
    frozenset({"gate", "integration"}): "both run the lifecycle, which writes reports/plan.json",
    frozenset({"gate", "harness"}): "both run tests/harness",
}

# Rough durations measured here (2 cores), used to start the longest layers first when reports/
# holds no earlier run's times.
TYPICAL_SECONDS = {"integration": 420, "e2e": 240, "localstack": 200, "model": 90, "unit": 90, "lint": 60,
                   "harness": 100, "serving": 30, "gate": 400}


def default_jobs() -> int:
    """Two cores: three layers at once (they spend most of their time waiting), at most four."""
    return min(4, (os.cpu_count() or 1) + 1)


def parse_jobs(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError(f"--jobs must be a whole number of at least 1 (1 runs the layers one by one), not {value!r}")
    return int(value)


def clash(layer: str, running: list[str]) -> str | None:
    """Why layer cannot start beside the running ones (None: it can)."""
    return next((CLASHES[frozenset({layer, r})] for r in running if frozenset({layer, r}) in CLASHES), None)


def order(layers: list[str], estimates: dict[str, float]) -> list[str]:
    """Longest first; layers with no estimate keep their given order after the estimated ones."""
    known = {**TYPICAL_SECONDS, **estimates}
    return sorted(layers, key=lambda layer: -known.get(layer, 0))


def logs_dir() -> Path:
    path = reports_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _timings_file() -> Path:
    return logs_dir() / "timings.json"


def last_timings() -> dict[str, float]:
    try:
        return json.loads(_timings_file().read_text())
    except (OSError, ValueError):
        return {}


@dataclass
class Outcome:
    layer: str
    code: int
    seconds: float
    log: Path


class Status:
    """The live one-line status: rewritten in place on a terminal, printed on each change otherwise."""

    def __init__(self, total: int, stream: TextIO = sys.stdout) -> None:
        self.total, self.stream = total, stream
        self.live = stream.isatty()
        self.started: dict[str, float] = {}
        self.done: list[str] = []

    def line(self) -> str:
        now = time.monotonic()
        running = ", ".join(f"{name} {now - t:.0f}s" for name, t in self.started.items()) or "-"
        waiting = self.total - len(self.done) - len(self.started)
        return f"[layers] {len(self.done)}/{self.total} done | running: {running} | waiting: {waiting}"

    def show(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K" + self.line())
            self.stream.flush()

    def event(self, message: str) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")
        print(message, file=self.stream, flush=True)
        if self.live:
            self.show()
        else:
            print(self.line(), file=self.stream, flush=True)


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def run(layers: list[str], tox: list[str], jobs: int, *, stream: TextIO = sys.stdout) -> dict[str, Outcome]:
    """Run `tox -e LAYER` for every layer, at most jobs at once; return the outcomes in layers' order."""
    pending = order(layers, last_timings())
    running: dict[str, tuple[subprocess.Popen, float]] = {}
    finished: queue.Queue[str] = queue.Queue()
    outcomes: dict[str, Outcome] = {}
    status = Status(len(layers), stream)
    logs = logs_dir()

    def start(layer: str) -> None:
        log = logs / f"{layer}.log"
        fh = log.open("w")
        serial = jobs == 1 or len(layers) == 1
        proc = subprocess.Popen([*tox, "-e", layer], stdout=subprocess.PIPE if serial else fh,
                                stderr=subprocess.STDOUT, text=serial)
        running[layer] = (proc, time.monotonic())
        status.started[layer] = time.monotonic()

        def watch() -> None:
            if serial:  # shown as well as logged
                for text in proc.stdout:
                    stream.write(text)
                    fh.write(text)
                stream.flush()
            proc.wait()
            fh.close()
            finished.put(layer)

        threading.Thread(target=watch, daemon=True).start()
        status.event(f"[layers] start {layer} (log: {log})")

    try:
        while pending or running:
            for layer in list(pending):
                if len(running) >= jobs:
                    break
                if clash(layer, list(running)):
                    continue
                pending.remove(layer)
                start(layer)
            try:
                layer = finished.get(timeout=1.0)
            except queue.Empty:
                status.show()
                continue
            proc, began = running.pop(layer)
            del status.started[layer]
            status.done.append(layer)
            outcome = Outcome(layer, proc.returncode, time.monotonic() - began, logs / f"{layer}.log")
            outcomes[layer] = outcome
            word = "ok" if outcome.code == 0 else f"exit {outcome.code}"
            status.event(f"[layers] {layer}: {word} after {outcome.seconds:.0f}s")
            if outcome.code != 0 and not (jobs == 1 or len(layers) == 1):
                print(f"----- last lines of {outcome.log} -----\n{_tail(outcome.log)}\n-----", file=stream, flush=True)
    except KeyboardInterrupt:
        # Ctrl-C reached every layer too (one process group): no second signal, which could cut
        # short the destroy their guards run now; wait for them to finish it.
        for proc, _ in running.values():
            proc.wait()
        raise
    finally:
        if status.live:
            stream.write("\n")
    _timings_file().write_text(json.dumps({**last_timings(),
                                           **{k: round(o.seconds, 1) for k, o in outcomes.items()}}, indent=2))
    return {layer: outcomes[layer] for layer in layers}
