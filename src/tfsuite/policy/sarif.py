"""Write gate reports as SARIF 2.1.0 (reports/checkov.sarif) for code-scanning viewers.

Built from checkov's JSON results rather than its own SARIF: a session scans broken fixtures in
the same checkov run, and only the reports passed here belong in the file. Ledger suppressions
are recorded as SARIF suppressions (kind "external"), inline skips as kind "inSource".
"""

from __future__ import annotations

import json
from pathlib import Path

from tfsuite.paths import REPO_ROOT
from tfsuite.policy.gate import GateReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(report: GateReport, file: str) -> str:
    target = report.scan.target.path
    base = target.parent if target.is_file() else target
    path = (base / file).resolve()
    try:
        return path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def sarif_document(reports: list[GateReport]) -> dict:
    rules: dict[str, dict] = {}
    results = []
    version = next((r.scan.checkov_version for r in reports if r.scan.checkov_version), "")
    for report in reports:
        for outcome in report.scan.failed + report.scan.skipped:
            rule = rules.setdefault(outcome.check_id, {
                "id": outcome.check_id,
                "name": outcome.check_id,
                "shortDescription": {"text": outcome.name},
                **({"helpUri": outcome.guideline} if outcome.guideline.startswith("http") else {}),
            })
            text = f"{outcome.name}: {outcome.resource}"
            if outcome.details:
                text += f" ({'; '.join(outcome.details)})"
            result = {
                "ruleId": rule["id"],
                "level": "error",
                "message": {"text": text},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": _uri(report, outcome.file)},
                    "region": {"startLine": max(outcome.lines[0], 1), "endLine": max(outcome.lines[1], 1)},
                }}],
                "properties": {"resource": outcome.resource, "scan": report.label},
            }
            suppressions = []
            entry = report.suppression_for(outcome)
            if entry is not None:
                suppressions.append({"kind": "external", "status": "accepted",
                                     "justification": f"{entry.reason} (owner {entry.owner}, "
                                                      f"expires {entry.expires})"})
            if outcome.result == "SKIPPED":
                suppressions.append({"kind": "inSource", "justification": outcome.suppress_comment})
            if suppressions:
                result["suppressions"] = suppressions
            results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "checkov", "version": version, "informationUri": "https://www.checkov.io",
                                "rules": sorted(rules.values(), key=lambda r: r["id"])}},
            "results": results,
        }],
    }


def write_sarif(reports: list[GateReport], path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sarif_document(reports), indent=2) + "\n", encoding="utf-8")
    return path
