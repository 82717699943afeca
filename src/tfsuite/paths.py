"""Where things live: the checkout, its reports, and the cache outside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TERRAFORM_DIR = REPO_ROOT / "terraform"
EXAMPLES_DIR = TERRAFORM_DIR / "examples"
MODEL_DIR = REPO_ROOT / "model"
POLICIES_DIR = REPO_ROOT / "policies"
STATE_DIR = REPO_ROOT / ".tfsuite"  # per-checkout, git-ignored: toolchain manifest, run records


def reports_dir() -> Path:
    """Reports (JUnit, SARIF, JSON) go here; TFSUITE_REPORTS_DIR overrides."""
    path = Path(os.environ.get("TFSUITE_REPORTS_DIR", REPO_ROOT / "reports"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Caches kept outside the checkout so later runs and CI on this machine reuse them.

    TFSUITE_CACHE_DIR overrides; otherwise $XDG_CACHE_HOME/tfsuite or ~/.cache/tfsuite.
    """
    explicit = os.environ.get("TFSUITE_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg).expanduser().resolve() / "tfsuite"
