"""Run the policy gate outside pytest.

    python -m tfsuite.policy                      # terraform/, SARIF to reports/checkov.sarif
    python -m tfsuite.policy --plan plan.json     # a `terraform show -json` plan
    python -m tfsuite.policy path/to/folder --sarif out.sarif

Prints the gate's summary; exits 0 when it passes, 1 when it fails, 2 when it cannot run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tfsuite.paths import TERRAFORM_DIR, reports_dir
from tfsuite.policy import CheckovError, CheckovMissing, LedgerError, scan_folder, scan_plan, write_sarif
from tfsuite.policy.ledger import LEDGER


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tfsuite.policy", description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=TERRAFORM_DIR,
                        help="Terraform folder (default terraform/)")
    parser.add_argument("--plan", type=Path, help="scan this plan JSON instead of a folder")
    parser.add_argument("--ledger", type=Path, default=LEDGER,
                        help="suppression ledger (default policies/suppressions.yaml)")
    parser.add_argument("--sarif", type=Path,
                        help="SARIF output (default reports/checkov.sarif, or checkov-plan.sarif)")
    args = parser.parse_args(argv)
    try:
        if args.plan is not None:
            sarif = args.sarif or reports_dir() / "checkov-plan.sarif"
            report = scan_plan(args.plan, ledger_path=args.ledger, sarif_path=sarif)
        else:
            if not args.folder.is_dir():
                parser.error(f"{args.folder} is not a folder")
            sarif = args.sarif or reports_dir() / "checkov.sarif"
            report = scan_folder(args.folder, ledger_path=args.ledger)
            write_sarif([report], sarif)
    except (CheckovMissing, CheckovError, LedgerError, ValueError, FileNotFoundError) as exc:
        print(f"policy gate cannot run: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    print(f"SARIF: {sarif}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
