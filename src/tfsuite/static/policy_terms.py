"""The definitions our checkov checks use ("pinned image", "S3 write grant"), loaded from
policies/checks/tfs_common.py so both layers judge by one text. That file imports nothing from
checkov, so this virtualenv can load it although checkov is not installed here."""

from __future__ import annotations

import importlib.util
from functools import cache
from types import ModuleType

from tfsuite.paths import POLICIES_DIR

SOURCE = POLICIES_DIR / "checks" / "tfs_common.py"


@cache
def terms() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tfsuite_policy_terms", SOURCE)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the policy definitions from {SOURCE}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
