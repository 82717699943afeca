"""benchmarks/suite.py: bad arguments get a clear error before anything runs; the ratios it prints
are to the floor, and a failed step is shown, not compared."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tfsuite.paths import REPO_ROOT

SUITE = REPO_ROOT / "benchmarks" / "suite.py"


@pytest.mark.parametrize("value", ["flor", "", "gate,,tests"])
def test_unknown_steps_are_refused_before_anything_runs(value):
    done = subprocess.run([sys.executable, str(SUITE), "--only", value], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 2 and "--only takes a comma-separated subset of floor,gate,test" in done.stderr


def test_ratios_are_to_the_floor_and_a_failed_step_is_not_compared(monkeypatch):
    monkeypatch.syspath_prepend(str(SUITE.parent))
    import suite

    lines = suite.report({"floor": 100.0, "gate": 150.0, "test": -300.0})
    assert f"1.50 (<= {suite.TARGETS['gate']})" in lines[2] and lines[2].startswith("gate")
    assert "FAILED: not compared" in lines[3] and "300.0" in lines[3]
