"""python -m tfsuite.toolchain {bootstrap [--for LAYER ...],show}: set up the CLI, the AWS provider and checkov."""

from __future__ import annotations

import argparse
import os
import sys

from tfsuite.toolchain import bootstrap
from tfsuite.toolchain.manifest import ToolchainMissing, load_toolchain
from tfsuite.toolchain.progress import StepFailed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tfsuite.toolchain", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    boot = sub.add_parser("bootstrap", help="find or build everything; warm runs take seconds")
    boot.add_argument("--cli", default=os.environ.get("TF_CLI", "auto"),
                      help="terraform, tofu, auto (default; env TF_CLI) or a path to a binary")
    boot.add_argument("--provider", default=os.environ.get("TFSUITE_PROVIDER", "auto"),
                      choices=["auto", "registry", "mirror"],
                      help="where hashicorp/aws comes from (env TFSUITE_PROVIDER; default auto)")
    boot.add_argument("--no-checkov", action="store_true", help="skip checkov's virtualenv")
    boot.add_argument("--for", dest="layers", nargs="+", metavar="LAYER",
                      help="set up only what these layers need (default: everything)")
    sub.add_parser("show", help="print the manifest the harness will use")
    args = parser.parse_args(argv)
    try:
        if args.command == "bootstrap":
            bootstrap.run(cli_choice=args.cli, provider_mode=args.provider, with_checkov=not args.no_checkov,
                          layers=args.layers)
        else:
            print(load_toolchain().to_json())
    except (StepFailed, ToolchainMissing) as exc:
        print(f"[bootstrap] ERROR: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # disk full, permissions, a vanished file: say which, without a traceback
        print(f"[bootstrap] ERROR: {exc.strerror or exc} ({exc.filename or 'no file'}); "
              "check disk space and permissions under the cache folder, then rerun make bootstrap",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("[bootstrap] interrupted: nothing half-built is kept; rerun make bootstrap", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
