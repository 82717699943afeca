"""Find and destroy suite-tagged resources older than N hours (leaks of runs that died mid-way).

    python -m tfsuite.janitor --older-than-hours 6 [--dry-run] [--region eu-west-1]
                                  [--endpoint-url http://127.0.0.1:5000] [--run-id e2e-1a2b3c4d]
                                  [--account 123456789012]

Resources carry tfsuite:managed=true and tfsuite:created-at (see tfsuite.aws.tagging); the
janitor deletes them in dependency order (tfsuite.janitor.deleters.DELETERS), retrying each deletion
while AWS reports a dependency. Resources without a readable created-at are listed, never touched.
On AWS it sweeps only an account that E2E_AWS_ACCOUNT_IDS lists or that --account names (the
credentials must belong to it); with neither it refuses before any call.
Exit code 0 when everything selected is gone (or listed, with --dry-run), 1 when a deletion
failed, 2 for bad arguments, credentials or account.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tfsuite.aws.clients import AwsTarget
from tfsuite.aws.credentials import CredentialsProblem, caller_identity
from tfsuite.aws.settings import SettingsError, parse_account_ids, region_from_env
from tfsuite.aws.tagging import check_run_id
from tfsuite.janitor.deleters import DELETERS, Clients, delete_with_retries
from tfsuite.janitor.inventory import Found, discover

DEFAULT_RETRY_SECONDS = 900.0  # ENIs of a deleted ALB or Fargate task can hold a subnet for minutes
STATUSES = ("deleted", "already gone", "would delete", "kept", "spared", "failed")


@dataclass(frozen=True)
class Outcome:
    found: Found
    status: str  # deleted | already gone | would delete | failed | kept | spared
    detail: str = ""


@dataclass
class JanitorReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def with_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    def render(self) -> str:
        if not self.outcomes:
            return "no suite-tagged resources found"
        width = max(len(o.found.describe()) for o in self.outcomes)
        lines = []
        for o in self.outcomes:
            owner = o.found.owner
            created = owner.created_at.isoformat() if owner.created_at else "?"
            detail = f" - {o.detail}" if o.detail else ""
            lines.append(f"{o.status:<13} {o.found.describe():<{width}}  "
                         f"(run {owner.run_id or '?'}, created {created}){detail}")
        return "\n".join(lines)


def expiry_problem(item: Found, cutoff: datetime) -> str | None:
    """Why the janitor must keep this resource, or None when it is old enough to delete."""
    created = item.owner.created_at
    if created is None:
        return f"{item.owner.problem}: not touched (delete it by hand if it is a leak)"
    if created > cutoff:
        return f"younger than the cutoff {cutoff.isoformat()}"
    return None


def sweep(target: AwsTarget, *, older_than_hours: float, dry_run: bool = False, run_id: str | None = None,
          run_created_at: datetime | None = None, retry_seconds: float = DEFAULT_RETRY_SECONDS,
          now: datetime | None = None, log: Callable[[str], None] = lambda line: None,
          spare: Collection[str] = ()) -> JanitorReport:
    """Delete the suite's resources (of `run_id` only, when given) created before the cutoff.

    `spare`: identifiers (ids, ARNs, names) of resources someone else deletes, e.g. every value a
    Terraform state holds; a resource whose identifier is listed is reported "spared", not touched.
    """
    if isinstance(older_than_hours, bool) or not isinstance(older_than_hours, int | float) \
            or not older_than_hours >= 0:
        raise ValueError(f"older_than_hours must be a number >= 0, got {older_than_hours!r}")
    if run_id is not None:
        check_run_id(run_id)
    cutoff = (now or datetime.now(UTC)) - timedelta(hours=older_than_hours)
    clients = Clients(target)
    report = JanitorReport()
    found = discover(clients, run_id=run_id, run_created_at=run_created_at)
    log(f"[janitor] {len(found)} suite resource(s) in {target.endpoint_url or target.region}; "
        f"deleting those created before {cutoff.isoformat()}{' (dry run)' if dry_run else ''}")
    doomed = []
    spare = frozenset(spare)
    for item in found:
        problem = expiry_problem(item, cutoff)
        if item.names() & spare:
            report.outcomes.append(Outcome(item, "spared", "held by the Terraform state"))
            log(f"[janitor] spared {item.describe()}: held by the Terraform state")
        elif problem:
            report.outcomes.append(Outcome(item, "kept", problem))
        else:
            doomed.append(item)
    for deleter in DELETERS:
        for item in (i for i in doomed if i.kind == deleter.kind):
            if dry_run:
                report.outcomes.append(Outcome(item, "would delete"))
                continue
            started = time.monotonic()
            try:
                deleted = delete_with_retries(deleter, clients, item.ident, retry_seconds=retry_seconds)
            except Exception as err:  # one stuck resource must not stop the others
                report.outcomes.append(Outcome(item, "failed", f"{type(err).__name__}: {err}"))
                log(f"[janitor] FAILED {item.describe()}: {err}")
                continue
            status = "deleted" if deleted else "already gone"
            report.outcomes.append(Outcome(item, status, f"{time.monotonic() - started:.1f}s"))
            log(f"[janitor] {status} {item.describe()}")
    return report


def _number(unit: str, rule: str, ok: Callable[[float], bool]) -> Callable[[str], float]:
    """An argparse type: a number of `unit` for which ok(value) holds, else an error naming `rule`."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of {unit}") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"{text!r}: {rule}")
        return value
    return parse


_hours = _number("hours", "the age must be 0 hours or more", lambda value: value >= 0)  # NaN fails too
_seconds = _number("seconds", "give a positive number of seconds", lambda value: value > 0)


def _run_id(text: str) -> str:
    try:
        return check_run_id(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _endpoint(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"{text!r} must start with http:// or https://")
    return text


def _account(text: str) -> str:
    if not (len(text) == 12 and text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not an AWS account id (exactly 12 digits)")
    return text


def allowed_accounts(allowlist: str | None, named: str | None) -> tuple[str, ...]:
    """The accounts this sweep may touch: E2E_AWS_ACCOUNT_IDS, narrowed to --account when both are
    given. Neither: refused, so that credentials pointing at the wrong account sweep nothing."""
    listed = parse_account_ids(allowlist) if allowlist and allowlist.strip() else None
    if listed is None and named is None:
        raise SettingsError("no account allowlist: set E2E_AWS_ACCOUNT_IDS to the account ids the janitor may "
                            "sweep, or name the account explicitly with --account <12 digits> "
                            "(make janitor ACCOUNT=<12 digits>)")
    if listed is not None and named is not None and named not in listed:
        raise SettingsError(f"--account {named} is not in E2E_AWS_ACCOUNT_IDS ({', '.join(listed)})")
    return (named,) if named is not None else listed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tfsuite.janitor",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--older-than-hours", type=_hours, required=True,
                        help="delete resources whose tfsuite:created-at is at least this old (0: all)")
    parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")
    parser.add_argument("--region", help="AWS region (default: E2E_AWS_REGION, AWS_REGION, "
                                         "AWS_DEFAULT_REGION, eu-west-1)")
    parser.add_argument("--endpoint-url", type=_endpoint, help="an emulator's endpoint instead of AWS")
    parser.add_argument("--run-id", type=_run_id, help="only the resources of this run (tfsuite:run-id)")
    parser.add_argument("--account", type=_account,
                        help="the AWS account to sweep; required on AWS unless E2E_AWS_ACCOUNT_IDS lists it")
    parser.add_argument("--retry-seconds", type=_seconds, default=DEFAULT_RETRY_SECONDS,
                        help="how long each deletion is retried while something still depends on it")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        region = args.region or region_from_env()
        target = AwsTarget(region=region, endpoint_url=args.endpoint_url)
        allowed = None if target.is_emulator else allowed_accounts(os.environ.get("E2E_AWS_ACCOUNT_IDS"),
                                                                   args.account)
        identity = caller_identity(target)
        if allowed is not None and identity.account not in allowed:
            raise SettingsError(f"the credentials belong to account {identity.account}, not to "
                                f"{', '.join(allowed)} (E2E_AWS_ACCOUNT_IDS / --account): refusing to sweep")
    except (SettingsError, CredentialsProblem, ValueError) as err:
        print(f"janitor: {err}", file=sys.stderr)
        return 2
    print(f"[janitor] account {identity.account} ({identity.arn}), region {region}", flush=True)
    started = time.monotonic()
    report = sweep(target, older_than_hours=args.older_than_hours, dry_run=args.dry_run, run_id=args.run_id,
                   retry_seconds=args.retry_seconds, log=lambda line: print(line, flush=True))
    print(report.render())
    counts = {s: len(report.with_status(s)) for s in STATUSES}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "nothing to do"
    print(f"[janitor] done in {time.monotonic() - started:.0f}s: {summary}", flush=True)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
