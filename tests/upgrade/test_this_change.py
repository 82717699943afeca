"""The gate itself on this checkout: the working tree's terraform/ planned against the state of
BASE's deployment (TFSUITE_UPGRADE_BASE, `make upgrade BASE=<ref>`, else the default order), every
example profile. Writes reports/upgrade.json, which reports/summary.md shows."""

from __future__ import annotations

import os

from tfsuite.paths import REPO_ROOT
from tfsuite.upgrade.gate import run_gate, write_report


def test_the_working_tree_upgrades_base_without_unapproved_delete_or_replace(toolchain, moto):
    result = run_gate(REPO_ROOT, os.environ.get("TFSUITE_UPGRADE_BASE") or None, toolchain=toolchain,
                      emulator=moto)
    write_report(result)
    print(result.render())
    assert result.ok, result.render()
