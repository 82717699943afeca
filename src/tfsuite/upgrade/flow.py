"""One example profile through the upgrade check, on an emulator:

    base terraform/ --apply--> state --copied into--> a copy of the new terraform/ --plan-->
    classified changes --judged by the approvals--> [apply the upgrade --> second plan empty]

    run = ProfileRun(toolchain, emulator, base_dir, profile)
    run.apply_base()                       # once; several candidates may be planned against it
    result = run.check(new_dir, approvals) # plan, judge, and when allowed apply + second plan
    run.close()                            # destroys whatever the latest state holds

The upgrade apply runs only when the plan passes the approvals. A candidate that applied a real
change (anything but moves) makes the emulator differ from the base state: later checks on the
same run are refused. Moves alone change only the state, so checks may continue after them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from tfsuite.emulator.endpoint import Emulator
from tfsuite.runner import Deployment, Inventory, Workspace, unique_name_prefix
from tfsuite.runner.emulator_diffs import split_tolerated
from tfsuite.runner.guard import GUARD, DestroyGuard
from tfsuite.runner.plan import Plan
from tfsuite.toolchain import Toolchain
from tfsuite.upgrade.approvals import Approvals, Judgement, judge
from tfsuite.upgrade.classify import Change, classify

# Added to every profile: the run's destroy must be able to empty the model bucket.
GATE_VARIABLES = {"force_destroy_bucket": True}


@dataclass(frozen=True)
class Profile:
    name: str
    var_file: str  # relative to terraform/


def list_profiles(terraform_dir: Path) -> list[Profile]:
    """The example profiles: terraform/examples/*.tfvars (the same list the emulator layer plans)."""
    return [Profile(p.stem, f"examples/{p.name}") for p in sorted((Path(terraform_dir) / "examples").glob("*.tfvars"))]


@dataclass
class ProfileResult:
    profile: str
    changes: list[Change] = field(default_factory=list)
    judgement: Judgement | None = None
    applied: bool = False
    second_plan: list[str] = field(default_factory=list)  # changes of the plan after the upgrade apply
    tolerated: list[str] = field(default_factory=list)  # known emulator gaps, reported not failed
    note: str = ""
    skipped: str | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        if self.error:
            return False
        if self.skipped:
            return True
        return self.judgement is not None and self.judgement.ok and not self.second_plan


@dataclass
class Candidate:
    workspace: Workspace
    plan: Plan
    changes: list[Change]


class ProfileRun:
    def __init__(self, toolchain: Toolchain, emulator: Emulator, base_dir: Path, profile: Profile,
                 name_prefix: str | None = None, guard: DestroyGuard = GUARD) -> None:
        self.toolchain, self.emulator, self.profile, self.guard = toolchain, emulator, profile, guard
        self.base_dir = Path(base_dir)
        self.name_prefix = name_prefix or unique_name_prefix(lead="u")
        self.base: Deployment | None = None
        self._state: bytes | None = None
        self._candidates: list[Workspace] = []
        self._live: Workspace | None = None  # a candidate that applied and so holds the deployment
        self._base_current = True  # the emulator still holds what the base state describes
        self.timings: list[tuple[str, float]] = []

    def apply_base(self) -> None:
        """Apply the base terraform/ with the profile (once)."""
        if self.base is not None:
            return
        if not (self.base_dir / self.profile.var_file).is_file():
            raise FileNotFoundError(f"the base has no {self.profile.var_file}")
        workspace = Workspace.create(self.toolchain, self.emulator, self.name_prefix, source=self.base_dir)
        inventory = Inventory(f"base-{self.profile.name}", self.base_dir / self.profile.var_file,
                              f"base of the upgrade check, profile {self.profile.name}",
                              (self.profile.var_file,), dict(GATE_VARIABLES))
        self.base = Deployment(workspace, inventory, guard=self.guard)
        self.base.apply()
        self._state = (workspace.dir / "terraform.tfstate").read_bytes()

    def plan(self, source: Path) -> Candidate:
        """Plan `source` (a terraform/ folder) against a copy of the base state."""
        if self._state is None:
            raise RuntimeError("apply_base() first")
        if not self._base_current:
            raise RuntimeError("an earlier candidate applied a change: the emulator no longer holds the "
                               "base deployment, so no further candidate can be planned against it")
        workspace = Workspace.create(self.toolchain, self.emulator, self.name_prefix, source=Path(source))
        self._candidates.append(workspace)
        (workspace.dir / "terraform.tfstate").write_bytes(self._state)
        workspace.init()
        if not (workspace.dir / self.profile.var_file).is_file():
            raise FileNotFoundError(f"the new terraform/ has no {self.profile.var_file}")
        plan = workspace.plan([self.profile.var_file], GATE_VARIABLES, label=f"upgrade plan {self.profile.name}")
        return Candidate(workspace, plan, classify(plan))

    def finish(self, candidate: Candidate, result: ProfileResult) -> None:
        """Apply the upgrade; the plan after it must be empty (known emulator gaps are reported)."""
        if not candidate.changes and not candidate.plan.output_changes():
            result.note = "the plan is empty: nothing to apply, already converged"
            return
        self._take_over(candidate)
        candidate.workspace.apply(candidate.plan, label=f"upgrade apply {self.profile.name}")
        result.applied = True
        failing, tolerated = split_tolerated(candidate.workspace.second_plan_changes(), self.emulator.kind)
        result.second_plan = [str(c) for c in failing]
        result.tolerated = [f"{c}: {why}" for c, why in tolerated]

    def check(self, source: Path, approvals: Approvals, today=None, apply: bool = True) -> ProfileResult:
        """Plan, judge, and (when the judgement passes and `apply`) apply and plan again."""
        started = time.monotonic()
        result = ProfileResult(self.profile.name)
        try:
            candidate = self.plan(source)
            result.changes = candidate.changes
            result.judgement = judge(candidate.changes, approvals, today)
            if not result.judgement.ok:
                result.note = "upgrade apply not attempted: the plan deletes or replaces without approval"
            elif apply:
                self.finish(candidate, result)
        finally:
            result.seconds = time.monotonic() - started
        return result

    def _take_over(self, candidate: Candidate) -> None:
        """From its apply on, the candidate's state is the one that describes the emulator."""
        workspace = candidate.workspace
        self.guard.protect(workspace)
        if self._live is not None and self._live is not workspace:
            self.guard.release(self._live)  # only moves were applied there: the new state covers it
        self._live = workspace
        if self.base is not None and not self.base.destroyed:
            self.base.destroyed = True  # its resources are this candidate's now: never destroy twice
            self.guard.release(self.base.workspace)
        if any(c.kind != "move" for c in candidate.changes):
            self._base_current = False

    def close(self) -> None:
        """Destroy what the latest state holds, remove every copy (even when a step failed)."""
        try:
            if self._live is not None:
                try:
                    self._live.destroy()
                finally:
                    self.guard.release(self._live)
        finally:
            for workspace in self._candidates:
                self.timings += [(f"candidate {label}", s) for label, s in workspace.timings]
                workspace.remove()
            if self.base is not None:
                self.base.close()
                self.timings = [(f"base {label}", s) for label, s in self.base.workspace.timings] + self.timings
