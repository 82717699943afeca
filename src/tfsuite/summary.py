"""reports/summary.md: the one page people read after a run (and the pre-merge PR comment).

    python -m tfsuite.summary [--reports DIR] [--out FILE]

Built from what the layers left under reports/: the per-layer table (summary-<layer>.json), the
upgrade gate (upgrade.json: changes per profile, verdict, each replacement or deletion and its
cause), the policy findings (checkov SARIF files) and every skip with its reason. Appended to
$GITHUB_STEP_SUMMARY when that is set. Standard library only: a CI job can run it on downloaded
reports without the suite's dependencies.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from tfsuite import verdicts
from tfsuite.paths import reports_dir

MARKER = "<!-- tfsuite-summary -->"  # the PR comment that carries this page is found by it
_SARIF = ("checkov.sarif", "plan.sarif", "plan-localstack.sarif")


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def layers_section(reports: Path, required: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """(the table's lines, every skip as a line), judged as the run that wrote them (tfsuite.verdicts)."""
    rows, skips = [], []
    for path in sorted(reports.glob("summary-*.json")):
        data = _load(path)
        if not data or "counts" not in data:
            continue
        layer, counts = data.get("layer", path.stem.removeprefix("summary-")), data["counts"]
        rows.append(f"| {layer} | {counts.get('passed', 0)} | {counts.get('skipped', 0)} | "
                    f"{counts.get('failed', 0) + counts.get('error', 0)} | {data.get('seconds', 0):.0f}s | "
                    f"{verdicts.judge(layer, data, layer in required).label} |")
        skips += [f"- **{layer}** `{s['test']}`: {s['reason']} ({verdicts.skip_note(layer, s, layer in required)})"
                  for s in data.get("skips", [])]
    if not rows:
        return ["_No layer summary under reports/: no layer ran._"], skips
    return ["| layer | passed | skipped | failed | time | verdict |", "|---|---:|---:|---:|---:|---|", *rows], skips


def upgrade_section(reports: Path) -> tuple[list[str], list[str]]:
    data = _load(reports / "upgrade.json")
    if data is None:
        return ["_The upgrade gate did not run (no reports/upgrade.json)._"], []
    base = data["base"]
    lines = [f"**{'PASS' if data['ok'] else 'FAIL'}**: working tree against BASE `{base['ref']}` "
             f"(`{base['commit'][:12]}`, {base['how']})."]
    if data.get("unchanged"):
        lines.append("terraform/ is the same as at BASE: nothing planned or applied.")
    skips = []
    profiles = data.get("profiles", [])
    if profiles:
        lines += ["", "| profile | verdict | changes (+ create, ~ update, - delete, ± replace, > move) "
                  "| upgrade apply |",
                  "|---|---|---|---|"]
    for profile in profiles:
        if profile.get("skipped"):
            skips.append(f"- **upgrade** profile `{profile['profile']}`: {profile['skipped']}")
            lines.append(f"| {profile['profile']} | skipped | | |")
            continue
        verdict = "error" if profile.get("error") else ("ok" if profile["ok"] else "FAILED")
        applied = ("applied, second plan empty" if profile["applied"] and not profile["second_plan"] else
                   "applied, second plan NOT empty" if profile["applied"] else profile.get("note") or "not applied")
        lines.append(f"| {profile['profile']} | {verdict} | `{profile['counts']}` | {applied} |")
    details = []
    for profile in profiles:
        approved = {a["address"]: a["approval"] for a in profile.get("approved", [])}
        for change in profile.get("changes", []):
            if change["kind"] not in ("delete", "replace"):
                continue
            status = (f"routine: {change['routine']}" if change.get("routine") else
                      f"approved: {approved[change['address']]}" if change["address"] in approved
                      else "**NOT APPROVED**")
            details.append(f"- `{profile['profile']}` {change['kind']} `{change['address']}`: "
                           f"{change['cause'] or 'no cause given'} ({status})")
        details += [f"- `{profile['profile']}` moved `{c['moved_from']}` -> `{c['address']}`"
                    for c in profile.get("changes", []) if c.get("moved_from")]
        details += [f"- `{profile['profile']}` not converged after the upgrade apply: `{c}`"
                    for c in profile.get("second_plan", [])]
        if profile.get("error"):
            details.append(f"- `{profile['profile']}` error: {profile['error']}")
    if details:
        lines += ["", "Replacements, deletions and moves:", *details]
    if data.get("problems"):
        lines += ["", "Approvals file problems:", *(f"- {p}" for p in data["problems"])]
    return lines, skips


def policy_section(reports: Path) -> list[str]:
    lines = []
    for name in _SARIF:
        data = _load(reports / name)
        if data is None:
            continue
        results = [r for run in data.get("runs", []) for r in run.get("results", [])]
        open_ = [r for r in results if not r.get("suppressions")]
        lines.append(f"- `{name}`: {len(results)} finding(s), {len(results) - len(open_)} suppressed by the "
                     f"ledger or inline, {len(open_)} open")
        for result in open_:
            resource = result.get("properties", {}).get("resource", "")
            lines.append(f"  - **{result.get('ruleId')}** `{resource}`: {result.get('message', {}).get('text', '')}")
    return lines or ["_No policy scan report (checkov SARIF) under reports/._"]


def render(reports: Path, required: frozenset[str] = frozenset()) -> str:
    table, skips = layers_section(reports, required)
    upgrade, upgrade_skips = upgrade_section(reports)
    skips += upgrade_skips
    out = [MARKER, "# Test suite summary", "", "## Layers", "", *table, "", "## Upgrade gate", "", *upgrade,
           "", "## Policy findings", "", *policy_section(reports), "", "## Skips", ""]
    out += skips or ["None."]
    return "\n".join(out) + "\n"


def publish(reports: Path | None = None, out: Path | None = None, required: frozenset[str] = frozenset()) -> Path:
    """Write summary.md (default reports/summary.md); append it to $GITHUB_STEP_SUMMARY when set."""
    reports = Path(reports) if reports else reports_dir()
    out = Path(out) if out else reports / "summary.md"
    text = render(reports, required)
    out.write_text(text, encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(text)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tfsuite.summary", description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, help="where the layers' reports are (default: reports/)")
    parser.add_argument("--out", type=Path, help="the page to write (default: <reports>/summary.md)")
    args = parser.parse_args(argv)
    if args.reports is not None and not args.reports.is_dir():
        parser.error(f"--reports {args.reports} is not a directory")
    print(f"[summary] wrote {publish(args.reports, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
