"""Canaries of tfsuite.emulator.moto_compat: the tests that show each gap (moto_compat.GAPS) run on
moto as released, in a pytest run of their own. While moto has the gap they fail there (xfail,
strict); once a moto release closes it, the canary passes, this suite fails, and the fix goes."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import version

import pytest

from tfsuite.emulator.moto_compat import GAPS
from tfsuite.paths import REPO_ROOT

COMPAT_TESTS = REPO_ROOT / "tests" / "harness" / "emulator" / "test_moto_compat.py"


@pytest.fixture(scope="module")
def unpatched_outcomes(tmp_path_factory) -> dict[str, str]:
    """test name -> passed | failed | error | skipped, on moto as released (TFSUITE_MOTO_UNPATCHED=1)."""
    where = tmp_path_factory.mktemp("canaries")
    env = {k: v for k, v in os.environ.items() if k != "TFSUITE_LAYER"}
    env.update(TFSUITE_MOTO_UNPATCHED="1", TFSUITE_REPORTS_DIR=str(where), PYTHONPATH=str(REPO_ROOT / "src"))
    junit = where / "canaries.xml"
    subprocess.run([sys.executable, "-m", "pytest", str(COMPAT_TESTS), "-p", "no:cacheprovider", "-q",
                    f"--junitxml={junit}"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    outcomes = {}
    for case in ET.parse(junit).iter("testcase"):
        kinds = {child.tag for child in case}
        outcomes[case.get("name")] = next((k for k in ("failure", "error", "skipped") if k in kinds), "passed")
    return outcomes


def test_the_canary_run_ran_every_repro(unpatched_outcomes):
    """pytest counts an error in an xfail test's fixture as the expected failure: this test (no
    xfail) fails instead when the run on moto as released did not report every repro."""
    assert {name for names in GAPS.values() for name in names} <= set(unpatched_outcomes)


@pytest.mark.parametrize("gap", [pytest.param(gap, marks=pytest.mark.xfail(
    strict=True, raises=AssertionError, reason=f"moto {version('moto')} still has the gap: the fix is needed"))
    for gap in GAPS])
def test_canary_moto_as_released_behaves_as_aws(unpatched_outcomes, gap):
    assert {unpatched_outcomes[name] for name in GAPS[gap]} == {"passed"}, {n: unpatched_outcomes[n] for n in GAPS[gap]}
