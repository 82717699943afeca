"""What a copy of a Terraform folder leaves out: the one rule for every copy the suite makes
(workspaces, checkov's scan copies, broken copies, lint's validate, the benchmark).

Never copied: what Terraform or Python leave beside a configuration (dot files and folders such as
.terraform/ and .terraform.lock.hcl, state, plan files, __pycache__). Copies that Terraform runs in
also leave out override files: the workspace writes its own, and an override left in terraform/
would change what every run tests. A scan copy keeps them, so checkov sees the folder as given.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

LOCAL_FILES = (".*", "*.tfstate", "*.tfstate.*", "*.tfplan", "plan*.out", "__pycache__")
OVERRIDES = ("override.tf", "*_override.tf", "override.tf.json", "*_override.tf.json")


def copy_folder(source: Path, dest: Path, *, overrides: bool = True) -> Path:
    """Copy source to dest (which must not exist) without LOCAL_FILES, and without OVERRIDES
    unless overrides=True. Returns dest."""
    patterns = LOCAL_FILES if overrides else LOCAL_FILES + OVERRIDES
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(*patterns))
    return Path(dest)


def copy_prefix(name_prefix: str) -> str:
    """How the temporary folders of a run's copies start (a killed run's leftovers are found by it)."""
    return f"tfsuite-{name_prefix}-"


def copy_configuration(source: Path, name_prefix: str) -> Path:
    """A fresh temporary copy of the configuration for Terraform to run in: <tmp>/terraform,
    without state, caches, locks or overrides.

    The copy keeps the checkout's layout: the repository's model/ folder sits beside it, so a
    profile's relative `model_local_path = "../model/empty_model"` reaches the same SavedModel.
    """
    from tfsuite.paths import MODEL_DIR

    source = Path(source)
    if not any(source.glob("*.tf")):
        raise FileNotFoundError(f"no Terraform configuration (*.tf) in {source}")
    parent = Path(tempfile.mkdtemp(prefix=copy_prefix(name_prefix)))
    directory = copy_folder(source, parent / "terraform", overrides=False)
    if MODEL_DIR.is_dir():
        copy_folder(MODEL_DIR, parent / MODEL_DIR.name)
    return directory
