"""Who made a resource: the run id, name prefix and tags every e2e run puts on what it creates.

The suite passes these through the root module's ordinary `tags` input (the deployment itself
knows no tfsuite:* tag); every run's workspace adds "tfsuite:name-prefix" there
(tfsuite.aws.tagging.run_tags). The janitor finds leaked resources by these tags.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

TAG_RUN_ID = "tfsuite:run-id"
TAG_CREATED_AT = "tfsuite:created-at"
TAG_MANAGED = "tfsuite:managed"
TAG_NAME_PREFIX = "tfsuite:name-prefix"  # added by every run's workspace (tfsuite.aws.tagging.run_tags)

# name_prefix must satisfy the module's validation: 3-20 chars, lowercase letters, digits and
# hyphens, starting with a letter. "e2e" + 8 hex digits keeps ALB/target group names short.
NAME_PREFIX_STEM = "e2e"
_RUN_ID = re.compile(r"^[a-z][a-z0-9-]{2,19}$")


@dataclass(frozen=True)
class RunIdentity:
    run_id: str
    created_at: datetime

    def __post_init__(self) -> None:
        check_run_id(self.run_id)
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware (UTC)")

    @classmethod
    def new(cls, run_id: str | None = None, now: datetime | None = None) -> RunIdentity:
        run_id = run_id or f"{NAME_PREFIX_STEM}-{secrets.token_hex(4)}"
        return cls(run_id=run_id, created_at=(now or datetime.now(UTC)).replace(microsecond=0))

    @property
    def name_prefix(self) -> str:
        return self.run_id

    @property
    def created_at_text(self) -> str:
        return format_created_at(self.created_at)

    def tags(self) -> dict[str, str]:
        """var.tags for the root module."""
        return {TAG_RUN_ID: self.run_id, TAG_CREATED_AT: self.created_at_text, TAG_MANAGED: "true"}


def check_run_id(run_id: str) -> str:
    if not isinstance(run_id, str) or not _RUN_ID.match(run_id):
        raise ValueError(f"run id {run_id!r} must be 3-20 characters of lowercase letters, digits and '-', "
                         "starting with a letter (it is also the module's name_prefix)")
    return run_id


def format_created_at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_created_at(text: str) -> datetime:
    """The tfsuite:created-at value as an aware UTC datetime; ValueError when it is not ISO-8601."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment.astimezone(UTC)


# --- the `tags` input of every run (emulator or AWS) ------------------------------------------

def run_tags(name_prefix: str, var_files: Iterable[Path] = (), explicit: Mapping | None = None) -> dict[str, str]:
    """The var files' own tags (a later -var-file replaces a map whole, so they are carried
    over), then the explicit ones, then the run's name-prefix tag."""
    tags: dict[str, str] = {}
    for var_file in var_files:
        tags.update(file_tags(Path(var_file)))
    tags.update({str(k): str(v) for k, v in (explicit or {}).items()})
    tags[TAG_NAME_PREFIX] = name_prefix
    return tags


def file_tags(var_file: Path) -> dict[str, str]:
    """The `tags` map of a .tfvars or .tfvars.json file ({} when it sets none)."""
    if var_file.name.endswith(".json"):
        tags = json.loads(var_file.read_text()).get("tags") or {}
    else:
        from tfsuite.static.hcl import parse_file

        tags = parse_file(var_file).get("tags") or {}
    if not isinstance(tags, dict):
        raise ValueError(f"{var_file}: tags must be a map of strings, found {tags!r}")
    return {str(k): str(v) for k, v in tags.items()}
