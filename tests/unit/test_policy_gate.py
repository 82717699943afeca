"""The pre-merge policy gate on terraform/: checkov (its own checks and ours) with zero
unsuppressed failures, every suppression in the ledger with reason, owner and expiry."""

import json

import pytest

from tfsuite.paths import reports_dir
from tfsuite.policy import custom_check_ids, review_folder


def test_terraform_passes_the_policy_gate(real_gate):
    assert real_gate.ok, real_gate.summary()


def test_gate_really_scanned_terraform(real_gate):
    scan = real_gate.scan
    assert not scan.parsing_errors
    assert {"aws_lb_listener.tfserving", "aws_ecs_task_definition.tfserving", "aws_s3_bucket.models"} <= scan.resources
    assert len(scan.passed) > len(scan.failed)


def test_every_custom_check_reported_on_terraform(real_gate):
    assert custom_check_ids() <= real_gate.scan.check_ids()


def test_our_own_checks_pass_on_terraform_without_suppression(real_gate):
    ours = custom_check_ids()
    assert [str(o) for o in real_gate.scan.failed + real_gate.scan.skipped if o.check_id in ours] == []


def test_sarif_report_lists_findings_with_their_suppressions(real_gate):
    sarif = json.loads((reports_dir() / "checkov.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert len(results) == len(real_gate.scan.failed) + len(real_gate.scan.skipped)
    external = [r for r in results if any(s["kind"] == "external" for s in r.get("suppressions", []))]
    assert len(external) == len(real_gate.suppressed)
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("terraform/")
               for r in results)


@pytest.mark.parametrize("fixture, problem", [
    ("no_resources", "checked no resource"),
    ("unparseable", "could not parse main.tf"),
    ("inline_skip", "checkov:skip=CKV_AWS_66 on aws_cloudwatch_log_group.unlisted_skip has no ledger entry"),
])
def test_the_gate_fails_closed(policy_results, ledger, fixture, problem):
    report = review_folder(policy_results[f"gate.{fixture}"], ledger)
    assert not report.ok
    assert any(problem in p for p in report.problems), report.summary()
