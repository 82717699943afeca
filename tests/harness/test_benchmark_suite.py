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


def test_cpu_time_is_shown_per_core_against_the_floor(monkeypatch):
    monkeypatch.syspath_prepend(str(SUITE.parent))
    import suite

    lines = suite.report({"floor": 100.0, "test": 500.0}, cpu={"floor": 80.0, "test": 900.0}, cores=2)
    assert "cpu/2 cores" in lines[0]
    assert lines[2].split()[:4] == ["test", "500.0", "900.0", "450.0"]
    assert "5.00 (<= 2.5); cpu/2 alone is 4.50" in lines[2]


def test_the_cpu_clock_counts_the_work_of_child_processes(monkeypatch):
    monkeypatch.syspath_prepend(str(SUITE.parent))
    import suite

    before = suite.cpu_seconds()
    subprocess.run([sys.executable, "-c", "sum(i * i for i in range(3_000_000))"], check=True, timeout=120)
    assert suite.cpu_seconds() - before > 0.05
