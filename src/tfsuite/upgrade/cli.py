"""python -m tfsuite.upgrade: the upgrade gate from the command line (make upgrade BASE=<ref>).

Exit status: 0 the change passes, 1 it fails (unapproved delete/replace, no convergence, a problem
in the approvals file, an error in a step), 2 bad input (not a repository, unknown BASE or profile,
unreadable approvals file, no toolchain).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from tfsuite.paths import REPO_ROOT


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tfsuite.upgrade",
        description="Plan the working tree's terraform/ against the state of BASE's deployment (applied "
                    "on the embedded moto emulator, once per example profile) and fail on any delete or "
                    "replace that the approvals file does not allow.")
    p.add_argument("--repo", type=Path, default=REPO_ROOT,
                   help="the git working tree to check (default: %(default)s)")
    p.add_argument("--base", default=os.environ.get("TFSUITE_UPGRADE_BASE") or None, metavar="REF",
                   help="git ref to upgrade from (default: $TFSUITE_UPGRADE_BASE, else the merge-base with "
                        "the remote main branch, else the latest tag, else HEAD~1)")
    p.add_argument("--approvals", type=Path, metavar="FILE",
                   help="approvals file (default: <repo>/policies/upgrade-approvals.yaml)")
    p.add_argument("--profile", action="append", metavar="NAME",
                   help="only this example profile (terraform/examples/NAME.tfvars); repeatable")
    p.add_argument("--report", type=Path, metavar="FILE", help="JSON report (default: reports/upgrade.json)")
    p.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="judge approval expiry as of this date")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from tfsuite.toolchain import ToolchainMissing
    from tfsuite.upgrade.approvals import ApprovalsError
    from tfsuite.upgrade.base import BaseError
    from tfsuite.upgrade.gate import GateInputError, run_gate, write_report

    try:
        result = run_gate(args.repo, args.base, approvals_path=args.approvals, profiles=args.profile,
                          today=args.today)
    except (BaseError, ApprovalsError, GateInputError, ToolchainMissing) as exc:
        print(f"upgrade gate: error: {exc}", file=sys.stderr)
        return 2
    report = write_report(result, args.report)
    print(result.render())
    print(f"[upgrade] report: {report}")
    from tfsuite import summary

    summary.publish()
    return 0 if result.ok else 1
