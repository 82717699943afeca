"""Lint layer fixtures: the toolchain's CLI, and a temporary copy of terraform/ for validate."""


import pytest

from tfsuite.copies import copy_folder
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
    return copy_folder(TERRAFORM_DIR, tmp_path_factory.mktemp("lint") / "terraform", overrides=False)
