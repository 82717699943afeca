"""Run the suite's layers (tox envs) one after another, with progress, timings and a closing table.

    python -m tfsuite.layers [--require unit,integration] [--tox "tox --workdir ..."] LAYER ...

Every layer runs even when an earlier one fails; the exit code is non-zero when any failed or
when a required layer did not really run (see tfsuite.reporting).
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time

from tfsuite import reporting

KNOWN_LAYERS = ("lint", "harness", "unit", "integration", "localstack", "model", "serving", "rehearsal", "e2e",
                "gate")


def parse_layers(values: list[str]) -> list[str]:
    unknown = [v for v in values if v not in KNOWN_LAYERS]
    if unknown:
        raise SystemExit(f"unknown layer(s) {', '.join(unknown)}; known: {', '.join(KNOWN_LAYERS)}")
    if not values:
        raise SystemExit("name at least one layer")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layers", nargs="*")
    parser.add_argument("--tox", default="tox", help="the tox command line to use")
    parser.add_argument("--require", default="", help="comma-separated layers that must really run here")
    args = parser.parse_args(argv)
    layers = parse_layers(args.layers)
    required = [x for x in args.require.split(",") if x]
    if required:
        parse_layers(required)
    for layer in layers:
        reporting.summary_path(layer).unlink(missing_ok=True)
    timings = {}
    for index, layer in enumerate(layers, 1):
        print(f"\n===== [{index}/{len(layers)}] layer {layer} =====", flush=True)
        started = time.monotonic()
        code = subprocess.call([*shlex.split(args.tox), "-e", layer])
        timings[layer] = time.monotonic() - started
        print(f"===== layer {layer}: exit {code} after {timings[layer]:.0f}s =====", flush=True)
        if code != 0 and reporting.read_summary(layer) is None:
            reporting.write_summary(layer, counts={"passed": 0, "failed": 0, "skipped": 0, "error": 1},
                                    skips=[], seconds=timings[layer], exitstatus=code)
    print("\n===== summary =====")
    return reporting.main([*layers, "--require", ",".join(required)])


if __name__ == "__main__":
    sys.exit(main())
