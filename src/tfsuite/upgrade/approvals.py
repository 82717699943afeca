"""The upgrade approvals file (policies/upgrade-approvals.yaml): each accepted delete or replace.

    approvals:
      - address: aws_cloudwatch_log_group.tfserving   # without [index] it covers every instance
        reason: The log group moves to the /ecs/<prefix>/serving naming; old logs are exported first.
        owner: platform-team
        expires: 2027-01-31          # after this date the entry approves nothing and fails the gate
        actions: [replace]           # optional, default [delete, replace]

Read by the suppression ledger's rules (tfsuite.policy.ledger): every entry names address, reason,
owner and expiry; anything malformed, unexplained, expired, listed twice or unused (it approved
nothing in this run's plans) is a problem that fails the gate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from tfsuite.paths import POLICIES_DIR
from tfsuite.policy.ledger import (
    LedgerError,
    address_covers,
    check_address,
    check_expiry,
    check_fields,
    check_reason,
    problem_if_expired,
    read_entries,
)
from tfsuite.upgrade.classify import DESTRUCTIVE, Change

APPROVALS = POLICIES_DIR / "upgrade-approvals.yaml"
REQUIRED = ("address", "reason", "owner", "expires")


class ApprovalsError(LedgerError):
    """The approvals file is missing or is not a list of approvals at all."""


@dataclass(frozen=True)
class Approval:
    address: str
    reason: str
    owner: str
    expires: dt.date
    actions: tuple[str, ...] = DESTRUCTIVE

    def covers(self, change: Change) -> bool:
        return change.kind in self.actions and address_covers(self.address, change.address)

    def expired(self, today: dt.date) -> bool:
        return self.expires < today

    def __str__(self) -> str:
        return f"{'/'.join(self.actions)} of {self.address} (owner {self.owner}, expires {self.expires})"


@dataclass
class Approvals:
    entries: list[Approval]
    problems: list[str]
    source: str = ""

    def find(self, change: Change, today: dt.date) -> Approval | None:
        """The entry that approves this change today (expired entries approve nothing)."""
        return next((a for a in self.entries if a.covers(change) and not a.expired(today)), None)


def _entry(raw: object, where: str, problems: list[str]) -> Approval | None:
    if not check_fields(raw, where, REQUIRED, ("actions",), problems, kind="approval"):
        return None
    address = str(raw["address"])
    where = f"{where} ({address})"
    ok = check_address(address, where, problems)
    reason, owner = str(raw["reason"]).strip(), str(raw["owner"]).strip()
    ok = check_reason(reason, where, problems, what="the approval") and ok
    expires = check_expiry(raw["expires"], where, problems)
    actions = raw.get("actions", list(DESTRUCTIVE))
    if not isinstance(actions, list) or not actions or any(a not in DESTRUCTIVE for a in actions):
        problems.append(f"{where}: actions {actions!r} must be a non-empty list of {list(DESTRUCTIVE)}")
        ok = False
    if not ok or expires is None:
        return None
    return Approval(address, reason, owner, expires, tuple(actions))


def parse_approvals(text: str, *, source: str = "<approvals>", today: dt.date | None = None) -> Approvals:
    today = today or dt.date.today()
    try:
        raw_entries, problems = read_entries(text, "approvals", source)
    except LedgerError as exc:
        raise ApprovalsError(str(exc)) from None
    entries: list[Approval] = []
    for index, raw in enumerate(raw_entries):
        entry = _entry(raw, f"{source} entry {index + 1}", problems)
        if entry is None:
            continue
        if any(e.address == entry.address and set(e.actions) & set(entry.actions) for e in entries):
            problems.append(f"{source}: {entry.address} is approved twice")
        expired = problem_if_expired(entry, today, f"{source}: approval",
                                     "the change it allowed is no longer approved; renew it with a new "
                                     "reason or avoid the delete/replace")
        if expired:
            problems.append(expired)
        entries.append(entry)
    return Approvals(entries, problems, source)


def load_approvals(path: Path = APPROVALS, *, today: dt.date | None = None) -> Approvals:
    path = Path(path)
    if not path.is_file():
        raise ApprovalsError(f"no approvals file at {path} (an empty one is `approvals: []`)")
    return parse_approvals(path.read_text(encoding="utf-8"), source=path.name, today=today)


@dataclass
class Judgement:
    """One plan's destructive changes: those an approval allows and those that fail the gate."""

    blocked: list[Change] = field(default_factory=list)
    approved: list[tuple[Change, Approval]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.blocked


def judge(changes: list[Change], approvals: Approvals, today: dt.date | None = None) -> Judgement:
    today = today or dt.date.today()
    judgement = Judgement()
    for change in changes:
        if not change.destructive:
            continue
        approval = approvals.find(change, today)
        if approval is None:
            judgement.blocked.append(change)
        else:
            judgement.approved.append((change, approval))
    return judgement


def unused(approvals: Approvals, judgements: list[Judgement]) -> list[str]:
    """Problems for entries that approved nothing in any of the judged plans (remove them)."""
    used = {id(a) for j in judgements for _, a in j.approved}
    return [f"{approvals.source}: approval {a} approved nothing in this run's plans: remove it"
            for a in approvals.entries if id(a) not in used]
