"""Rehearsal layer fixtures: one apply of the article profile on embedded moto per session (World),
and rehearsals (the task definition's containers + the ALB stand-in) started on it per scenario.

Timings of every scenario go to reports/rehearsal.json, with the substitutions the run made.
"""

from __future__ import annotations

import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

from tfsuite.emulator.moto_server import EmbeddedMoto  # noqa: E402
from tfsuite.paths import reports_dir  # noqa: E402
from tfsuite.rehearsal.checks import delete_prefix  # noqa: E402
from tfsuite.rehearsal.run import Rehearsal, substitutions  # noqa: E402
from tfsuite.rehearsal.world import POLL_SECONDS, World  # noqa: E402
from tfsuite.toolchain import ToolchainMissing, load_toolchain  # noqa: E402

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
def toolchain():
    try:
        return load_toolchain()
    except ToolchainMissing as exc:
        reason = str(exc)
    pytest.fail(f"toolchain missing: run make bootstrap ({reason})", pytrace=False)


@pytest.fixture(scope="session")
def emulator():
    with EmbeddedMoto() as running:
        yield running


@pytest.fixture(scope="session")
def world(toolchain, emulator):
    started = time.monotonic()
    applied = World.apply(toolchain, emulator)
    REPORT["world"] = {"apply_seconds": round(time.monotonic() - started, 1), "terraform": applied.timings,
                       "poll_seconds": POLL_SECONDS,
                       "health_check": vars(applied.deployed.health_check),
                       "listener_port": applied.deployed.listener_port}
    try:
        yield applied
    finally:
        applied.close()


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
