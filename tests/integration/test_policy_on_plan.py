"""The session's plan JSON (reports/plan.json) through the policy layer's gate (checkov on the plan)."""

from __future__ import annotations

import pytest

from tfsuite.paths import reports_dir

pytestmark = pytest.mark.gate


# The configuration is the same on every emulator: scan the default run's plan only.
@pytest.mark.parametrize("lifecycle_variant", ["default"], indirect=True)
def test_plan_passes_the_policy_gate(deployment):
    from tfsuite.policy import scan_plan

    assert deployment.plan.path  # planning publishes reports/plan.json
    sarif = reports_dir() / f"{deployment.plan_report.stem}.sarif"
    report = scan_plan(deployment.plan_report, sarif_path=sarif)

    assert report.ok, report.summary()
