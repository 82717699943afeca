"""python -m tfsuite.upgrade: bad input gets a clear error (exit 2), never a stack trace."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tfsuite.paths import REPO_ROOT
from tfsuite.upgrade.cli import main

from .test_base import commit, git


@pytest.fixture
def repo(tmp_path):
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q")
    git(path, "config", "user.email", "t@example.invalid")
    git(path, "config", "user.name", "t")
    commit(path, {"terraform/main.tf": "# v1\n", "terraform/examples/a.tfvars": "x = 1\n",
                  "policies/upgrade-approvals.yaml": "approvals: []\n"}, "base")
    commit(path, {"README.md": "docs\n"}, "docs only")
    return path


@pytest.fixture(autouse=True)
def reports(tmp_path, monkeypatch):
    monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.delenv("TFSUITE_UPGRADE_BASE", raising=False)
    return tmp_path / "reports"


@pytest.mark.parametrize("args, message", [
    (["--base", "nope"], "does not name a commit"),
    (["--profile", "b"], "unknown profile(s) b; the working tree has a"),
    (["--approvals", "missing.yaml"], "no approvals file"),
])
def test_bad_input_is_a_clear_error(repo, capsys, args, message):
    assert main(["--repo", str(repo), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_folder_that_is_no_repository_is_a_clear_error(tmp_path, capsys):
    assert main(["--repo", str(tmp_path)]) == 2
    assert "not inside a git working tree" in capsys.readouterr().err


def test_a_bad_date_is_refused_by_the_argument_parser(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--today", "tomorrow"])
    assert exit_.value.code == 2 and "is not a date" in capsys.readouterr().err


def test_an_unchanged_terraform_passes_quickly_and_reports_it(repo, reports, capsys):
    assert main(["--repo", str(repo)]) == 0  # default BASE here: HEAD~1 (no remote, no tag)
    assert "terraform/ is the same as at BASE" in capsys.readouterr().out
    report = json.loads((reports / "upgrade.json").read_text())
    assert report["ok"] and report["unchanged"] and report["profiles"] == []


def test_an_expired_or_unused_approval_fails_even_when_nothing_changed(repo, capsys):
    commit(repo, {"policies/upgrade-approvals.yaml": (
        "approvals:\n  - address: aws_lb.tfserving\n    reason: The ALB becomes internal; clients use the VPN.\n"
        "    owner: platform-team\n    expires: 2030-01-01\n")}, "approval left behind")
    assert main(["--repo", str(repo)]) == 1
    assert "approved nothing" in capsys.readouterr().out


def test_help_runs_as_a_module():
    result = subprocess.run([sys.executable, "-m", "tfsuite.upgrade", "--help"], capture_output=True, text=True,
                            env={"PYTHONPATH": str(REPO_ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0 and "--base REF" in result.stdout
