"""Lint layer fixtures: the toolchain's CLI, and a temporary copy of terraform/ for validate."""

import shutil

import pytest

from tfsuite.paths import TERRAFORM_DIR
from tfsuite.toolchain import ToolchainMissing, load_toolchain


@pytest.fixture(scope="session")
def toolchain():
    try:
        return load_toolchain()
    except ToolchainMissing as exc:
        pytest.fail(f"toolchain missing: {exc}")


@pytest.fixture(scope="session")
def terraform_copy(tmp_path_factory):
    """validate needs `init`, which writes .terraform/ and a lock file: never inside terraform/."""
    copy = tmp_path_factory.mktemp("lint") / "terraform"
    shutil.copytree(TERRAFORM_DIR, copy, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    return copy
