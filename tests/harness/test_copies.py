"""One rule for what a copy of a Terraform folder leaves out (tfsuite.copies), for every copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tfsuite.copies import copy_configuration, copy_folder, copy_prefix

KEPT = ["main.tf", "variables.tf", "templates/task.json.tpl", "examples/article.tfvars"]
LOCAL = [".terraform/providers/x", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup",
         "terraform.tfstate.d/x", "a.tfplan", "plan-01.out", "__pycache__/x.pyc", ".hidden"]
OVERRIDES = ["override.tf", "tfsuite_override.tf", "override.tf.json", "x_override.tf.json"]


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "terraform"
    for name in KEPT + LOCAL + OVERRIDES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    return root


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_a_scan_copy_leaves_out_local_files_and_keeps_overrides(folder, tmp_path):
    copy = copy_folder(folder, tmp_path / "scan")
    assert files(copy) == set(KEPT + OVERRIDES)


def test_a_copy_to_run_terraform_in_leaves_out_overrides_too(folder, tmp_path):
    copy = copy_folder(folder, tmp_path / "run", overrides=False)
    assert files(copy) == set(KEPT)


def test_a_configuration_copy_is_a_fresh_temporary_folder(folder):
    copy = copy_configuration(folder, "abc")
    try:
        assert copy.name == "terraform" and copy.parent.name.startswith(copy_prefix("abc"))
        assert files(copy) == set(KEPT)
    finally:
        shutil.rmtree(copy.parent)


def test_a_folder_without_tf_files_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="no Terraform configuration"):
        copy_configuration(tmp_path, "abc")
