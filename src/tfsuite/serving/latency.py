"""Latency of repeated calls: nearest-rank percentiles over N timed calls, written as JSON under
reports/. The one implementation for the Docker serving check and the e2e run.

Nearest-rank (https://en.wikipedia.org/wiki/Percentile#The_nearest-rank_method): the P-th
percentile of N ordered values is the value at rank ceil(P/100 * N), so every percentile is a
latency that was really measured (no interpolation between two requests).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from tfsuite.paths import reports_dir

PERCENTILES = (50, 95, 99)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least pct% of samples at or below it."""
    if not samples:
        raise ValueError("no samples to take a percentile of")
    if isinstance(pct, bool) or not isinstance(pct, int | float) or not 0 < pct <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {pct!r}")
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


@dataclass(frozen=True)
class LatencyStats:
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    min_ms: float
    max_ms: float
    mean_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> LatencyStats:
        ms = [s * 1000.0 for s in seconds]
        p50, p95, p99 = (round(percentile(ms, p), 3) for p in PERCENTILES)
        return cls(requests=len(ms), p50_ms=p50, p95_ms=p95, p99_ms=p99, min_ms=round(min(ms), 3),
                   max_ms=round(max(ms), 3), mean_ms=round(sum(ms) / len(ms), 3))

    def to_dict(self) -> dict:
        return asdict(self)


def time_calls(call: Callable[[], object], count: int) -> list[float]:
    """Seconds taken by each of `count` sequential calls; the first failure is raised."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive whole number, got {count!r}")
    durations = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
    return durations


def measure(call: Callable[[], object], requests: int) -> LatencyStats:
    """Time `requests` sequential calls (each must succeed: a failure is raised, not counted)."""
    return LatencyStats.of(time_calls(call, requests))


def write_report(name: str, stats: LatencyStats, **context: object) -> Path:
    """reports/<name>.json with the percentiles and what was measured (image, URL, ...)."""
    if not name or "/" in name:
        raise ValueError(f"report name must be a plain file stem, got {name!r}")
    path = reports_dir() / f"{name}.json"
    path.write_text(json.dumps({**context, "latency": stats.to_dict()}, indent=2, sort_keys=True) + "\n")
    return path
