"""The approvals file follows the suppression ledger's rules: owned, explained, expiring, used."""

from __future__ import annotations

import datetime as dt

import pytest

from tfsuite.upgrade.approvals import ApprovalsError, judge, load_approvals, parse_approvals, unused
from tfsuite.upgrade.classify import Change

TODAY = dt.date(2026, 6, 1)
REPLACED = Change("aws_cloudwatch_log_group.tfserving", "replace", cause="forced by name")
DELETED = Change("aws_subnet.public[2]", "delete", cause="its count index is out of range now")


def approvals(*entries: str, today=TODAY):
    return parse_approvals("approvals:\n" + "".join(entries) if entries else "approvals: []\n", today=today)


def entry(address="aws_cloudwatch_log_group.tfserving", expires="2026-12-31", extra="") -> str:
    return (f"  - address: {address}\n"
            "    reason: The log group moves to the new naming; its old logs were exported first.\n"
            "    owner: platform-team\n"
            f"    expires: {expires}\n{extra}")


def test_an_approved_replacement_passes_and_an_unlisted_delete_does_not():
    listed = approvals(entry())
    judgement = judge([REPLACED, DELETED, Change("aws_vpc.main", "create")], listed, TODAY)
    assert [c for c, _ in judgement.approved] == [REPLACED]
    assert judgement.blocked == [DELETED] and not judgement.ok
    assert listed.problems == []


def test_an_expired_approval_approves_nothing_and_is_a_problem():
    listed = approvals(entry(expires="2026-05-31"))
    assert judge([REPLACED], listed, TODAY).blocked == [REPLACED]
    assert any("has expired" in p for p in listed.problems)


def test_an_approval_that_approves_nothing_is_reported_unused():
    listed = approvals(entry(), entry(address="aws_lb.tfserving"))
    problems = unused(listed, [judge([REPLACED], listed, TODAY)])
    assert len(problems) == 1 and "aws_lb.tfserving" in problems[0] and "approved nothing" in problems[0]


def test_an_address_without_index_covers_every_instance_and_actions_limit_it():
    listed = approvals(entry(address="aws_subnet.public", extra="    actions: [replace]\n"))
    assert judge([DELETED], listed, TODAY).blocked == [DELETED]
    wide = approvals(entry(address="aws_subnet.public"))
    assert judge([DELETED], wide, TODAY).ok


@pytest.mark.parametrize("text, message", [
    ("  - address: aws_lb.tfserving\n    reason: TODO\n    owner: me\n    expires: 2026-12-31\n", "does not explain"),
    ("  - address: aws_lb.tfserving\n    reason: The ALB is rebuilt internal-only, clients moved.\n"
     "    expires: 2026-12-31\n", "missing ['owner']"),
    (entry(expires="someday"), "not a date"),
    (entry(address="the log group"), "not a resource address"),
    (entry(extra="    actions: [create]\n"), "actions"),
    (entry(extra="    approved_by: nobody\n"), "unknown field"),
    (entry() + entry(), "approved twice"),
])
def test_a_malformed_or_unexplained_approval_is_a_problem(text, message):
    problems = parse_approvals("approvals:\n" + text, today=TODAY).problems
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize("text", ["", "- a\n", "approvals: {}\n", "approvals: [\n"])
def test_a_file_that_is_not_a_list_of_approvals_is_refused(text):
    with pytest.raises(ApprovalsError):
        parse_approvals(text, today=TODAY)


def test_a_missing_file_is_refused_and_the_project_file_is_valid(tmp_path):
    with pytest.raises(ApprovalsError, match="no approvals file"):
        load_approvals(tmp_path / "upgrade-approvals.yaml")
    assert load_approvals().problems == []
