"""python-hcl2 and checkov each see the `hcl2` they expect: both packages install that import
name, so they live in separate environments (FIELD-NOTES §6)."""

import importlib.metadata
from pathlib import Path

import hcl2
import pytest

from tfsuite.paths import REPO_ROOT
from tfsuite.policy import CheckovMissing, find_checkov
from tfsuite.policy.checkov_cli import checkov_distributions, clean_env
from tfsuite.toolchain import pins


def pinned(package: str, constraints: Path = REPO_ROOT / "constraints.txt") -> str:
    """The version constraints.txt pins for `package`."""
    for line in constraints.read_text().splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == package:
            return version.strip()
    raise AssertionError(f"{constraints.name} pins no {package}")


def test_this_environment_has_the_pinned_python_hcl2_and_not_checkovs_fork():
    assert importlib.metadata.version("python-hcl2") == pinned("python-hcl2")
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.version("bc-python-hcl2")
    assert hcl2.__version__ == pinned("python-hcl2")


def test_checkov_environment_has_bc_python_hcl2_and_not_python_hcl2():
    try:
        checkov = find_checkov()
    except CheckovMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    installed = checkov_distributions(checkov, ("checkov", "bc-python-hcl2", "python-hcl2"))
    assert installed["python-hcl2"] is None
    assert installed["bc-python-hcl2"] is not None
    assert installed["checkov"] == pins.CHECKOV_VERSION


def test_missing_checkov_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("CHECKOV_BIN", str(tmp_path / "no-checkov"))
    with pytest.raises(CheckovMissing, match="checkov not installed: run make bootstrap"):
        find_checkov()


def test_checkov_runs_without_our_pythonpath(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/somewhere/site-packages")
    env = clean_env()
    assert "PYTHONPATH" not in env
    assert env["CKV_SKIP_PACKAGE_UPDATE_CHECK"] == "true"
