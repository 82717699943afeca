"""Layers side by side: independent layers overlap, clashing ones never do, --jobs 1 is serial, each
layer's output lands in its own log, and the closing table is still tfsuite.reporting's."""

from __future__ import annotations

import io
import json
import os
import shlex
import sys

import pytest

from tfsuite import layers, side_by_side

FAKE_TOX = [sys.executable, "-m", "tfsuite.testing.fake_tox"]


@pytest.fixture
def plan(tmp_path, monkeypatch):
    """Write the fake tox's plan; reports go to a temp dir."""
    monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path / "reports"))
    fifo = tmp_path / "meet"
    os.mkfifo(fifo)

    def write(**layer_plans) -> str:
        path = tmp_path / "plan.json"
        path.write_text(json.dumps({k: {**v, "meet": str(fifo)} if v.pop("meets", False) else v
                                    for k, v in layer_plans.items()}))
        monkeypatch.setenv("FAKE_TOX_PLAN", str(path))
        return str(fifo)

    return write


def meeting(role: str, wait: float) -> dict:
    return {"meets": True, "role": role, "wait": wait, "exit": 3, "met_exit": 0}


def test_independent_layers_run_at_the_same_time(plan):
    plan(unit=meeting("read", 20), integration=meeting("write", 20))
    outcomes = side_by_side.run(["unit", "integration"], FAKE_TOX, jobs=2, stream=io.StringIO())
    assert {k: o.code for k, o in outcomes.items()} == {"unit": 0, "integration": 0}, "they did not overlap"


def test_jobs_one_runs_them_one_after_another(plan):
    plan(unit=meeting("read", 1), integration=meeting("write", 1))
    outcomes = side_by_side.run(["unit", "integration"], FAKE_TOX, jobs=1, stream=io.StringIO())
    assert {k: o.code for k, o in outcomes.items()} == {"unit": 3, "integration": 3}, "they overlapped"


@pytest.mark.parametrize("pair", sorted(tuple(sorted(p)) for p in side_by_side.CLASHES))
def test_layers_that_clash_never_overlap(plan, pair):
    first, second = pair
    plan(**{first: {**meeting("read", 1), "exit": 0, "met_exit": 9},
            second: {**meeting("write", 1), "exit": 0, "met_exit": 9}})
    outcomes = side_by_side.run([first, second], FAKE_TOX, jobs=4, stream=io.StringIO())
    assert {k: o.code for k, o in outcomes.items()} == {first: 0, second: 0}, "clashing layers overlapped"


def test_each_layer_writes_its_own_log_and_a_failure_shows_its_tail(plan):
    plan(unit={"print": "output of unit"}, lint={"print": "output of lint", "exit": 1})
    stream = io.StringIO()
    outcomes = side_by_side.run(["lint", "unit"], FAKE_TOX, jobs=2, stream=stream)
    assert outcomes["unit"].log.read_text().strip() == "output of unit"
    assert outcomes["lint"].log.read_text().strip() == "output of lint"
    assert list(outcomes) == ["lint", "unit"] and outcomes["lint"].code == 1
    shown = stream.getvalue()
    assert "output of lint" in shown and "output of unit" not in shown, "only the failed layer's tail is shown"
    assert "[layers] 2/2 done | running: - | waiting: 0" in shown


def test_longest_layers_start_first_from_the_last_runs_times():
    assert side_by_side.order(["lint", "unit", "integration"], {"unit": 900.0})[:2] == ["unit", "integration"]


@pytest.mark.parametrize("value", ["0", "-1", "two", ""])
def test_jobs_must_be_a_positive_whole_number(value, capsys):
    with pytest.raises(SystemExit) as exc:
        layers.main(["--jobs", value, "unit"])
    assert exc.value.code == 2 and "--jobs must be a whole number of at least 1" in capsys.readouterr().err


def test_the_runner_ends_with_reportings_table_and_verdicts(plan, capsys):
    """A layer whose tox run dies before pytest writes a summary is a failure in the same table."""
    plan(unit={"exit": 2}, lint={})
    assert layers.main(["--tox", shlex.join(FAKE_TOX), "--jobs", "2", "unit", "lint"]) == 1
    out = capsys.readouterr().out
    assert "verdict" in out and "FAILED" in out


def test_every_init_on_the_shared_plugin_cache_takes_one_lock(tmp_path):
    """The lint layer's init and the workspaces' inits run side by side: they share one lock file."""
    import fcntl
    from types import SimpleNamespace

    from tfsuite.runner.workspace import Workspace
    from tfsuite.toolchain import Toolchain
    from tfsuite.toolchain.initlock import init_lock, init_lock_path

    toolchain = Toolchain(cli=None, cli_kind=None, cli_version=None, cli_source=None, cli_config_file=None,
                          provider_version=None, provider_source=None, mirror_dir=None, checkov=None,
                          extra={"cache_dir": str(tmp_path)})
    assert Workspace._init_lock_path(SimpleNamespace(toolchain=toolchain)) == init_lock_path(toolchain)
    with init_lock(toolchain), init_lock_path(toolchain).open("w") as other:
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
