"""The make targets and .ci/run judge layers the same way: `make <layer>` fails when its layer
skipped everything, and the totals line is the last line .ci/run prints, also when it fails."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tfsuite import layers
from tfsuite.paths import REPO_ROOT

FAKE_TOX = f"{sys.executable} -m tfsuite.testing.fake_tox"
SKIPPED_ALL = {"counts": {"skipped": 2}, "skips": [
    {"test": "t::a", "reason": "toolchain missing", "markers": []},
    {"test": "t::b", "reason": "toolchain missing", "markers": []}], "exitstatus": 0}
PASSED = {"counts": {"passed": 2}, "exitstatus": 0}


def make_targets() -> list[str]:
    import re

    match = re.search(r"^LAYERS := (.+)$", (REPO_ROOT / "Makefile").read_text(), re.M)
    return match.group(1).split() + ["gate"]


def runner_argv(target: str) -> list[str]:
    """The arguments `make <target>` passes to tfsuite.layers (read from `make -n`), with the tox
    command replaced by the fake."""
    shown = subprocess.run(["make", "-n", "--no-print-directory", target], cwd=REPO_ROOT, capture_output=True,
                           text=True, check=True, timeout=60).stdout
    [line] = [line for line in shown.replace("\\\n", " ").splitlines() if "-m tfsuite.layers" in line]
    words = shlex.split(line)
    argv = words[words.index("tfsuite.layers") + 1:]
    argv[argv.index("--tox") + 1] = FAKE_TOX
    return argv


@pytest.mark.parametrize("target", make_targets())
def test_make_layer_judges_its_layer_as_ci_does(target, tmp_path, monkeypatch):
    if shutil.which("make") is None:
        pytest.fail("make is not installed: the make targets cannot be checked")
    monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path))
    argv = runner_argv(target)

    monkeypatch.setenv("FAKE_TOX_SUMMARY", json.dumps(SKIPPED_ALL))
    assert layers.main(argv) == 1, f"make {target} passes a layer whose tests all skipped"
    monkeypatch.setenv("FAKE_TOX_SUMMARY", json.dumps(PASSED))
    assert layers.main(argv) == 0


def ci_run_copy(tmp_path: Path, make_recipe: str) -> Path:
    """.ci/run beside a Makefile whose `test` target runs `make_recipe`."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(REPO_ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    (tmp_path / "Makefile").write_text(f"test:\n\t@{make_recipe}\n")
    return tmp_path / ".ci" / "run"


@pytest.mark.parametrize("status", [0, 1])
def test_the_totals_line_is_the_last_line_ci_prints(tmp_path, monkeypatch, status):
    monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("FAKE_TOX_SUMMARY", json.dumps({"counts": {"passed": 3, "failed": status},
                                                       "exitstatus": status}))
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT / "src"))
    argv = runner_argv("test")  # the real `make test` recipe (summary page included), fake tox
    argv[argv.index("--require") + 1] = "$(REQUIRE)"
    run = ci_run_copy(tmp_path, f"{sys.executable} -m tfsuite.layers {shlex.join(argv)}")
    run_layers = argv[argv.index("--require") + 2:]

    result = subprocess.run(["bash", str(run)], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "TFSUITE_CI_REQUIRE": ",".join(run_layers)})
    assert result.returncode == (2 if status else 0), result.stdout + result.stderr
    assert result.stderr == ""  # make's output reaches .ci/run's stdout, in order
    printed = result.stdout.rstrip().splitlines()
    n = len(run_layers)
    assert printed[-1] == f"suite: {3 * n} passed, {status * n} failed, 0 skipped", printed[-5:]
    assert (tmp_path / "reports" / "summary.md").exists()


@pytest.mark.parametrize("target", ["test", "gate"])
def test_nothing_runs_after_the_layers_runner_prints_its_totals(target):
    """The runner writes summary.md before its table; a command after it in the recipe would print
    below the totals line."""
    shown = subprocess.run(["make", "-n", "--no-print-directory", target], cwd=REPO_ROOT, capture_output=True,
                           text=True, check=True, timeout=60).stdout
    assert "-m tfsuite.layers" in shown.replace("\\\n", " ").rstrip().splitlines()[-1], shown
