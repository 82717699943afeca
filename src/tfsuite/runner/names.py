"""Unique name prefixes, so parallel runs (pytest-xdist workers, CI jobs) never share a name."""

from __future__ import annotations

import os
import re
import secrets
import string

# Same rule as the name_prefix variable: 3-20 chars, lowercase letters, digits, hyphens, a letter first.
NAME_PREFIX_RULE = re.compile(r"^[a-z][a-z0-9-]{2,19}$")
_ALPHABET = string.ascii_lowercase + string.digits


def worker_suffix(worker: str | None = None) -> str:
    """`gw3` -> `w3`; empty outside pytest-xdist."""
    worker = worker if worker is not None else os.environ.get("PYTEST_XDIST_WORKER", "")
    digits = re.sub(r"\D", "", worker)
    return f"w{digits}" if digits else ""


def unique_name_prefix(worker: str | None = None, lead: str = "t") -> str:
    """`t` + 6 random characters + the xdist worker, e.g. `tq3k9zfw1`."""
    if not re.fullmatch(r"[a-z][a-z0-9]{0,5}", lead):
        raise ValueError(f"lead must be 1-6 lowercase letters/digits starting with a letter, not {lead!r}")
    prefix = lead + "".join(secrets.choice(_ALPHABET) for _ in range(6)) + worker_suffix(worker)
    if not NAME_PREFIX_RULE.fullmatch(prefix):
        raise ValueError(f"cannot make a valid name_prefix from lead {lead!r} and worker {worker!r}: "
                         f"{prefix!r}")
    return prefix
