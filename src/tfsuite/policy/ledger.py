"""The suppression ledger (policies/suppressions.yaml): each accepted checkov failure, per resource.

    suppressions:
      - check: CKV_AWS_2                      # checkov check id
        resource: aws_lb_listener.tfserving   # address; without [index] it covers every instance
        reason: The article serves plain HTTP on port 9000; TLS needs a certificate and a domain.
        owner: platform-team
        expires: 2027-06-30                   # after this date the entry no longer suppresses
        scans: [hcl, plan]                    # optional, default both

An entry suppresses one check on one resource; nothing here is ever turned into a blanket
`--skip-check`. Anything malformed, unexplained or expired is a problem that fails the gate.

The reading of a list of owned, expiring entries (read_entries, check_fields, check_reason,
check_expiry, problem_if_expired) is shared with the upgrade gate's approvals file
(tfsuite.upgrade.approvals), so both files follow the same rules.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from tfsuite.paths import POLICIES_DIR

LEDGER = POLICIES_DIR / "suppressions.yaml"
SCANS = ("hcl", "plan")
REQUIRED = ("check", "resource", "reason", "owner", "expires")
MIN_REASON = 20
PLACEHOLDERS = re.compile(r"^\s*(todo|tbd|fixme|n/?a|none|false positive|-+|\.+|x+)\s*\.?\s*$", re.I)
CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
ADDRESS = re.compile(r'^(module\.[A-Za-z0-9_-]+(\[[^\]]+\])?\.)*(data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+(\[[^\]]+\])?$')


def address_covers(listed: str, address: str) -> bool:
    """An address listed without [index] covers every instance of that resource."""
    return address == listed or ("[" not in listed.rsplit(".", 1)[-1] and address.startswith(listed + "["))


class LedgerError(ValueError):
    """The ledger file is missing or is not a list of suppressions at all."""


@dataclass(frozen=True)
class Suppression:
    check: str
    resource: str
    reason: str
    owner: str
    expires: dt.date
    scans: tuple[str, ...] = SCANS

    def covers(self, check_id: str, address: str) -> bool:
        return check_id == self.check and address_covers(self.resource, address)

    def expired(self, today: dt.date) -> bool:
        return self.expires < today

    def __str__(self) -> str:
        return f"{self.check} on {self.resource} (owner {self.owner}, expires {self.expires})"


@dataclass
class Ledger:
    entries: list[Suppression]
    problems: list[str]
    source: str = ""

    def find(self, check_id: str, address: str, scan: str) -> Suppression | None:
        return next((e for e in self.entries if scan in e.scans and e.covers(check_id, address)), None)

    def expired(self, today: dt.date) -> list[Suppression]:
        return [e for e in self.entries if e.expired(today)]


def check_fields(raw: object, where: str, required: tuple[str, ...], optional: tuple[str, ...],
                 problems: list[str], kind: str = "entry") -> bool:
    """Problems of the shape of one entry: not a mapping, unknown fields, missing fields. False when
    the entry cannot be read at all (not a mapping, or a required field missing)."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: not a mapping")
        return False
    unknown = sorted(set(raw) - set(required) - set(optional))
    if unknown:
        problems.append(f"{where}: unknown field(s) {unknown}")
    missing = [key for key in required if raw.get(key) in (None, "")]
    if missing:
        problems.append(f"{where}: missing {missing} (every {kind} names {', '.join(required)})")
        return False
    return True


def check_reason(reason: str, where: str, problems: list[str], what: str = "the suppression") -> bool:
    if len(reason) < MIN_REASON or PLACEHOLDERS.match(reason):
        problems.append(f"{where}: reason {reason!r} does not explain {what} "
                        f"(at least {MIN_REASON} characters saying why)")
        return False
    return True


def check_expiry(value: object, where: str, problems: list[str]) -> dt.date | None:
    """The `expires` value as a date (YAML gives dates already; strings must be YYYY-MM-DD)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: expires {value!r} is not a date (YYYY-MM-DD)")
        return None


def check_address(address: str, where: str, problems: list[str]) -> bool:
    if not ADDRESS.match(address):
        problems.append(f"{where}: resource {address!r} is not a resource address such as aws_lb.tfserving")
        return False
    return True


def read_entries(text: str, key: str, source: str) -> tuple[list, list[str]]:
    """The list under `key` of a YAML mapping, and the problems of the mapping itself (unknown
    top-level keys). LedgerError when it is not YAML or has no such list."""
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise LedgerError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get(key, None), list):
        raise LedgerError(f"{source}: expected a mapping with a {key!r} list")
    unknown = sorted(set(data) - {key})
    return data[key], [f"{source}: unknown top-level key(s) {unknown}"] if unknown else []


def problem_if_expired(entry, today: dt.date, what: str, fix: str) -> str | None:
    """The problem an expired entry (anything with .expired(today)) is, else None."""
    return f"{what} {entry} has expired: {fix}" if entry.expired(today) else None


def _entry(raw: object, where: str, problems: list[str]) -> Suppression | None:
    if not check_fields(raw, where, REQUIRED, ("scans",), problems, kind="suppression"):
        return None
    check, resource = str(raw["check"]), str(raw["resource"])
    reason, owner = str(raw["reason"]).strip(), str(raw["owner"]).strip()
    where = f"{where} ({check} on {resource})"
    ok = True
    if not CHECK_ID.match(check):
        problems.append(f"{where}: check {check!r} is not a checkov check id such as CKV_AWS_2")
        ok = False
    ok = check_address(resource, where, problems) and ok
    ok = check_reason(reason, where, problems) and ok
    expires = check_expiry(raw["expires"], where, problems)
    scans = raw.get("scans", list(SCANS))
    if not isinstance(scans, list) or not scans or any(s not in SCANS for s in scans):
        problems.append(f"{where}: scans {scans!r} must be a non-empty list of {list(SCANS)}")
        ok = False
    if not ok or expires is None:
        return None
    return Suppression(check, resource, reason, owner, expires, tuple(scans))


def parse_ledger(text: str, *, source: str = "<ledger>", today: dt.date | None = None) -> Ledger:
    today = today or dt.date.today()
    raw_entries, problems = read_entries(text, "suppressions", source)
    entries: list[Suppression] = []
    for index, raw in enumerate(raw_entries):
        entry = _entry(raw, f"{source} entry {index + 1}", problems)
        if entry is None:
            continue
        if any(e.check == entry.check and e.resource == entry.resource for e in entries):
            problems.append(f"{source}: {entry.check} on {entry.resource} is listed twice")
        expired = problem_if_expired(entry, today, f"{source}: suppression",
                                     "fix the finding or renew the entry with a new reason")
        if expired:
            problems.append(expired)
        entries.append(entry)
    return Ledger(entries, problems, source)


def load_ledger(path: Path = LEDGER, *, today: dt.date | None = None) -> Ledger:
    path = Path(path)
    if not path.is_file():
        raise LedgerError(f"no suppression ledger at {path}")
    return parse_ledger(path.read_text(encoding="utf-8"), source=path.name, today=today)
