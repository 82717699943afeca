"""Warm `make bootstrap`: run the toolchain bootstrap N times and print the median wall time.

    PYTHONPATH=src python benchmarks/bootstrap_warm.py [--runs 5]

The goal (issue: toolchain) is at most 5 s once everything is built.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from tfsuite.paths import REPO_ROOT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    times = []
    for _ in range(args.runs):
        started = time.monotonic()
        subprocess.run(["make", "-s", "bootstrap"], cwd=REPO_ROOT, check=True, capture_output=True)
        times.append(time.monotonic() - started)
    print(f"warm make bootstrap: median {statistics.median(times):.2f}s, "
          f"min {min(times):.2f}s, max {max(times):.2f}s over {args.runs} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
