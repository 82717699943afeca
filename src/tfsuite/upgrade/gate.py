"""The upgrade gate over every example profile, and its report (reports/upgrade.json).

    result = run_gate(repo, base_ref=None)     # BASE resolved as tfsuite.upgrade.base says
    print(result.render()); result.ok

When the working tree's terraform/ equals the base's, nothing is applied: the gate says so and
passes (the approvals file is still read: an entry there then approves nothing, which is a problem).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from tfsuite.paths import reports_dir
from tfsuite.upgrade.approvals import Approvals, load_approvals, unused
from tfsuite.upgrade.base import TERRAFORM, Base, check_repository, extract_terraform, resolve_base, unchanged
from tfsuite.upgrade.classify import counts_line
from tfsuite.upgrade.flow import ProfileResult, ProfileRun, list_profiles

APPROVALS_PATH = Path("policies") / "upgrade-approvals.yaml"  # in the repository being checked
REPORT_NAME = "upgrade.json"


class GateInputError(ValueError):
    """A gate argument that cannot be used (an unknown profile): the message says which."""


@dataclass
class GateResult:
    repo: str
    base: Base
    unchanged: bool
    approvals: str
    profiles: list[ProfileResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # of the approvals file
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and all(p.ok for p in self.profiles)

    def render(self) -> str:
        head = (f"upgrade gate: BASE {self.base.ref} ({self.base.commit[:12]}, {self.base.how}) -> "
                f"working tree of {self.repo}: {'PASS' if self.ok else 'FAIL'}")
        lines = [head]
        if self.unchanged:
            lines.append("  terraform/ is the same as at BASE: nothing to plan, passed without an apply")
        for result in self.profiles:
            lines += ["  " + line for line in profile_lines(result)]
        lines += [f"  PROBLEM {p}" for p in self.problems]
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "ok": self.ok, "repo": self.repo, "unchanged": self.unchanged, "seconds": round(self.seconds, 1),
            "base": {"ref": self.base.ref, "commit": self.base.commit, "how": self.base.how},
            "approvals": self.approvals, "problems": self.problems,
            "profiles": [{
                "profile": r.profile, "ok": r.ok, "skipped": r.skipped, "error": r.error, "note": r.note,
                "counts": counts_line(r.changes), "applied": r.applied, "second_plan": r.second_plan,
                "tolerated": r.tolerated, "seconds": round(r.seconds, 1),
                "changes": [{"address": c.address, "kind": c.kind, "moved_from": c.moved_from,
                             "replace_paths": list(c.replace_paths), "cause": c.cause, "routine": c.routine}
                            for c in r.changes],
                "blocked": [c.address for c in (r.judgement.blocked if r.judgement else [])],
                "approved": [{"address": c.address, "approval": str(a)}
                             for c, a in (r.judgement.approved if r.judgement else [])],
            } for r in self.profiles],
        }


def profile_lines(result: ProfileResult) -> list[str]:
    if result.skipped:
        return [f"{result.profile}: SKIPPED ({result.skipped})"]
    state = "PASS" if result.ok else "FAIL"
    lines = [f"{result.profile}: {state} [{counts_line(result.changes)}] in {result.seconds:.0f}s"]
    if result.error:
        lines.append(f"  ERROR {result.error}")
    judgement = result.judgement
    for change in judgement.blocked if judgement else []:
        lines.append(f"  NOT APPROVED {change}")
    for change, approval in judgement.approved if judgement else []:
        lines.append(f"  approved {change} [{approval}]")
    lines += [f"  {c}" for c in result.changes if not c.destructive]
    lines += [f"  NOT CONVERGED after the upgrade apply: {c}" for c in result.second_plan]
    lines += [f"  tolerated emulator gap: {t}" for t in result.tolerated]
    if result.note:
        lines.append(f"  ({result.note})")
    return lines


def run_gate(repo: Path, base_ref: str | None = None, *, approvals_path: Path | None = None,
             profiles: list[str] | None = None, toolchain=None, emulator=None, today: dt.date | None = None,
             progress: Callable[[str], None] = print) -> GateResult:
    """BaseError, ApprovalsError, GateInputError (unknown profile) for bad input; otherwise a result."""
    started = time.monotonic()
    repo = check_repository(Path(repo))
    base = resolve_base(repo, base_ref)
    approvals_file = Path(approvals_path) if approvals_path else repo / APPROVALS_PATH
    approvals = load_approvals(approvals_file, today=today)
    selected = _select(list_profiles(repo / TERRAFORM), profiles)
    result = GateResult(str(repo), base, unchanged(repo, base), str(approvals_file), problems=list(approvals.problems))
    progress(f"[upgrade] BASE {base.ref} = {base.commit[:12]} ({base.how})")
    if not result.unchanged:
        _run_profiles(result, repo, base, selected, approvals, toolchain, emulator, today, progress)
    result.problems += unused(approvals, [p.judgement for p in result.profiles if p.judgement])
    result.seconds = time.monotonic() - started
    return result


def _select(available, names: list[str] | None):
    if not names:
        return available
    known = {p.name: p for p in available}
    missing = [n for n in names if n not in known]
    if missing:
        raise GateInputError(f"unknown profile(s) {', '.join(missing)}; the working tree has "
                             f"{', '.join(known) or 'none'} (terraform/examples/*.tfvars)")
    return [known[n] for n in names]


def _run_profiles(result: GateResult, repo: Path, base: Base, selected, approvals: Approvals, toolchain,
                  emulator, today, progress) -> None:
    """Each profile on `emulator` (default: an embedded moto started here)."""
    from tfsuite.emulator.moto_server import EmbeddedMoto
    from tfsuite.toolchain import load_toolchain

    toolchain = toolchain or load_toolchain()
    base_dir = extract_terraform(repo, base)
    try:
        with (nullcontext(emulator) if emulator is not None else EmbeddedMoto()) as emulator:
            for profile in selected:
                if not (base_dir / profile.var_file).is_file():
                    result.profiles.append(ProfileResult(profile.name, skipped=f"{profile.var_file} is new in "
                                                         "this change: no base deployment to upgrade"))
                    continue
                progress(f"[upgrade] {profile.name}: applying BASE's terraform/ on embedded moto")
                run = ProfileRun(toolchain, emulator, base_dir, profile)
                step = "applying BASE's terraform/"
                try:
                    run.apply_base()
                    progress(f"[upgrade] {profile.name}: planning the working tree against that state")
                    step = "the upgrade plan, apply or second plan"
                    outcome = run.check(repo / TERRAFORM, approvals, today)
                except Exception as exc:  # noqa: BLE001 - reported as this profile's failure
                    outcome = ProfileResult(profile.name, error=f"{step} failed: {type(exc).__name__}: {exc}")
                finally:
                    run.close()
                result.profiles.append(outcome)
                progress("\n".join(f"[upgrade] {line}" for line in profile_lines(outcome)))
    finally:
        shutil.rmtree(base_dir.parent, ignore_errors=True)


def write_report(result: GateResult, path: Path | None = None) -> Path:
    path = Path(path) if path else reports_dir() / REPORT_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.to_json(), indent=2) + "\n")
    return path
