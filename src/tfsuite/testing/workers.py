"""Tests that share an expensive fixture run on one pytest-xdist worker (`--dist loadgroup`).

A session- or module-scoped fixture that applies a deployment is set up once on every worker that
runs a test using it. Grouping those tests keeps it at one apply, while the other groups (another
profile's apply, a batch of plans) run on the other workers and wait out the provider's fixed
waiters side by side. A conftest calls `mark_group(item, shared)` from `pytest_itemcollected`
(before xdist's collection hook reads the mark).

pytest-xdist 3.8 groups by a suffix it writes into the node id, which pytest 9.2 no longer lets it
do (pytest-dev/pytest-xdist#1386): there the groups are silently ignored and every worker applies
its own copy. constraints.txt therefore pins pytest 9.1.1, and
tests/harness/test_workers.py fails when a pytest or xdist bump breaks the grouping again.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest


def group_of(item: pytest.Item, shared: Sequence[str]) -> str:
    """The first of the `shared` fixtures the test uses (with its `lifecycle_variant`, when
    parametrized by one), else the test's module: module-scoped fixtures stay once per module."""
    used = getattr(item, "fixturenames", ())
    for fixture in shared:
        if fixture in used:
            callspec = getattr(item, "callspec", None)
            variant = callspec.params.get("lifecycle_variant") if callspec else None
            return f"{fixture}-{variant}" if variant else fixture
    return Path(str(item.path)).stem


def mark_group(item: pytest.Item, shared: Sequence[str]) -> None:
    """Mark the test with its group; a no-op in a tox env without pytest-xdist (its marker is
    unknown there, and --strict-markers would refuse it)."""
    if item.config.pluginmanager.hasplugin("xdist"):
        item.add_marker(pytest.mark.xdist_group(group_of(item, shared)))
