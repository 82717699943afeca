"""One run of the static layer: the real configuration, the custom-check fixtures, the gate
fixtures and the plan fixtures, all scanned by a single checkov process started up front so it
runs while the python-hcl2 tests do (checkov's start-up alone costs seconds).

Broken copies of terraform/ cost checkov about 0.7 s of CPU each, which the layer's time budget
cannot afford: they are scanned in a second checkov run that only thorough runs (tests marked
slow, e.g. tox -e gate) ask for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tfsuite.paths import REPO_ROOT, TERRAFORM_DIR
from tfsuite.policy.runner import CheckovBatch, ScanResult, ScanTarget
from tfsuite.testing.broken_cases import BrokenCase, load_cases

VERDICTS = ("pass", "fail")
UNIT_FIXTURES = REPO_ROOT / "tests" / "unit" / "fixtures"


@dataclass(frozen=True)
class CheckFixture:
    """A mini configuration on which one custom check must pass, or must fail."""

    check_id: str
    verdict: str  # "pass" or "fail"
    folder: Path

    @property
    def target(self) -> str:
        return f"check.{self.check_id}.{self.verdict}"


def load_check_fixtures(root: Path) -> list[CheckFixture]:
    """tests/unit/fixtures/checks/<CHECK_ID>/{pass,fail}/*.tf"""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no custom-check fixtures at {root}")
    return [CheckFixture(check.name, verdict, check / verdict)
            for check in sorted(p for p in root.iterdir() if p.is_dir())
            for verdict in VERDICTS if (check / verdict).is_dir()]


def case_target(case: BrokenCase) -> str:
    return f"case.{case.name}"


class StaticLayerRun:
    def __init__(self, workdir: Path, fixtures: Path = UNIT_FIXTURES, terraform: Path = TERRAFORM_DIR) -> None:
        self.terraform = Path(terraform)
        self.fixtures = Path(fixtures)
        self.workdir = Path(workdir)
        self.check_fixtures = load_check_fixtures(self.fixtures / "checks")
        self.plans = sorted((self.fixtures / "plans").glob("*.json"))
        self.gate_fixtures = sorted(p for p in (self.fixtures / "gate").iterdir() if p.is_dir())
        self._built: dict[str, Path] = {}
        self._batch: CheckovBatch | None = None
        self.target_count = 0

    @cached_property
    def cases(self) -> list[BrokenCase]:
        return load_cases(self.fixtures / "broken")

    def case_config(self, case: BrokenCase):
        """The broken copy as python-hcl2 reads it (a tfsuite.static.Config), built in memory."""
        from tfsuite.static.hcl import config_from_texts  # python-hcl2 loads after checkov started

        return config_from_texts(self.workdir / "cases" / case.name, case.tf_files(self.terraform))

    def case_dir(self, case: BrokenCase) -> Path:
        if case.name not in self._built:
            self._built[case.name] = case.build(self.terraform, self.workdir / "cases" / case.name)
        return self._built[case.name]

    def case_targets(self) -> list[ScanTarget]:
        return [ScanTarget(case_target(c), self.case_dir(c)) for c in self.cases if c.needs_checkov]

    def targets(self) -> list[ScanTarget]:
        targets = [ScanTarget("terraform", self.terraform)]
        targets += [ScanTarget(f"gate.{p.name}", p) for p in self.gate_fixtures]
        targets += [ScanTarget(f.target, f.folder) for f in self.check_fixtures]
        return targets + [ScanTarget(f"plan.{p.stem}", p) for p in self.plans]

    def start_policy_scan(self) -> None:
        if self._batch is None:
            targets = self.targets()
            self.target_count = len(targets)
            self._batch = CheckovBatch(targets).start()

    def cancel_policy_scan(self) -> None:
        if self._batch is not None:
            self._batch.cancel()
            self._batch = None

    @cached_property
    def policy_results(self) -> dict[str, ScanResult]:
        self.start_policy_scan()
        assert self._batch is not None
        return self._batch.wait()

    @cached_property
    def thorough_results(self) -> dict[str, ScanResult]:
        """checkov over the broken copies of terraform/ (a second run, for thorough runs only)."""
        targets = self.case_targets()
        return CheckovBatch(targets).start().wait() if targets else {}

    def case_results(self, case: BrokenCase) -> ScanResult:
        return self.thorough_results[case_target(case)]

    @property
    def checkov_seconds(self) -> float:
        return self._batch.seconds if self._batch else 0.0
