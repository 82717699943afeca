"""Rehearsal layer fixtures: one apply of the article profile on embedded moto per session (World),
and rehearsals (the task definition's containers + the ALB stand-in) started on it per scenario.

Timings of every scenario go to reports/rehearsal.json, with the substitutions the run made.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

from tfsuite.emulator.moto_server import EmbeddedMoto  # noqa: E402
from tfsuite.paths import TERRAFORM_DIR, reports_dir  # noqa: E402
from tfsuite.rehearsal.checks import delete_prefix  # noqa: E402
from tfsuite.rehearsal.run import Rehearsal, substitutions  # noqa: E402
from tfsuite.rehearsal.world import NATIVE_S3, POLL_SECONDS, WITHOUT_MODEL, World  # noqa: E402
from tfsuite.testing.rehearsal_broken import load_cases, serve_outcomes  # noqa: E402

BROKEN_CASES = Path(__file__).parent / "broken" / "cases.yaml"
BROKEN_SERVE_TIMEOUT = 90  # seconds: nine tasks start side by side; the health check runs every 15 s
BROKEN_APPLY_WORKERS = 10  # all at once: ~55 s of each apply is the provider re-reading a lifecycle configuration

REPORT: dict = {"scenarios": {}, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def pytest_sessionfinish(session: pytest.Session) -> None:
    if REPORT["scenarios"] or "world" in REPORT:
        path = reports_dir() / "rehearsal.json"
        path.write_text(json.dumps(REPORT, indent=2, sort_keys=True) + "\n")


def pytest_terminal_summary(terminalreporter) -> None:
    if not REPORT["scenarios"]:
        return
    terminalreporter.section("rehearsal: scenario timings (reports/rehearsal.json)")
    for name, data in REPORT["scenarios"].items():
        details = ", ".join(f"{k}={v}" for k, v in sorted(data.items()) if k != "seconds")
        terminalreporter.write_line(f"{name:<34} {data.get('seconds', 0):6.1f}s  {details}")



@pytest.fixture(scope="session")
def emulator():
    with EmbeddedMoto() as running:
        yield running


def _apply_world(toolchain, emulator) -> World:
    started = time.monotonic()
    applied = World.apply(toolchain, emulator, variables=WITHOUT_MODEL, enforce=False)
    REPORT["world"] = {"apply_seconds": round(time.monotonic() - started, 1), "terraform": applied.timings,
                       "poll_seconds": POLL_SECONDS, "variables": WITHOUT_MODEL,
                       "health_check": vars(applied.deployed.health_check),
                       "listener_port": applied.deployed.listener_port}
    return applied


@pytest.fixture(scope="session")
def world_run(toolchain, emulator) -> Future:
    """The session's apply, started in a background thread (see _start_background_runs)."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="world")
    future = executor.submit(_apply_world, toolchain, emulator)
    try:
        yield future
    finally:
        executor.shutdown(wait=True)
        if future.exception() is None:
            future.result().discard()


@pytest.fixture(scope="session")
def world(world_run):
    """The article profile applied once per session without its model (model_local_path = null):
    the bucket starts empty and each scenario uploads the versions it needs; IAM enforcement on.
    Not destroyed: the embedded emulator goes with the session (destroy is the emulator layer's proof)."""
    applied = world_run.result()
    applied.enforce()
    return applied


def _uses(item, fixture: str) -> bool:
    return fixture in getattr(item, "fixturenames", ())


def _phase(item) -> int:
    """0: tests without an emulator, while the session's apply runs in the background; 1: the tests
    on the applied world; 2: the other tests on the embedded emulator (they switch IAM enforcement,
    which would deny Terraform's apply); 3: the broken copies' outcomes, applied and checked in the
    background on a moto process of their own while everything else runs."""
    if _uses(item, "broken_run"):
        return 3
    if _uses(item, "world"):
        return 1
    return 2 if _uses(item, "emulator") else 0


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_phase)  # stable: the order is kept within each phase


@pytest.fixture(scope="session")
def broken_run(request, toolchain, tmp_path_factory) -> Future:
    """The broken copies and the intact profile, applied and serve-checked in a background thread
    (tfsuite.testing.rehearsal_broken.serve_outcomes); .result() gives name -> failure or None."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="broken-copies")
    future = executor.submit(serve_outcomes, toolchain, load_cases(BROKEN_CASES), TERRAFORM_DIR,
                             tmp_path_factory.mktemp("broken"), BROKEN_SERVE_TIMEOUT, BROKEN_APPLY_WORKERS,
                             intact={"intact": {}, "intact-native-s3": NATIVE_S3})
    started = time.monotonic()
    future.add_done_callback(lambda _: REPORT.setdefault("broken_copies", {}).update(
        seconds=round(time.monotonic() - started, 1)))
    try:
        yield future
    finally:
        future.cancel()
        executor.shutdown(wait=True)


@pytest.fixture(scope="session", autouse=True)
def _start_background_runs(request):
    """Start the background applies at the first test, those that a selected test needs."""
    for fixture in ("world_run", "broken_run"):
        if any(_uses(item, fixture) for item in request.session.items):
            try:
                request.getfixturevalue(fixture)
            except (Exception, pytest.fail.Exception):
                pass  # kept by pytest: each test that needs the fixture reports it (missing toolchain, ...)


@pytest.fixture
def scenario(request):
    """scenario(**measurements) records this test's timing and numbers in reports/rehearsal.json."""
    started = time.monotonic()
    data: dict = {}

    def record(**values) -> dict:
        data.update(values)
        return data

    yield record
    data["seconds"] = round(time.monotonic() - started, 1)
    data["outcome"] = "failed" if getattr(request.node, "rep_call_failed", False) else "done"
    REPORT["scenarios"][request.node.name] = data


@pytest.fixture(scope="session", params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def engine(request) -> str:
    """How the task's containers run: "local" (this machine's processes; always) and "docker" (the
    real images, where a Docker engine answers)."""
    if request.param == "docker":
        from tfsuite.rehearsal.docker_task import docker_available

        reason = docker_available()
        if reason:
            pytest.skip(f"{reason} (the real tensorflow/serving and aws-cli images need one)")
    return request.param


@pytest.fixture
def start_rehearsal(world, engine):
    """start_rehearsal() -> a running Rehearsal on an emptied model prefix; stopped after the test."""
    runs = []

    def start(clear: bool = True, **options) -> Rehearsal:
        world.enforce()
        if clear:
            delete_prefix(world.client("s3"), world.deployed.bucket, f"{world.deployed.model_name}/")
        run = Rehearsal.start(world.deployed, world.endpoint, world.task_credentials, engine=engine, **options)
        runs.append(run)
        REPORT["substitutions"] = substitutions(run.mode, world.deployed, run.alb.address, run.task_address)
        REPORT["volume_mode"] = run.mode
        return run

    yield start
    for run in runs:
        run.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item.rep_call_failed = True
