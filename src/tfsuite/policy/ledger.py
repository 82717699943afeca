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
        if check_id != self.check:
            return False
        return address == self.resource or (
            "[" not in self.resource.rsplit(".", 1)[-1] and address.startswith(self.resource + "["))

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


def _entry(raw: object, where: str, problems: list[str]) -> Suppression | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: not a mapping")
        return None
    unknown = sorted(set(raw) - set(REQUIRED) - {"scans"})
    if unknown:
        problems.append(f"{where}: unknown field(s) {unknown}")
    missing = [key for key in REQUIRED if raw.get(key) in (None, "")]
    if missing:
        problems.append(f"{where}: missing {missing} (every suppression names check, resource, "
                        "reason, owner and expiry)")
        return None
    check, resource = str(raw["check"]), str(raw["resource"])
    reason, owner, expires = str(raw["reason"]).strip(), str(raw["owner"]).strip(), raw["expires"]
    where = f"{where} ({check} on {resource})"
    ok = True
    if not CHECK_ID.match(check):
        problems.append(f"{where}: check {check!r} is not a checkov check id such as CKV_AWS_2")
        ok = False
    if not ADDRESS.match(resource):
        problems.append(f"{where}: resource {resource!r} is not a resource address such as aws_lb.tfserving")
        ok = False
    if len(reason) < MIN_REASON or PLACEHOLDERS.match(reason):
        problems.append(f"{where}: reason {reason!r} does not explain the suppression "
                        f"(at least {MIN_REASON} characters saying why)")
        ok = False
    if isinstance(expires, dt.datetime) or not isinstance(expires, dt.date):
        try:
            expires = dt.date.fromisoformat(str(expires))
        except ValueError:
            problems.append(f"{where}: expires {raw['expires']!r} is not a date (YYYY-MM-DD)")
            ok = False
    scans = raw.get("scans", list(SCANS))
    if not isinstance(scans, list) or not scans or any(s not in SCANS for s in scans):
        problems.append(f"{where}: scans {scans!r} must be a non-empty list of {list(SCANS)}")
        ok = False
    return Suppression(check, resource, reason, owner, expires, tuple(scans)) if ok else None


def parse_ledger(text: str, *, source: str = "<ledger>", today: dt.date | None = None) -> Ledger:
    today = today or dt.date.today()
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise LedgerError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("suppressions", None), list):
        raise LedgerError(f"{source}: expected a mapping with a 'suppressions' list")
    problems: list[str] = []
    unknown = sorted(set(data) - {"suppressions"})
    if unknown:
        problems.append(f"{source}: unknown top-level key(s) {unknown}")
    entries: list[Suppression] = []
    for index, raw in enumerate(data["suppressions"]):
        entry = _entry(raw, f"{source} entry {index + 1}", problems)
        if entry is None:
            continue
        if any(e.check == entry.check and e.resource == entry.resource for e in entries):
            problems.append(f"{source}: {entry.check} on {entry.resource} is listed twice")
        if entry.expired(today):
            problems.append(f"{source}: suppression {entry} has expired: fix the finding or renew "
                            "the entry with a new reason")
        entries.append(entry)
    return Ledger(entries, problems, source)


def load_ledger(path: Path = LEDGER, *, today: dt.date | None = None) -> Ledger:
    path = Path(path)
    if not path.is_file():
        raise LedgerError(f"no suppression ledger at {path}")
    return parse_ledger(path.read_text(encoding="utf-8"), source=path.name, today=today)
