"""Run the suite's layers (tox envs) side by side, with a live status, timings and a closing table.

    python -m tfsuite.layers [--jobs N] [--require unit,integration] [--tox "tox --workdir ..."] LAYER ...

--jobs 1 runs them one after another with their output shown; otherwise each layer's output is in
reports/logs/<layer>.log (tfsuite.side_by_side).

Every layer runs even when an earlier one fails; the exit code is non-zero when any failed or
when a required layer did not really run (tfsuite.verdicts). It writes reports/summary.md
(tfsuite.summary), then prints the closing table; the last line printed is the totals line.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time

from tfsuite import reporting, side_by_side, summary

KNOWN_LAYERS = ("lint", "harness", "unit", "integration", "upgrade", "localstack", "model", "serving", "rehearsal",
                "e2e", "gate")


def parse_layers(values: list[str]) -> list[str]:
    unknown = [v for v in values if v not in KNOWN_LAYERS]
    if unknown:
        raise SystemExit(f"unknown layer(s) {', '.join(unknown)}; known: {', '.join(KNOWN_LAYERS)}")
    if not values:
        raise SystemExit("name at least one layer")
    return values


def _jobs(value: str) -> int:
    try:
        return side_by_side.parse_jobs(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layers", nargs="*")
    parser.add_argument("--tox", default="tox", help="the tox command line to use")
    parser.add_argument("--require", default="", help="comma-separated layers that must really run here")
    parser.add_argument("--jobs", type=_jobs, default=side_by_side.default_jobs(),
                        help="layers run side by side (default %(default)s here; 1: one after another)")
    args = parser.parse_args(argv)
    layers = parse_layers(args.layers)
    required = [x for x in args.require.split(",") if x]
    if required:
        parse_layers(required)
    for layer in layers:
        reporting.summary_path(layer).unlink(missing_ok=True)
    timings, began = {}, time.monotonic()
    outcomes = side_by_side.run(layers, shlex.split(args.tox), args.jobs)
    for layer, outcome in outcomes.items():
        code, timings[layer] = outcome.code, outcome.seconds
        if code != 0 and reporting.read_summary(layer) is None:
            reporting.write_summary(layer, counts={"passed": 0, "failed": 0, "skipped": 0, "error": 1},
                                    skips=[], seconds=timings[layer], exitstatus=code)
    print(f"\n===== summary: {len(layers)} layer(s) in {time.monotonic() - began:.0f}s =====", flush=True)
    # the page people read, written before the table so the totals line stays the last line printed
    print(f"[summary] wrote {summary.publish(required=frozenset(required))}", flush=True)
    return reporting.main([*layers, "--require", ",".join(required)])


if __name__ == "__main__":
    sys.exit(main())
