"""Layer summaries: written by the pytest plugin, read back to print one closing table.

`python -m tfsuite.reporting [--require unit,integration] [LAYER ...]` prints passed, skipped,
deselected and failed per layer with every skip reason (and, for a required layer, whether the
skip is excused), and exits non-zero when a layer failed or a required layer did not really run
(tfsuite.verdicts decides). The last line it prints is the totals line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tfsuite import verdicts
from tfsuite.paths import reports_dir


def summary_path(layer: str) -> Path:
    return reports_dir() / f"summary-{layer}.json"


def write_summary(layer: str, *, counts: dict, skips: list, seconds: float, exitstatus: int,
                  xfails: list | None = None) -> Path:
    path = summary_path(layer)
    data = {"layer": layer, "counts": counts, "skips": skips, "seconds": round(seconds, 1),
            "exitstatus": exitstatus, "xfails": xfails or []}
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def read_summary(layer: str) -> dict | None:
    path = summary_path(layer)
    return json.loads(path.read_text()) if path.exists() else None


def render(layers: list[str], required: set[str]) -> tuple[str, bool]:
    rows, notes, expected, ok = [], [], [], True
    for layer in layers:
        summary = read_summary(layer)
        verdict = verdicts.judge(layer, summary, layer in required)
        ok = ok and verdict.passed
        counts = summary["counts"] if summary else {}
        rows.append((layer, str(counts.get("passed", "-")), str(counts.get("skipped", "-")),
                     str(counts.get("deselected", 0)) if summary else "-",
                     str(counts.get("xfailed", 0)) if summary else "-",
                     str(counts.get("failed", 0) + counts.get("error", 0) if summary else "-"),
                     f"{summary['seconds']:.1f}s" if summary else "-", verdict.label))
        for skip in (summary or {}).get("skips", []):
            notes.append(f"  {layer}: SKIPPED {skip['test']}\n      reason: {skip['reason']}\n"
                         f"      {verdicts.skip_note(layer, skip, layer in required)}")
        for xfail in (summary or {}).get("xfails", []):
            expected.append(f"  {layer}: XFAIL {xfail['test']}\n      reason: {xfail['reason']}")
    header = ("layer", "passed", "skipped", "deselected", "xfailed", "failed", "time", "verdict")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    out = [line(header), line(tuple("-" * w for w in widths)), *map(line, rows)]
    if notes:
        out += ["", "Skipped tests and their reasons:", *notes]
    if expected:
        out += ["", "Expected failures (they ran and failed as expected; one that passes fails its layer):",
                *expected]
    return "\n".join(out), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layers", nargs="*", help="layers to show (default: every summary found)")
    parser.add_argument("--require", default="", help="comma-separated layers that must really run")
    args = parser.parse_args(argv)
    required = {x for x in args.require.split(",") if x}
    layers = args.layers or sorted(p.stem.removeprefix("summary-") for p in reports_dir().glob("summary-*.json"))
    layers += [x for x in sorted(required) if x not in layers]
    if not layers:
        print("no layer summaries under reports/: nothing ran", file=sys.stderr)
        return 1
    table, ok = render(layers, required)
    print(table)
    print(totals_line(layers))
    return 0 if ok else 1


def totals_line(layers: list[str]) -> str:
    """The plain closing line CI reads: 'suite: N passed, N failed, N skipped'."""
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for layer in layers:
        counts = (read_summary(layer) or {}).get("counts", {})
        total["passed"] += counts.get("passed", 0)
        total["failed"] += counts.get("failed", 0) + counts.get("error", 0)
        total["skipped"] += counts.get("skipped", 0)
    return f"suite: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped"


if __name__ == "__main__":
    sys.exit(main())
