"""The e2e run's command line: `python -m tfsuite.e2e` (see tfsuite.e2e.flow for the steps)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tfsuite.aws.clients import AwsTarget
from tfsuite.aws.credentials import CredentialsProblem
from tfsuite.aws.guards import GuardRefused
from tfsuite.aws.settings import E2ESettings, SettingsError, opted_in
from tfsuite.aws.tagging import RunIdentity, check_run_id
from tfsuite.e2e import flow
from tfsuite.e2e.flow import EMULATOR_ACCOUNT_IDS, EMULATOR_CLEANUP_BOUNDS, E2EFailed, E2EPlan, run_e2e
from tfsuite.e2e.interrupts import Interrupted


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tfsuite.e2e", description=flow.__doc__.splitlines()[0])
    parser.add_argument("--emulator-endpoint", help="rehearse against this emulator (http://host:port)")
    parser.add_argument("--region", default="eu-west-1", help="the emulator's region (rehearsal only)")
    parser.add_argument("--run-id", help="use this run id / name_prefix instead of a fresh one")
    parser.add_argument("--report", type=Path, help="where to write the JSON report")
    return parser


def plan_from_args(argv: list[str] | None = None, environ=None) -> E2EPlan:
    """Check every input before anything runs; SettingsError/ValueError say what is wrong."""
    args = build_parser().parse_args(argv)
    env = os.environ if environ is None else environ
    run = RunIdentity.new(check_run_id(args.run_id) if args.run_id else None)
    if args.emulator_endpoint:
        from tfsuite.emulator.endpoint import Emulator

        emulator = Emulator("moto", args.emulator_endpoint.rstrip("/"), args.region)
        settings = E2ESettings.for_emulator(",".join(EMULATOR_ACCOUNT_IDS), region=args.region, environ=env)
        target = AwsTarget(args.region, endpoint_url=emulator.endpoint)
        return E2EPlan(target, settings, run, emulator, args.report, **EMULATOR_CLEANUP_BOUNDS)
    if not opted_in(env):
        raise SettingsError("RUN_AWS_E2E not set: export RUN_AWS_E2E=1 to run against real AWS "
                            "(or pass --emulator-endpoint for a rehearsal)")
    settings = E2ESettings.for_real_aws(env)
    if settings.run_id and not args.run_id:
        run = RunIdentity.new(settings.run_id)
    return E2EPlan(AwsTarget(settings.region), settings, run, None, args.report)


def main(argv: list[str] | None = None) -> int:
    from tfsuite.toolchain import ToolchainMissing, load_toolchain

    try:
        plan = plan_from_args(argv)
        toolchain = load_toolchain()
    except (SettingsError, ToolchainMissing, ValueError) as err:
        print(f"e2e: {err}", file=sys.stderr)
        return 2
    try:
        run_e2e(plan, toolchain, log=lambda line: print(line, flush=True))
    except Interrupted as err:
        print(f"e2e: {err}; destroyed and swept (see the report)", file=sys.stderr)
        return 128 + err.signum
    except (E2EFailed, CredentialsProblem, GuardRefused) as err:
        print(f"e2e: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
