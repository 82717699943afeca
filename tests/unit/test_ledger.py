"""The suppression ledger: every skip names check, resource, reason, owner and expiry, applies to
that one resource only, and anything expired, unexplained or unlisted fails the gate."""

import datetime as dt
from pathlib import Path

import pytest

from tfsuite.policy import (
    CheckOutcome,
    LedgerError,
    ScanResult,
    ScanTarget,
    evaluate,
    find_inline_skips,
    load_ledger,
    parse_ledger,
)

TODAY = dt.date(2026, 1, 15)
ENTRY = """
  - check: CKV_AWS_2
    resource: aws_lb_listener.tfserving
    reason: The article serves plain HTTP on port 9000; TLS needs a certificate and a domain.
    owner: platform-team
    expires: {expires}
"""


def ledger(*entries: str, today=TODAY):
    return parse_ledger("suppressions:\n" + "".join(entries) if entries else "suppressions: []\n", today=today)


def outcome(check="CKV_AWS_2", resource="aws_lb_listener.tfserving", result="FAILED"):
    return CheckOutcome(check, "a check", resource, "network.tf", (1, 2), result)


def scan(*outcomes, folder: Path = Path(__file__).parent):
    return ScanResult(ScanTarget("t", folder), list(outcomes))


def test_the_project_ledger_is_valid_and_uses_no_placeholder():
    project = load_ledger()
    assert project.problems == []
    assert all(e.owner and e.reason for e in project.entries)


def test_a_listed_failure_is_suppressed_for_that_resource_only():
    report = evaluate(scan(outcome(), outcome(resource="aws_lb_listener.other")),
                      ledger(ENTRY.format(expires="2027-06-30")), today=TODAY)
    assert [o.resource for o, _ in report.suppressed] == ["aws_lb_listener.tfserving"]
    assert [o.resource for o in report.unsuppressed] == ["aws_lb_listener.other"]
    assert not report.ok


def test_an_entry_covers_every_instance_of_a_counted_resource():
    report = evaluate(scan(outcome(resource="aws_lb_listener.tfserving[0]"),
                           outcome(resource='aws_lb_listener.tfserving["a"]')),
                      ledger(ENTRY.format(expires="2027-06-30")), today=TODAY)
    assert report.ok, report.summary()


def test_an_expired_suppression_fails_the_gate():
    report = evaluate(scan(outcome()), ledger(ENTRY.format(expires="2026-01-14")), today=TODAY)
    assert not report.ok
    assert [o.check_id for o in report.unsuppressed] == ["CKV_AWS_2"]
    assert any("expired" in p for p in report.problems)


@pytest.mark.parametrize("field, value, message", [
    ("reason", "TODO", "does not explain"),
    ("reason", "short", "does not explain"),
    ("owner", "", "missing"),
    ("expires", "someday", "not a date"),
    ("check", "AWS_2", "not a checkov check id"),
    ("resource", "listener", "not a resource address"),
])
def test_an_unexplained_or_malformed_suppression_is_a_problem(field, value, message):
    entry = {"check": "CKV_AWS_2", "resource": "aws_lb_listener.tfserving", "owner": "platform-team",
             "reason": "The article serves plain HTTP on port 9000 by design.", "expires": "2027-06-30"}
    entry[field] = value
    text = "suppressions:\n  - " + "\n    ".join(f"{k}: {v!r}" for k, v in entry.items()) + "\n"
    problems = parse_ledger(text, today=TODAY).problems
    assert any(message in p for p in problems), problems


def test_unknown_fields_and_duplicates_are_problems():
    text = ENTRY.format(expires="2027-06-30")
    problems = ledger(text, text + "    approved_by: nobody\n").problems
    assert any("listed twice" in p for p in problems)
    assert any("unknown field" in p for p in problems)


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "suppressions: {}\n", "suppressions: [\n"])
def test_a_ledger_that_is_not_a_list_of_suppressions_is_refused(text):
    with pytest.raises(LedgerError):
        parse_ledger(text, today=TODAY)


def test_a_missing_ledger_file_is_refused(tmp_path):
    with pytest.raises(LedgerError, match="no suppression ledger"):
        load_ledger(tmp_path / "suppressions.yaml")


def test_an_entry_that_suppresses_nothing_is_reported_as_stale():
    report = evaluate(scan(outcome(result="PASSED")), ledger(ENTRY.format(expires="2027-06-30")), today=TODAY)
    assert any("suppresses nothing" in p for p in report.problems)


def test_a_plan_only_entry_does_not_apply_to_the_hcl_scan():
    entry = ENTRY.format(expires="2027-06-30") + "    scans: [plan]\n"
    report = evaluate(scan(outcome()), ledger(entry), today=TODAY)
    assert [o.check_id for o in report.unsuppressed] == ["CKV_AWS_2"]


def test_a_check_skipped_inline_needs_a_ledger_entry():
    report = evaluate(scan(outcome(result="SKIPPED")), ledger(), today=TODAY)
    assert not report.ok
    assert any("inline checkov:skip" in p for p in report.problems)
    listed = evaluate(scan(outcome(result="SKIPPED")), ledger(ENTRY.format(expires="2027-06-30")), today=TODAY)
    assert listed.ok, listed.summary()


def test_inline_skip_comments_are_found_with_their_resource(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_lb" "tfserving" {\n'
        '  # checkov:skip=CKV2_AWS_28:WAF later\n'
        '  name = "x"\n'
        '}\n'
        '# checkov:skip=CKV_AWS_1\n')
    skips = find_inline_skips(tmp_path)
    assert [(s.check, s.resource, s.line) for s in skips] == [("CKV2_AWS_28", "aws_lb.tfserving", 2),
                                                              ("CKV_AWS_1", "", 5)]
    report = evaluate(scan(folder=tmp_path), ledger(), inline_skips=skips, report_stale=False, today=TODAY)
    assert sum("has no ledger entry" in p for p in report.problems) == 2


def test_terraform_holds_no_inline_skip_outside_the_ledger(real_config):
    project = load_ledger()
    unlisted = [s for s in find_inline_skips(real_config.root) if project.find(s.check, s.resource, "hcl") is None]
    assert unlisted == []
