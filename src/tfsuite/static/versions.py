"""Terraform version constraints ("~> 6.47.0", ">= 1.6.0, < 2.0.0") checked against a version."""

from __future__ import annotations

import re

_PART = re.compile(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+){0,2})\s*$")


def _tuple(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))  # type: ignore[return-value]


def allows(constraint: str, version: str) -> bool:
    """Does the constraint admit the version? Raises ValueError on a constraint it cannot read."""
    if not isinstance(constraint, str) or not constraint.strip():
        raise ValueError(f"empty version constraint {constraint!r}")
    have = _tuple(version)
    for raw in constraint.split(","):
        match = _PART.match(raw)
        if not match:
            raise ValueError(f"cannot read version constraint {raw.strip()!r} in {constraint!r}")
        op, text = match.group(1) or "=", match.group(2)
        want = _tuple(text)
        if op == "~>":
            fixed = len(text.split(".")) - 1  # ~> 6.47.0 fixes 6.47; ~> 6.47 fixes 6
            ok = have >= want and have[:max(fixed, 1)] == want[:max(fixed, 1)]
        else:
            ok = {"=": have == want, "!=": have != want, ">": have > want, ">=": have >= want,
                  "<": have < want, "<=": have <= want}[op]
        if not ok:
            return False
    return True
