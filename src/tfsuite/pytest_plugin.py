"""Pytest plugin: per-layer summary (passed/skipped/failed, skip reasons, duration).

An expected failure (xfail, e.g. a scenario waiting for a product fix) is counted as "xfailed" with
its reason, not as a skip: it ran, and a strict xfail that passes fails the layer.

Each tox env runs one layer (TFSUITE_LAYER); the summary lands in reports/summary-<layer>.json
and is read by `python -m tfsuite.reporting` to print the closing table.
"""

from __future__ import annotations

import os
import time

import pytest

from tfsuite import reporting


class LayerSummary:
    def __init__(self, layer: str) -> None:
        self.layer = layer
        self.started = time.monotonic()
        self.counts = {"passed": 0, "failed": 0, "skipped": 0, "error": 0, "xfailed": 0}
        self.skips: list[dict[str, str]] = []
        self.xfails: list[dict[str, str]] = []

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or (report.when == "setup" and not report.passed):
            if report.skipped and hasattr(report, "wasxfail"):
                self.counts["xfailed"] += 1
                self.xfails.append({"test": report.nodeid, "reason": report.wasxfail})
            elif report.skipped:
                self.counts["skipped"] += 1
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
                self.skips.append({"test": report.nodeid, "reason": reason.removeprefix("Skipped: ")})
            elif report.failed:
                self.counts["failed" if report.when == "call" else "error"] += 1
            elif report.passed and report.when == "call":
                self.counts["passed"] += 1
        elif report.when == "teardown" and report.failed:
            self.counts["error"] += 1

    @pytest.hookimpl
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.counts["error"] += 1

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        reporting.write_summary(
            self.layer,
            counts=self.counts,
            skips=self.skips,
            xfails=self.xfails,
            seconds=time.monotonic() - self.started,
            exitstatus=int(exitstatus),
        )


def pytest_configure(config: pytest.Config) -> None:
    layer = os.environ.get("TFSUITE_LAYER")
    if layer and not hasattr(config, "workerinput"):  # the xdist controller writes the summary
        config.pluginmanager.register(LayerSummary(layer), "tfsuite-layer-summary")
