"""python-hcl2 and checkov each see the `hcl2` they expect: both packages install that import
name, so they live in separate environments (FIELD-NOTES §6)."""

import importlib.metadata

import hcl2
import pytest

from tfsuite.policy import CheckovMissing, find_checkov
from tfsuite.policy.checkov_cli import checkov_distributions, clean_env


def test_this_environment_has_python_hcl2_8_1_4_and_not_checkovs_fork():
    assert importlib.metadata.version("python-hcl2") == "8.1.4"
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.version("bc-python-hcl2")
    assert hcl2.__version__ == "8.1.4"


def test_checkov_environment_has_bc_python_hcl2_and_not_python_hcl2():
    try:
        checkov = find_checkov()
    except CheckovMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    installed = checkov_distributions(checkov, ("checkov", "bc-python-hcl2", "python-hcl2"))
    assert installed["python-hcl2"] is None
    assert installed["bc-python-hcl2"] is not None
    assert installed["checkov"] == "3.3.30"


def test_missing_checkov_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("CHECKOV_BIN", str(tmp_path / "no-checkov"))
    with pytest.raises(CheckovMissing, match="checkov not installed: run make bootstrap"):
        find_checkov()


def test_checkov_runs_without_our_pythonpath(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/somewhere/site-packages")
    env = clean_env()
    assert "PYTHONPATH" not in env
    assert env["CKV_SKIP_PACKAGE_UPDATE_CHECK"] == "true"
