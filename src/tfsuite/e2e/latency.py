"""Latency percentiles over N timed calls (nearest-rank, so every percentile is a measured value)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

PERCENTILES = (50, 95, 99)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least pct% of samples at or below it."""
    if not samples:
        raise ValueError("no samples to take a percentile of")
    if not 0 < pct <= 100:
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
        p50, p95, p99 = (round(percentile(ms, p), 2) for p in PERCENTILES)
        return cls(requests=len(ms), p50_ms=p50, p95_ms=p95, p99_ms=p99, min_ms=round(min(ms), 2),
                   max_ms=round(max(ms), 2), mean_ms=round(sum(ms) / len(ms), 2))

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
