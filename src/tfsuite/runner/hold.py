"""Apply part or all of the configuration on a running emulator, then hold it until a signal.

    python -m tfsuite.runner.hold --endpoint http://127.0.0.1:4566 --kind localstack \\
        --tfvars examples/article.tfvars [--target aws_s3_bucket.models ...] [--name-prefix tabc123]

Prints `applied <name_prefix> <workdir>` once the apply is done, then waits. SIGTERM or SIGINT
(Ctrl-C) destroys everything through the destroy guard before the process exits: the way to keep a
deployment up for exploring, and the way the suite proves that an interrupted run cleans up.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from tfsuite.emulator import localstack
from tfsuite.emulator.endpoint import Emulator
from tfsuite.runner.guard import GUARD
from tfsuite.runner.names import NAME_PREFIX_RULE, unique_name_prefix
from tfsuite.runner.workspace import Workspace
from tfsuite.toolchain import ToolchainMissing, load_toolchain


def _name_prefix(value: str) -> str:
    if not NAME_PREFIX_RULE.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a valid name_prefix (3-20 chars: a-z, 0-9, '-')")
    return value


def _variable(value: str) -> tuple[str, str]:
    name, sep, text = value.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"--var takes NAME=VALUE, not {value!r}")
    return name, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="emulator URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--kind", choices=("moto", "localstack"), default="moto")
    parser.add_argument("--region", default="eu-west-1")
    parser.add_argument("--tfvars", action="append", default=[], help="var file relative to terraform/")
    parser.add_argument("--var", action="append", default=[], type=_variable, help="NAME=VALUE (string)")
    parser.add_argument("--target", action="append", default=[], help="resource address to apply")
    parser.add_argument("--name-prefix", type=_name_prefix, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)  # step timings
    logging.getLogger("tftest").setLevel(logging.WARNING)  # not every line Terraform prints

    try:
        emulator = (localstack.connect(args.endpoint, args.region) if args.kind == "localstack"
                    else Emulator("moto", args.endpoint, args.region))
        toolchain = load_toolchain()
    except (ValueError, ToolchainMissing, localstack.LocalStackUnavailable) as exc:
        parser.error(str(exc))

    workspace = Workspace.create(toolchain, emulator, args.name_prefix or unique_name_prefix(lead="h"))
    GUARD.protect(workspace)
    try:
        workspace.init()
        plan = workspace.plan(args.tfvars, dict(args.var), targets=args.target, refresh=False)
        workspace.apply(plan)
        print(f"applied {workspace.name_prefix} {workspace.dir}", flush=True)
        while True:
            signal.pause()  # the guard's handler destroys, then ends the process
    except KeyboardInterrupt:
        return 130
    finally:
        if GUARD.protected:  # an error before the signal: clean up all the same
            GUARD.destroy_all()
        workspace.remove()


if __name__ == "__main__":
    sys.exit(main())
