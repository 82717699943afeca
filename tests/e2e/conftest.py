"""Fixtures of the e2e layer. The work is done by tfsuite.e2e; these fixtures only give it a shape.

- `emulator`, `emulator_target` (tfsuite.testing.fixtures): moto embedded in this process.
- `toolchain` (tfsuite.testing.fixtures): the bootstrap's CLI and provider mirror; missing FAILS the tests.
- `real_aws`: skips with "RUN_AWS_E2E not set" unless opted in; once opted in, bad settings,
  dead credentials and a foreign account FAIL at once, with the reason. Dead credentials (or a
  bad RUN_AWS_E2E value) stop the whole layer before its first test (pytest_runtestloop below).
- `aws_e2e_report`: one real-AWS run per session (apply, predict, measure, destroy, sweep).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tfsuite.aws.clients import AwsTarget
from tfsuite.aws.credentials import CallerIdentity, CredentialsProblem, caller_identity
from tfsuite.aws.guards import AccountGuardRefused, check_account
from tfsuite.aws.settings import SKIP_REASON, E2ESettings, SettingsError, opted_in, region_from_env
from tfsuite.aws.tagging import RunIdentity
from tfsuite.e2e.flow import E2EFailed, E2EPlan, run_e2e


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    """With RUN_AWS_E2E=1, missing or dead credentials end the layer before any test runs, within
    seconds and naming the problem: a nightly must fail fast, never skip. (Checked once, by the
    xdist controller or the single process; the layer summary is still written.)"""
    if hasattr(session.config, "workerinput"):
        return
    try:
        if not opted_in():
            return
        caller_identity(AwsTarget(region_from_env()))
    except SettingsError as err:
        pytest.exit(str(err), returncode=pytest.ExitCode.TESTS_FAILED)
    except CredentialsProblem as err:
        pytest.exit(f"RUN_AWS_E2E=1 but {err}", returncode=pytest.ExitCode.TESTS_FAILED)



@dataclass(frozen=True)
class RealAws:
    settings: E2ESettings
    target: AwsTarget
    identity: CallerIdentity


@pytest.fixture(scope="session")
def real_aws() -> RealAws:
    try:
        if not opted_in():
            pytest.skip(SKIP_REASON)
        target = AwsTarget(region_from_env())
        identity = caller_identity(target)  # dead credentials fail here, within seconds
        settings = E2ESettings.for_real_aws()
        check_account(identity.account, settings.account_ids)
    except (SettingsError, CredentialsProblem, AccountGuardRefused) as err:
        pytest.fail(str(err), pytrace=False)
    return RealAws(settings, target, identity)


@pytest.fixture(scope="session")
def aws_e2e_report(real_aws, toolchain) -> dict:
    plan = E2EPlan(real_aws.target, real_aws.settings, RunIdentity.new(real_aws.settings.run_id))
    try:
        return run_e2e(plan, toolchain).data
    except E2EFailed as err:
        pytest.fail(str(err), pytrace=False)


@pytest.fixture
def e2e_subprocess(emulator, tmp_path):
    """Start `python -m tfsuite.e2e` against the emulator in its own process group:
    e2e_subprocess(run_id) -> RunningFlow. Whatever still runs at teardown is killed."""
    import os
    import subprocess
    import sys

    from tfsuite.paths import REPO_ROOT

    started: list[RunningFlow] = []

    def start(run_id: str) -> RunningFlow:
        report, log = tmp_path / f"{run_id}.json", tmp_path / f"{run_id}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "tfsuite.e2e", "--emulator-endpoint", emulator.endpoint,
                 "--region", emulator.region, "--run-id", run_id, "--report", str(report)],
                env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        flow = RunningFlow(process, report, log, run_id)
        started.append(flow)
        return flow

    yield start
    for flow in started:
        flow.kill_group()
        flow.remove_working_copies()


@dataclass
class RunningFlow:
    process: object  # subprocess.Popen
    report: object  # Path of its JSON report
    log: object  # Path of its output
    run_id: str

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def kill_group(self) -> None:
        import os
        import signal

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def remove_working_copies(self) -> None:
        """A killed run cannot remove its temporary copy of terraform/ (tfsuite-<run id>-*)."""
        import shutil
        import tempfile
        from pathlib import Path

        from tfsuite.copies import copy_prefix

        for leftover in Path(tempfile.gettempdir()).glob(copy_prefix(self.run_id) + "*"):
            shutil.rmtree(leftover, ignore_errors=True)

    def evidence(self) -> str:
        """The run's own output and report, for a failure message."""
        report = self.report.read_text() if self.report.exists() else "(no report written)"
        return f"--- output of run {self.run_id} (last 6000 chars) ---\n{self.output()[-6000:]}\n" \
               f"--- report ---\n{report[-4000:]}"

    def exit_code(self, timeout: float) -> int:
        """Wait for the run to exit; on a timeout kill it and fail with its output and report."""
        import subprocess

        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_group()
            pytest.fail(f"the e2e run had not exited {timeout:.0f}s after the signal (killed now)\n"
                        f"{self.evidence()}", pytrace=False)

    def wait_until(self, condition, *, timeout: float, what: str):
        """Poll `condition()` until it returns something truthy; fail at once if the process ends first."""
        from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_fixed

        def attempt():
            if self.process.poll() is not None:
                pytest.fail(f"the e2e run exited ({self.process.returncode}) before {what}:\n"
                            f"{self.output()[-3000:]}", pytrace=False)
            return condition()

        polling = Retrying(stop=stop_after_delay(timeout), wait=wait_fixed(0.2),
                           retry=retry_if_result(lambda found: not found))
        try:
            return polling(attempt)
        except RetryError:
            pytest.fail(f"no {what} after {timeout:.0f}s:\n{self.output()[-3000:]}", pytrace=False)


@pytest.fixture(scope="module")
def rehearsal(emulator, emulator_target, toolchain) -> dict:
    """The whole e2e flow on the emulator, once per module; its report (also in reports/e2e-emulator.json)."""
    from tfsuite.e2e.flow import EMULATOR_ACCOUNT_IDS

    settings = E2ESettings.for_emulator(",".join(EMULATOR_ACCOUNT_IDS), region=emulator.region)
    plan = E2EPlan(emulator_target, settings, RunIdentity.new(), emulator, sweep_retry_seconds=60)
    try:
        return run_e2e(plan, toolchain).data
    except E2EFailed as err:
        pytest.fail(str(err), pytrace=False)
