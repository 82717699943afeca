"""Pytest plugin: per-layer summary (passed/skipped/deselected/xfailed/failed, skip reasons, duration).

Each tox env runs one layer (TFSUITE_LAYER); the summary lands in reports/summary-<layer>.json
and is read by `python -m tfsuite.reporting` to print the closing table. Every skip is recorded
with the markers that name its kind of test (tfsuite.verdicts.TEST_KINDS), because an excused
skip reason belongs to one kind of test.
"""

from __future__ import annotations

import os
import time

import pytest

from tfsuite import reporting, verdicts

DESELECTED_KEY = "tfsuite_deselected"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Attach the test's kind markers to its reports (a plain attribute: xdist carries it over)."""
    report = yield
    report.tfsuite_markers = sorted({m.name for m in item.iter_markers()} & verdicts.TEST_KINDS)
    return report


class LayerSummary:
    def __init__(self, layer: str) -> None:
        self.layer = layer
        self.started = time.monotonic()
        self.counts = {"passed": 0, "failed": 0, "skipped": 0, "error": 0, "deselected": 0, "xfailed": 0}
        self.skips: list[dict] = []
        self.xfails: list[dict[str, str]] = []

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or (report.when == "setup" and not report.passed):
            if report.skipped and hasattr(report, "wasxfail"):  # an expected failure, not a skip
                self.counts["xfailed"] += 1
                self.xfails.append({"test": report.nodeid, "reason": report.wasxfail})
            elif report.skipped:
                self.counts["skipped"] += 1
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
                self.skips.append({"test": report.nodeid, "reason": reason.removeprefix("Skipped: "),
                                   "markers": list(getattr(report, "tfsuite_markers", []))})
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

    @pytest.hookimpl
    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.counts["deselected"] += len(items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        """xdist: every worker collects and deselects the same tests; take one worker's count."""
        deselected = getattr(node, "workeroutput", {}).get(DESELECTED_KEY, 0)
        self.counts["deselected"] = max(self.counts["deselected"], deselected)

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


class WorkerDeselected:
    """In an xdist worker: count the deselected tests and hand the count to the controller."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.count = 0

    @pytest.hookimpl
    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.count += len(items)

    @pytest.hookimpl
    def pytest_sessionfinish(self) -> None:
        self.config.workeroutput[DESELECTED_KEY] = self.count


def pytest_configure(config: pytest.Config) -> None:
    layer = os.environ.get("TFSUITE_LAYER")
    if not layer:
        return
    if hasattr(config, "workerinput"):  # the xdist controller writes the summary
        config.pluginmanager.register(WorkerDeselected(config), "tfsuite-worker-deselected")
    else:
        config.pluginmanager.register(LayerSummary(layer), "tfsuite-layer-summary")
