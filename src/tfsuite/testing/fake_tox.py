"""A stand-in for `tox -e LAYER` for the side-by-side runner's tests:

    python -m tfsuite.testing.fake_tox -e LAYER      (plan: JSON file named by FAKE_TOX_PLAN)

The plan maps a layer to {"print": text, "exit": code, "meet": fifo, "role": "read"|"write",
"wait": seconds, "met_exit": code}. With "meet", the layer tries to rendezvous with the layer holding
the other role on the same FIFO (opening a FIFO blocks until both ends are open): it exits with
met_exit when the other layer runs at the same time, and with "exit" when nobody came within wait
seconds. So a test sees, without timing guesses, whether two layers overlapped.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys


class _NobodyCame(Exception):
    pass


def _alarm(signum, frame):
    raise _NobodyCame


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-e", dest="layer", required=True)
    layer = parser.parse_args().layer
    plan = json.loads(open(os.environ["FAKE_TOX_PLAN"]).read())[layer]
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


if __name__ == "__main__":
    sys.exit(main())
