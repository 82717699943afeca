"""A stand-in for `tox -e LAYER`, for the tests of the layer runner and the make targets.

    python -m tfsuite.testing.fake_tox -e LAYER

- FAKE_TOX_SUMMARY (JSON: counts, skips, exitstatus): writes the layer summary a pytest run would
  have written, and exits with its exit status.
- FAKE_TOX_PLAN (a JSON file) maps a layer to {"print": text, "exit": code, "meet": fifo,
  "role": "read"|"write", "wait": seconds, "met_exit": code}. With "meet", the layer tries to
  rendezvous with the layer holding the other role on the same FIFO (opening a FIFO blocks until
  both ends are open): it exits with met_exit when the other layer runs at the same time, and with
  "exit" when nobody came within wait seconds. So a test sees, without timing guesses, whether two
  layers overlapped.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys

from tfsuite import reporting


class _NobodyCame(Exception):
    pass


def _alarm(signum, frame):
    raise _NobodyCame


def _write_summary(layer: str, wanted: dict) -> int:
    counts = {"passed": 0, "failed": 0, "skipped": 0, "error": 0, "deselected": 0, **wanted["counts"]}
    reporting.write_summary(layer, counts=counts, skips=wanted.get("skips", []), seconds=0.1,
                            exitstatus=wanted.get("exitstatus", 0))
    return wanted.get("exitstatus", 0)


def _follow_plan(layer: str, plan: dict) -> int:
    print(plan.get("print", f"fake layer {layer}"), flush=True)
    if "meet" in plan:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, float(plan.get("wait", 5)))
        try:
            fd = os.open(plan["meet"], os.O_RDONLY if plan["role"] == "read" else os.O_WRONLY)
            signal.setitimer(signal.ITIMER_REAL, 0)
            os.close(fd)
            print(f"{layer} met the other layer", flush=True)
            return int(plan.get("met_exit", 0))
        except _NobodyCame:
            print(f"{layer} ran alone", flush=True)
    return int(plan.get("exit", 0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-e", dest="layer", required=True)
    layer = parser.parse_args(argv).layer
    if "FAKE_TOX_PLAN" in os.environ:
        with open(os.environ["FAKE_TOX_PLAN"]) as handle:
            return _follow_plan(layer, json.load(handle)[layer])
    return _write_summary(layer, json.loads(os.environ["FAKE_TOX_SUMMARY"]))


if __name__ == "__main__":
    sys.exit(main())
