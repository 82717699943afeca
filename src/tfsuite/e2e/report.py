"""The e2e run's JSON report: every step with its status and duration, the skipped steps with
their reason, the prediction, latency percentiles, time to first prediction and what cleanup found.

Written under reports/ (tfsuite.paths.reports_dir()) as e2e-<mode>.json, also when the run fails
or is interrupted.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from tfsuite.paths import reports_dir


def default_report_path(mode: str) -> Path:
    return reports_dir() / f"e2e-{mode}.json"


class E2EReport:
    def __init__(self, *, mode: str, run_id: str, region: str, path: Path,
                 log: Callable[[str], None] = print) -> None:
        self.path = Path(path)
        self.log = log
        self._started = time.monotonic()
        self.data: dict = {
            "mode": mode, "run_id": run_id, "region": region,
            "started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "outcome": "running", "steps": [], "skipped_steps": [],
        }

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a step; a failure is recorded with its message and re-raised."""
        started = time.monotonic()
        self.log(f"[e2e] {name} ...")
        try:
            yield
        except BaseException as err:
            seconds = time.monotonic() - started
            self.data["steps"].append({"name": name, "status": "failed", "seconds": round(seconds, 1),
                                       "detail": f"{type(err).__name__}: {err}"})
            self.log(f"[e2e] {name} FAILED after {seconds:.1f}s: {err}")
            raise
        seconds = time.monotonic() - started
        self.data["steps"].append({"name": name, "status": "passed", "seconds": round(seconds, 1)})
        self.log(f"[e2e] {name} done in {seconds:.1f}s")

    def skip(self, name: str, reason: str) -> None:
        self.data["skipped_steps"].append({"name": name, "reason": reason})
        self.log(f"[e2e] {name} SKIPPED: {reason}")

    def set(self, key: str, value: object) -> None:
        self.data[key] = value

    def step_status(self, name: str) -> str | None:
        for step in self.data["steps"]:
            if step["name"] == name:
                return step["status"]
        return "skipped" if any(s["name"] == name for s in self.data["skipped_steps"]) else None

    def finish(self, outcome: str) -> Path:
        self.data["outcome"] = outcome
        self.data["seconds"] = round(time.monotonic() - self._started, 1)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        partial.write_text(json.dumps(self.data, indent=2) + "\n")
        os.replace(partial, self.path)
        self.log(f"[e2e] {outcome} after {self.data['seconds']:.0f}s; report: {self.path}")
        return self.path
