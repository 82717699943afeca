"""The policy gate's verdict on one scan: checkov's failures against the ledger, per resource.

checkov runs unsuppressed (no --skip-check); each failed check is then looked up in the ledger by
check id and resource address. What fails the gate:
- a failed check with no valid ledger entry,
- a check checkov skipped because of an inline `checkov:skip` that the ledger does not list,
- a problem in the ledger itself (malformed, unexplained, expired, duplicated),
- a ledger entry that suppresses nothing any more (remove it),
- a scan that saw no resource, or a file checkov could not parse,
- a module call that resolves to nothing (checkov would skip its resources in silence),
- a custom check that never reported (it did not load or matches nothing).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from tfsuite.policy.inline_skips import InlineSkip
from tfsuite.policy.ledger import Ledger, Suppression
from tfsuite.policy.runner import CHECKS_DIR, CheckOutcome, ScanResult


@dataclass
class GateReport:
    label: str
    scan: ScanResult
    unsuppressed: list[CheckOutcome] = field(default_factory=list)
    suppressed: list[tuple[CheckOutcome, Suppression]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)  # custom checks with nothing to judge here

    @property
    def ok(self) -> bool:
        return not self.unsuppressed and not self.problems

    def suppression_for(self, outcome: CheckOutcome) -> Suppression | None:
        return next((s for o, s in self.suppressed if o is outcome), None)

    def summary(self) -> str:
        scan = self.scan
        head = (f"policy gate [{self.label}]: checkov {scan.checkov_version or '?'} checked "
                f"{len(scan.resources)} resources (root module + {len(scan.modules)} module calls): "
                f"{len(scan.passed)} passed, {len(scan.failed)} failed, "
                f"{len(scan.skipped)} skipped inline; {len(self.suppressed)} suppressed by the ledger, "
                f"{len(self.unsuppressed)} unsuppressed -> {'PASS' if self.ok else 'FAIL'}")
        lines = [head]
        lines += [f"  UNSUPPRESSED {o}" for o in self.unsuppressed]
        lines += [f"  PROBLEM {p}" for p in self.problems]
        if scan.modules:
            lines.append(f"  modules evaluated: {', '.join(scan.modules)}")
        if self.not_applicable:
            lines.append(f"  custom checks with nothing to judge here: {', '.join(self.not_applicable)}")
        expiring = sorted({s.expires for _, s in self.suppressed})
        if expiring:
            lines.append(f"  next ledger expiry: {expiring[0]}")
        return "\n".join(lines)


def custom_check_ids(checks_dir: Path = CHECKS_DIR) -> set[str]:
    """The ids our custom checks declare (read from the source: checkov loads them, not us)."""
    ids: set[str] = set()
    for path in Path(checks_dir).glob("*.py"):
        ids.update(re.findall(r'\bid="(CKV2?_[A-Z0-9]+_\d+)"', path.read_text(encoding="utf-8")))
    return ids


def evaluate(scan: ScanResult, ledger: Ledger, *, label: str | None = None,
             inline_skips: list[InlineSkip] | None = None, require_checks: set[str] | None = None,
             report_stale: bool = True, today: dt.date | None = None) -> GateReport:
    today = today or dt.date.today()
    kind = scan.target.kind
    report = GateReport(label or scan.target.name, scan, problems=list(ledger.problems))

    def accepted(outcome: CheckOutcome) -> Suppression | None:
        entry = ledger.find(outcome.check_id, outcome.resource, kind)
        return entry if entry is not None and not entry.expired(today) else None

    for outcome in scan.failed + scan.skipped:
        entry = accepted(outcome)
        if entry is not None:
            report.suppressed.append((outcome, entry))
        else:
            report.unsuppressed.append(outcome)
    for outcome in scan.skipped:
        if accepted(outcome) is None:
            report.problems.append(f"inline checkov:skip of {outcome.check_id} on {outcome.resource} "
                                   "has no ledger entry")
    for skip in inline_skips or []:
        if ledger.find(skip.check, skip.resource, kind) is None:
            report.problems.append(f"{skip} has no ledger entry (add check, resource, reason, "
                                   "owner and expiry to the ledger)")
    if report_stale:
        hits = scan.failed + scan.skipped
        for entry in ledger.entries:
            if kind in entry.scans and not any(entry.covers(o.check_id, o.resource) for o in hits):
                report.problems.append(f"ledger entry {entry} suppresses nothing in this scan: remove it "
                                       "(or limit it with scans: [plan])")
    if not scan.resources:
        report.problems.append(f"checkov checked no resource in {scan.target.path}: "
                               "an empty scan proves nothing")
    report.problems += [f"module {p}" for p in scan.module_problems]
    for name in scan.parsing_errors:
        report.problems.append(f"checkov could not parse {name}")
    missing = sorted((require_checks or set()) - scan.check_ids())
    if missing:
        report.problems.append(f"custom check(s) {missing} reported nothing: not loaded, or no resource "
                               "they apply to")
    return report
