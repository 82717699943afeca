"""The gate over plan JSON (`terraform show -json`), as the emulator layer will call it: the same
checks and the same ledger, per resource instance."""

import pytest

from tfsuite.policy import evaluate, scan_plan
from tfsuite.testing.static_layer import UNIT_FIXTURES

PLANS = UNIT_FIXTURES / "plans"


def test_article_plan_passes_with_the_ledger(policy_results, ledger):
    report = evaluate(policy_results["plan.article"], ledger, report_stale=False)
    assert report.ok, report.summary()
    assert {o.check_id for o, _ in report.suppressed} >= {"CKV_AWS_2"}, "the ledger applies to plans too"


def test_open_ingress_only_visible_in_a_plan_fails_the_gate(policy_results, ledger):
    report = evaluate(policy_results["plan.open-ingress"], ledger, report_stale=False)
    assert [(o.check_id, o.resource) for o in report.unsuppressed] == [
        ("CKV_TFS_6", 'aws_vpc_security_group_ingress_rule.alb_listener["0.0.0.0/0"]')]


@pytest.mark.slow
def test_scan_plan_runs_checkov_on_one_plan(tmp_path):
    report = scan_plan(PLANS / "open-ingress.json", sarif_path=tmp_path / "plan.sarif")
    assert not report.ok
    assert "CKV_TFS_6" in {o.check_id for o in report.unsuppressed}
    assert (tmp_path / "plan.sarif").is_file()


@pytest.mark.parametrize("content, message", [
    (None, "no plan JSON"),
    ("not json", "is not JSON"),
    ('{"resources": []}', "is not a plan"),
])
def test_scan_plan_refuses_what_is_not_a_plan(tmp_path, content, message):
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises((ValueError, FileNotFoundError), match=message):
        scan_plan(path)
