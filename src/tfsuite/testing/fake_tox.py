"""A stand-in for `tox -e LAYER`: writes the layer summary a pytest run would have written, as
FAKE_TOX_SUMMARY (JSON: counts, skips, exitstatus) describes it, and exits with its exit status.

    FAKE_TOX_SUMMARY='{"counts": {...}, "skips": [], "exitstatus": 0}' python -m tfsuite.testing.fake_tox -e unit
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from tfsuite import reporting


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-e", dest="layer", required=True)
    layer = parser.parse_args(argv).layer
    wanted = json.loads(os.environ["FAKE_TOX_SUMMARY"])
    counts = {"passed": 0, "failed": 0, "skipped": 0, "error": 0, "deselected": 0, **wanted["counts"]}
    reporting.write_summary(layer, counts=counts, skips=wanted.get("skips", []), seconds=0.1,
                            exitstatus=wanted.get("exitstatus", 0))
    return wanted.get("exitstatus", 0)


if __name__ == "__main__":
    sys.exit(main())
