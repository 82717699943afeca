"""Run the policy gate on a Terraform folder (this project's terraform/ or any other) or a plan.

    python -m tfsuite.policy                          # terraform/, with policies/suppressions.yaml
    python -m tfsuite.policy path/to/folder           # any folder: no ledger unless --ledger is given
    python -m tfsuite.policy path/to/folder --ledger my-suppressions.yaml
    python -m tfsuite.policy --plan plan.json         # a `terraform show -json` plan

What it checks: every checkov check (its own, pinned in constraints-checkov.txt) and this
project's custom checks (policies/checks), which find the stack's resources by their role, not by
their names or file layout: the tasks admit traffic only from the ALB's security groups; the ALB and
the ECS service share no security group; no security group admits 0.0.0.0/0 or ::/0; no
AWS-managed *FullAccess, AdministratorAccess or PowerUserAccess policy, however attached; IAM
policies grant S3 read actions only; the execution role and the task role are different roles; no
data "http" or data "external" lookups; no argument the pinned AWS provider deprecates (the S3
bucket's inline acl, versioning, lifecycle_rule, ...); images pinned; the ALB listener on 9000
forwarding to a target group on TF Serving's REST port 8501 whose health check asks for the model's
metadata; the ECS service registered in the target group a listener forwards to. Module sources
(relative, and registry/git modules downloaded by `terraform init`) resolve as they do in place;
a module that cannot be read fails the gate. Nothing is written into the folder.

Exit codes: 0 the gate passes; 1 it fails (each finding named by check id and resource address);
2 it cannot run (no checkov, no such folder, unreadable ledger or plan).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tfsuite.paths import TERRAFORM_DIR, reports_dir
from tfsuite.policy import (
    CheckovError,
    CheckovMissing,
    LedgerError,
    is_this_project,
    scan_folder,
    scan_plan,
    write_sarif,
)
from tfsuite.policy.ledger import LEDGER

_DEFAULT = object()  # not a string: argparse leaves it unconverted


def _ledger(value: str) -> Path | str | None:
    return None if value.lower() == "none" else Path(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tfsuite.policy", description=__doc__.split("\n\n")[0],
                                     epilog="\n\n".join(__doc__.split("\n\n")[2:]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", type=Path, default=TERRAFORM_DIR,
                        help="Terraform folder, the root module (default: this project's terraform/)")
    parser.add_argument("--plan", type=Path, help="scan this plan JSON instead of a folder")
    parser.add_argument("--ledger", type=_ledger, default=_DEFAULT, metavar="PATH|none",
                        help="suppression ledger; 'none' for no ledger (default: policies/suppressions.yaml "
                             "for terraform/ and plans, none for any other folder)")
    parser.add_argument("--sarif", type=Path,
                        help="SARIF output (default reports/checkov.sarif, or checkov-plan.sarif)")
    args = parser.parse_args(argv)
    explicit = args.ledger is not _DEFAULT
    try:
        if args.plan is not None:
            sarif = args.sarif or reports_dir() / "checkov-plan.sarif"
            ledger = args.ledger if explicit else LEDGER
            report = scan_plan(args.plan, ledger_path=ledger, sarif_path=sarif)
        else:
            if not args.folder.is_dir():
                parser.error(f"{args.folder} is not a folder")
            sarif = args.sarif or reports_dir() / "checkov.sarif"
            ledger = args.ledger if explicit else (LEDGER if is_this_project(args.folder) else None)
            report = scan_folder(args.folder, ledger_path=ledger)
            write_sarif([report], sarif)
    except (CheckovMissing, CheckovError, LedgerError, ValueError, FileNotFoundError) as exc:
        print(f"policy gate cannot run: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    print(f"SARIF: {sarif}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
