"""p50/p95 latency over N calls, and its JSON report."""

from __future__ import annotations

import json

import pytest

from tfsuite.serving.latency import measure, summarize, write_report


def test_percentiles_of_known_durations():
    summary = summarize([float(ms) for ms in range(1, 101)])

    assert (summary.requests, summary.min_ms, summary.max_ms) == (100, 1.0, 100.0)
    assert summary.p50_ms == pytest.approx(50.5)
    assert summary.p95_ms == pytest.approx(95.05)


def test_measure_calls_the_function_n_times():
    calls = []

    summary = measure(lambda: calls.append(1), 5)

    assert len(calls) == summary.requests == 5
    assert 0 <= summary.min_ms <= summary.p50_ms <= summary.p95_ms <= summary.max_ms


@pytest.mark.parametrize("requests", [1, 0, "10", True])
def test_measure_needs_at_least_two_requests(requests):
    with pytest.raises(ValueError, match="integer >= 2"):
        measure(lambda: None, requests)


def test_the_report_is_json_under_the_reports_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path))

    path = write_report("serving-latency", summarize([1.0, 3.0]), image="tensorflow/serving:x")

    assert path == tmp_path / "serving-latency.json"
    assert json.loads(path.read_text())["latency"]["p50_ms"] == 2.0


@pytest.mark.parametrize("name", ["", "../escape"])
def test_a_bad_report_name_is_refused(name):
    with pytest.raises(ValueError, match="plain file stem"):
        write_report(name, summarize([1.0, 2.0]))
