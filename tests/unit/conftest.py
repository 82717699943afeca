"""Static layer fixtures. checkov runs once per session, in the background from the start of the
session, over the real configuration and the fixtures; the python-hcl2 tests run meanwhile and the
policy tests (ordered last) collect its results."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tfsuite.paths import TERRAFORM_DIR, reports_dir
from tfsuite.policy import CheckovMissing, GateReport, load_ledger, review_folder, write_sarif
from tfsuite.testing.static_layer import StaticLayerRun

POLICY_FIXTURES = {"policy_results", "real_gate"}
_RUN = pytest.StashKey[StaticLayerRun]()
_START_ERROR = pytest.StashKey[Exception]()
_GATE = pytest.StashKey[GateReport]()


def _uses_checkov(item: pytest.Item) -> bool:
    return bool(POLICY_FIXTURES & set(getattr(item, "fixturenames", ())))


def _start_policy_scan(config: pytest.Config) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="tfsuite-static-"))
    config.add_cleanup(lambda: shutil.rmtree(workdir, ignore_errors=True))
    run = StaticLayerRun(workdir)
    config.stash[_RUN] = run
    try:
        run.start_policy_scan()
    except (CheckovMissing, OSError) as exc:  # reported by the tests that need checkov, as failures
        config.stash[_START_ERROR] = exc


def pytest_sessionstart(session: pytest.Session) -> None:
    # Start checkov before collection (it needs seconds to start); stopped again below if no
    # selected test needs it. Runs only when this conftest is loaded at start-up (pytest tests/unit).
    if not session.config.option.collectonly:
        _start_policy_scan(session.config)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_uses_checkov)  # stable: checkov's results are needed as late as possible


def pytest_collection_finish(session: pytest.Session) -> None:
    run = session.config.stash.get(_RUN, None)
    needed = any(_uses_checkov(item) for item in session.items) and not session.config.option.collectonly
    if run is not None and not needed:
        run.cancel_policy_scan()
    elif run is None and needed:
        _start_policy_scan(session.config)


@pytest.fixture(scope="session")
def layer_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> StaticLayerRun:
    run = request.config.stash.get(_RUN, None)
    if run is None:
        run = StaticLayerRun(tmp_path_factory.mktemp("static-layer"))
        request.config.stash[_RUN] = run
    return run


@pytest.fixture(scope="session")
def policy_results(request: pytest.FixtureRequest, layer_run: StaticLayerRun):
    error = request.config.stash.get(_START_ERROR, None)
    if error is not None:
        pytest.fail(str(error), pytrace=False)
    try:
        return layer_run.policy_results
    except CheckovMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def ledger():
    return load_ledger()


@pytest.fixture(scope="session")
def real_gate(request: pytest.FixtureRequest, policy_results, ledger) -> GateReport:
    """The gate's verdict on terraform/, also written to reports/checkov.sarif."""
    report = review_folder(policy_results["terraform"], ledger)
    write_sarif([report], reports_dir() / "checkov.sarif")
    request.config.stash[_GATE] = report
    return report


@pytest.fixture(scope="session")
def real_config():
    from tfsuite.static import load_config  # loads python-hcl2: after checkov has started

    return load_config(TERRAFORM_DIR)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    report = config.stash.get(_GATE, None)
    run = config.stash.get(_RUN, None)
    if report is None:
        return
    terminalreporter.section("static layer: policy gate")
    terminalreporter.write_line(report.summary())
    if run is not None:
        terminalreporter.write_line(f"checkov: one run over {run.target_count} targets in "
                                    f"{run.checkov_seconds:.1f} s; SARIF: {reports_dir() / 'checkov.sarif'}")
