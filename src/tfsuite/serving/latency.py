"""Latency of repeated calls: p50 and p95 over N calls, written as JSON under reports/."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from tfsuite.paths import reports_dir


@dataclass(frozen=True)
class LatencySummary:
    requests: int
    p50_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float
    mean_ms: float


def measure(call: Callable[[], object], requests: int) -> LatencySummary:
    """Time `requests` sequential calls (each must succeed: a failure is raised, not counted)."""
    if isinstance(requests, bool) or not isinstance(requests, int) or requests < 2:
        raise ValueError(f"requests must be an integer >= 2 to give percentiles, got {requests!r}")
    durations_ms = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        durations_ms.append((time.perf_counter() - started) * 1000)
    return summarize(durations_ms)


def summarize(durations_ms: list[float]) -> LatencySummary:
    if len(durations_ms) < 2:
        raise ValueError(f"need at least 2 durations for percentiles, got {len(durations_ms)}")
    cuts = statistics.quantiles(durations_ms, n=100, method="inclusive")
    return LatencySummary(
        requests=len(durations_ms),
        p50_ms=round(cuts[49], 3),
        p95_ms=round(cuts[94], 3),
        min_ms=round(min(durations_ms), 3),
        max_ms=round(max(durations_ms), 3),
        mean_ms=round(statistics.fmean(durations_ms), 3),
    )


def write_report(name: str, summary: LatencySummary, **context: object) -> Path:
    """reports/<name>.json with the summary and what was measured (image, URL, ...)."""
    if not name or "/" in name:
        raise ValueError(f"report name must be a plain file stem, got {name!r}")
    path = reports_dir() / f"{name}.json"
    path.write_text(json.dumps({**context, "latency": asdict(summary)}, indent=2, sort_keys=True) + "\n")
    return path
