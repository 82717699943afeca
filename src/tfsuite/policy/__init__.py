"""The pre-merge policy gate: checkov (from its own virtualenv) plus our custom checks under
policies/checks, judged against the suppression ledger policies/suppressions.yaml.

    from tfsuite.policy import scan_plan
    report = scan_plan("plan.json")        # checkov --framework terraform_plan, same ledger
    assert report.ok, report.summary()
"""

from __future__ import annotations

import json
from pathlib import Path

from tfsuite.paths import TERRAFORM_DIR
from tfsuite.policy.checkov_cli import CheckovMissing, find_checkov
from tfsuite.policy.gate import GateReport, custom_check_ids, evaluate
from tfsuite.policy.inline_skips import InlineSkip, find_inline_skips
from tfsuite.policy.ledger import LEDGER, Ledger, LedgerError, Suppression, load_ledger, parse_ledger
from tfsuite.policy.runner import CheckOutcome, CheckovBatch, CheckovError, ScanResult, ScanTarget, run_checkov
from tfsuite.policy.sarif import write_sarif

__all__ = [
    "NO_LEDGER", "CheckOutcome", "CheckovBatch", "CheckovError", "CheckovMissing", "GateReport", "InlineSkip", "Ledger",
    "LedgerError", "ScanResult", "ScanTarget", "Suppression", "custom_check_ids", "evaluate",
    "find_checkov", "find_inline_skips", "load_ledger", "parse_ledger", "review_folder", "run_checkov",
    "scan_folder", "scan_plan", "write_sarif",
]


NO_LEDGER = parse_ledger("suppressions: []\n", source="(no ledger)")


def is_this_project(folder: Path) -> bool:
    return Path(folder).resolve() == TERRAFORM_DIR.resolve()


def review_folder(scan: ScanResult, ledger: Ledger, *, own_ledger: bool | None = None) -> GateReport:
    """The full verdict on a configuration folder: ledger, inline skips, custom checks heard from.

    On this project's terraform/ every custom check must report and every ledger entry must still
    suppress something. On another folder (own_ledger False) the ledger's stale entries are not
    problems (they are about terraform/'s addresses), and a custom check with nothing to judge
    there (no ECS service, no data source) is listed as not applicable."""
    ours = is_this_project(scan.target.path)
    report = evaluate(scan, ledger, label=f"hcl:{scan.target.name}",
                      inline_skips=find_inline_skips(scan.target.path),
                      require_checks=custom_check_ids() if ours else None,
                      report_stale=ours if own_ledger is None else own_ledger)
    if not ours:
        report.not_applicable = sorted(custom_check_ids() - scan.check_ids())
    return report


def scan_folder(folder: Path = TERRAFORM_DIR, *, ledger_path: Path | None = LEDGER) -> GateReport:
    """The gate on one folder. ledger_path None: no ledger (every failure counts)."""
    ledger = NO_LEDGER if ledger_path is None else load_ledger(ledger_path)
    scan = run_checkov([ScanTarget(Path(folder).resolve().name or "terraform", Path(folder))])
    own = is_this_project(folder) or (ledger_path is not None and Path(ledger_path).resolve() != LEDGER.resolve())
    return review_folder(next(iter(scan.values())), ledger, own_ledger=own)


def _check_plan_file(path: Path) -> None:
    if not path.is_file():
        raise FileNotFoundError(f"no plan JSON at {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path} is not JSON ({exc}): pass the output of `terraform show -json <plan>`") from exc
    if not isinstance(data, dict) or not ({"planned_values", "resource_changes"} & set(data)):
        raise ValueError(f"{path} is not a plan (no planned_values or resource_changes): "
                         "pass the output of `terraform show -json <plan>`")


def scan_plan(plan_json_path: str | Path, *, ledger_path: Path | None = LEDGER,
              sarif_path: Path | None = None) -> GateReport:
    """checkov over a plan JSON (`terraform show -json`), judged against the same ledger.

    Ledger entries limited to `scans: [hcl]` do not apply; stale entries are not reported here,
    since a plan for one set of variables need not create every resource."""
    path = Path(plan_json_path)
    _check_plan_file(path)
    ledger = NO_LEDGER if ledger_path is None else load_ledger(ledger_path)
    scan = run_checkov([ScanTarget("plan", path)])["plan"]
    report = evaluate(scan, ledger, label=f"plan:{path.name}", report_stale=False)
    if sarif_path is not None:
        write_sarif([report], sarif_path)
    return report
