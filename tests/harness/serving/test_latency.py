"""Latency percentiles (nearest-rank, checked against the definition's published examples), the
timed calls, and the JSON report."""

from __future__ import annotations

import json

import pytest

from tfsuite.serving.latency import LatencyStats, measure, percentile, time_calls, write_report

# The worked examples of the nearest-rank method, https://en.wikipedia.org/wiki/Percentile
WIKIPEDIA_EXAMPLES = [
    ([15, 20, 35, 40, 50], {5: 15, 30: 20, 40: 20, 50: 35, 100: 50}),
    ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], {25: 7, 50: 8, 75: 15, 100: 20}),
    ([3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20], {25: 7, 50: 9, 75: 15, 100: 20}),
]


@pytest.mark.parametrize(("samples", "expected"), WIKIPEDIA_EXAMPLES)
def test_percentiles_follow_the_nearest_rank_definition(samples, expected):
    assert {pct: percentile([float(s) for s in samples], pct) for pct in expected} == expected


def test_a_percentile_is_always_a_measured_value_whatever_the_order():
    samples = [0.7, 0.1, 0.5, 0.3, 0.9, 0.2]
    assert all(percentile(samples, pct) in samples for pct in range(1, 101))
    assert percentile([3.0], 99) == 3.0


@pytest.mark.parametrize(("samples", "pct", "message"), [([], 50, "no samples"), ([1.0], 0, "must be in"),
                                                         ([1.0], 101, "must be in"), ([1.0], True, "must be in")])
def test_percentile_arguments_are_checked(samples, pct, message):
    with pytest.raises(ValueError, match=message):
        percentile(samples, pct)


def test_stats_are_reported_in_milliseconds():
    stats = LatencyStats.of([0.010, 0.020, 0.030, 0.040])
    assert (stats.requests, stats.min_ms, stats.max_ms, stats.mean_ms) == (4, 10.0, 40.0, 25.0)
    assert (stats.p50_ms, stats.p95_ms, stats.p99_ms) == (20.0, 40.0, 40.0)


def test_measure_calls_the_function_n_times():
    calls = []

    stats = measure(lambda: calls.append(1), 5)

    assert len(calls) == stats.requests == 5
    assert 0 <= stats.min_ms <= stats.p50_ms <= stats.p95_ms <= stats.p99_ms <= stats.max_ms


@pytest.mark.parametrize("count", [0, -1, 2.5, "10", True])
def test_the_request_count_must_be_a_positive_whole_number(count):
    with pytest.raises(ValueError, match="positive whole number"):
        time_calls(lambda: None, count)


def test_the_first_failure_is_raised_not_counted():
    def fail():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        measure(fail, 3)


def test_the_report_is_json_under_the_reports_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path))

    path = write_report("serving-latency", LatencyStats.of([0.001, 0.003]), image="tensorflow/serving:x")

    assert path == tmp_path / "serving-latency.json"
    written = json.loads(path.read_text())
    assert written["image"] == "tensorflow/serving:x" and written["latency"]["p50_ms"] == 1.0


@pytest.mark.parametrize("name", ["", "../escape"])
def test_a_bad_report_name_is_refused(name):
    with pytest.raises(ValueError, match="plain file stem"):
        write_report(name, LatencyStats.of([0.001]))
