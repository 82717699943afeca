"""Lint layer fixtures: a temporary copy of terraform/ for validate (`toolchain` is tfsuite.testing.fixtures)."""


import pytest

from tfsuite.copies import copy_folder
from tfsuite.paths import TERRAFORM_DIR


@pytest.fixture(scope="session")
def terraform_copy(tmp_path_factory):
    """validate needs `init`, which writes .terraform/ and a lock file: never inside terraform/."""
    return copy_folder(TERRAFORM_DIR, tmp_path_factory.mktemp("lint") / "terraform", overrides=False)
