"""Layer summaries: written by the pytest plugin, read back to print one closing table.

`python -m tfsuite.reporting [--require unit,integration] [LAYER ...]` prints passed, skipped
and failed per layer with every skip reason, and exits non-zero when a layer failed, or when a
required layer is missing, ran no test, or skipped a test for a reason this machine does not
excuse (only the reasons in ALLOWED_SKIPS: no Docker engine, no real-AWS opt-in, a service
the LocalStack edition does not offer).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

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


# Skips a required layer may have on a machine without Docker or AWS, or with community
# LocalStack: the reason must say so in these words.
ALLOWED_SKIPS = ("no Docker engine", "RUN_AWS_E2E not set", "LocalStack edition does not offer")


def unexcused_skips(summary: dict) -> list[dict]:
    return [s for s in summary.get("skips", []) if not any(a in s["reason"] for a in ALLOWED_SKIPS)]


def verdict(summary: dict | None, required: bool) -> str:
    if summary is None:
        return "MISSING" if required else "not run"
    counts = summary["counts"]
    if counts["failed"] or counts["error"] or summary["exitstatus"] not in (0, 5):
        return "FAILED"
    ran = counts["passed"] + counts["failed"] + counts["error"]
    if summary["exitstatus"] == 5 or ran == 0:
        return "NO TESTS RAN" if required or not counts["skipped"] else "all skipped"
    if required and unexcused_skips(summary):
        return "SKIPPED (required here)"
    return "ok"


def render(layers: list[str], required: set[str]) -> tuple[str, bool]:
    rows, notes, expected, ok = [], [], [], True
    for layer in layers:
        summary = read_summary(layer)
        state = verdict(summary, layer in required)
        if state not in ("ok", "all skipped", "not run"):
            ok = False
        counts = summary["counts"] if summary else {}
        rows.append((layer, str(counts.get("passed", "-")), str(counts.get("skipped", "-")),
                     str(counts.get("failed", 0) + counts.get("error", 0) if summary else "-"),
                     f"{summary['seconds']:.1f}s" if summary else "-", state))
        for skip in (summary or {}).get("skips", []):
            notes.append(f"  {layer}: SKIPPED {skip['test']}\n      reason: {skip['reason']}")
        for xfail in (summary or {}).get("xfails", []):
            expected.append(f"  {layer}: XFAIL {xfail['test']}\n      reason: {xfail['reason']}")
    header = ("layer", "passed", "skipped", "failed", "time", "verdict")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths))  # noqa: E731
    out = [line(header), line(tuple("-" * w for w in widths)), *map(line, rows)]
    if notes:
        out += ["", "Skipped tests and their reasons:", *notes]
    if expected:
        out += ["", "Expected failures (xfail: known defects, tracked) and their reasons:", *expected]
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
