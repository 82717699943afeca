"""Refuse an apply that would land in the wrong account or cost more than the e2e budget.

    check_account(identity.account, settings.account_ids)      # AccountGuardRefused
    check_plan_costs(plan_json, CostAllowlist.load())           # CostGuardRefused
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from tfsuite.aws.settings import DEFAULT_ALLOWLIST

_RULE_KEYS = frozenset({"max", "min", "one_of"})
_CHANGING = frozenset({"create", "update"})


class GuardRefused(RuntimeError):
    """A guard refused the apply; the message gives every reason."""


class AccountGuardRefused(GuardRefused):
    pass


class CostGuardRefused(GuardRefused):
    def __init__(self, violations: Sequence[str]) -> None:
        self.violations = list(violations)
        super().__init__("cost guard refused the plan:\n  - " + "\n  - ".join(self.violations))


def check_account(account_id: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if not allowed:
        raise AccountGuardRefused("account guard: no allowed account ids given (E2E_AWS_ACCOUNT_IDS)")
    if account_id not in allowed:
        raise AccountGuardRefused(f"account guard: the credentials belong to account {account_id}, which is "
                                  f"not in E2E_AWS_ACCOUNT_IDS ({', '.join(allowed)}); refusing to apply")


@dataclass(frozen=True)
class CostAllowlist:
    max_total_resources: int
    resource_types: dict  # type -> {"max_count": int, "attributes": {attr: {max|min|one_of}}}
    forbidden: dict  # type -> reason

    @classmethod
    def load(cls, path: Path = DEFAULT_ALLOWLIST) -> CostAllowlist:
        try:
            data = yaml.safe_load(Path(path).read_text())
        except (OSError, yaml.YAMLError) as err:
            raise ValueError(f"cannot read the cost allowlist {path}: {err}") from err
        return cls.from_data(data, source=str(path))

    @classmethod
    def from_data(cls, data: object, source: str = "cost allowlist") -> CostAllowlist:
        if not isinstance(data, dict):
            raise ValueError(f"{source}: expected a mapping at the top level")
        total = data.get("max_total_resources")
        if not isinstance(total, int) or isinstance(total, bool) or total < 1:
            raise ValueError(f"{source}: max_total_resources must be a positive integer, got {total!r}")
        types = data.get("resource_types") or {}
        forbidden = data.get("forbidden") or {}
        if not isinstance(types, dict) or not isinstance(forbidden, dict):
            raise ValueError(f"{source}: resource_types and forbidden must be mappings")
        for type_name, spec in types.items():
            _check_type_spec(source, type_name, spec)
        both = sorted(set(types) & set(forbidden))
        if both:
            raise ValueError(f"{source}: {both} listed both as allowed and forbidden")
        return cls(max_total_resources=total, resource_types=types, forbidden=forbidden)


def _check_type_spec(source: str, type_name: str, spec: object) -> None:
    where = f"{source}: resource_types.{type_name}"
    if not isinstance(spec, dict):
        raise ValueError(f"{where} must be a mapping with max_count")
    count = spec.get("max_count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValueError(f"{where}.max_count must be a non-negative integer, got {count!r}")
    for attr, rule in (spec.get("attributes") or {}).items():
        if not isinstance(rule, dict) or not rule or set(rule) - _RULE_KEYS:
            raise ValueError(f"{where}.attributes.{attr} must use only {sorted(_RULE_KEYS)}, got {rule!r}")


def planned_changes(plan: dict) -> list[dict]:
    """The managed resources a plan creates or updates (reads, deletes and no-ops cost nothing new)."""
    if not isinstance(plan, dict) or ("resource_changes" not in plan and "format_version" not in plan):
        raise ValueError("not a plan JSON document (terraform show -json <planfile>)")
    return [rc for rc in plan.get("resource_changes", [])
            if rc.get("mode") == "managed" and _CHANGING & set(rc.get("change", {}).get("actions", []))]


def cost_violations(plan: dict, allowlist: CostAllowlist) -> list[str]:
    changes = planned_changes(plan)
    violations = []
    if len(changes) > allowlist.max_total_resources:
        violations.append(f"the plan creates or changes {len(changes)} resources, more than "
                          f"max_total_resources={allowlist.max_total_resources}")
    counts = Counter(rc["type"] for rc in changes)
    for type_name, count in sorted(counts.items()):
        if type_name in allowlist.forbidden:
            violations.append(f"{type_name} is forbidden: {allowlist.forbidden[type_name]}")
        elif type_name not in allowlist.resource_types:
            violations.append(f"{type_name} is not in the cost allowlist "
                              "(add it with a max_count if it is meant)")
        elif count > allowlist.resource_types[type_name]["max_count"]:
            violations.append(f"{count} x {type_name}, more than max_count="
                              f"{allowlist.resource_types[type_name]['max_count']}")
    for rc in changes:
        rules = (allowlist.resource_types.get(rc["type"]) or {}).get("attributes") or {}
        for attr, rule in rules.items():
            violations.extend(_attribute_violations(rc, attr, rule))
    return violations


def check_plan_costs(plan: dict, allowlist: CostAllowlist | None = None) -> None:
    violations = cost_violations(plan, allowlist or CostAllowlist.load())
    if violations:
        raise CostGuardRefused(violations)


def _attribute_violations(rc: dict, attr: str, rule: dict) -> list[str]:
    change = rc["change"]
    where = f"{rc['address']}.{attr}"
    if (change.get("after_unknown") or {}).get(attr) is True:
        return [f"{where} is unknown until apply, so its limit {rule} cannot be checked"]
    value = (change.get("after") or {}).get(attr)
    if value is None:
        return [f"{where} is not set, so its limit {rule} cannot be checked"]
    problems = []
    if "one_of" in rule and value not in rule["one_of"]:
        problems.append(f"{where} = {value!r}, not one of {rule['one_of']}")
    for bound, too_far in (("max", lambda v, b: v > b), ("min", lambda v, b: v < b)):
        if bound in rule:
            number = _number(value)
            if number is None:
                problems.append(f"{where} = {value!r} is not a number (limit {bound} {rule[bound]})")
            elif too_far(number, rule[bound]):
                problems.append(f"{where} = {value!r}, limit {bound} {rule[bound]}")
    return problems


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)  # type: ignore[arg-type]  # task cpu/memory are strings in the plan
    except (TypeError, ValueError):
        return None
