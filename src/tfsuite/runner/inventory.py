"""Plan expectations as data (Cloud Foundation Fabric style YAML inventories).

An inventory names the profile to plan and lists only the values that matter:

    description: the article set-up
    tfvars: [examples/article.tfvars]        # relative to terraform/
    vars: {autoscaling_enabled: true}         # optional extra variables (name_prefix is per run)
    values:                                   # resource address -> expected subset of planned values
      aws_lb_listener.tfserving: {port: 9000, protocol: HTTP}
      aws_lb_target_group.tfserving:
        port: 8501
        health_check: [{path: /v1/models/empty_model/metadata}]
    counts:                                   # resource (address without index) -> instances
      aws_subnet.public: 2
    total: 31                                 # optional: number of planned resource instances

Strings may contain `{name_prefix}` and `{repo}` (the checkout root), replaced per run.
Matching is a subset match: dicts match key by key, lists item by item with equal length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tfsuite.paths import REPO_ROOT
from tfsuite.runner.plan import Plan

_KEYS = {"description", "tfvars", "vars", "values", "counts", "total"}


class InventoryError(ValueError):
    """An inventory file is malformed: the message names the file and the problem."""


@dataclass(frozen=True)
class Inventory:
    name: str
    path: Path
    description: str
    tfvars: tuple[str, ...]
    vars: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    total: int | None = None

    @classmethod
    def load(cls, path: Path) -> Inventory:
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text())
        except yaml.YAMLError as exc:
            raise InventoryError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise InventoryError(f"{path}: expected a mapping at the top level")
        unknown = set(data) - _KEYS
        if unknown:
            raise InventoryError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; "
                                 f"allowed: {', '.join(sorted(_KEYS))}")
        tfvars = data.get("tfvars") or []
        if isinstance(tfvars, str):
            tfvars = [tfvars]
        for key, kind in (("vars", dict), ("values", dict), ("counts", dict)):
            if not isinstance(data.get(key) or {}, kind):
                raise InventoryError(f"{path}: '{key}' must be a mapping")
        for address, expected in (data.get("values") or {}).items():
            if not isinstance(expected, dict):
                raise InventoryError(f"{path}: values of {address} must be a mapping of attributes")
        for address, count in (data.get("counts") or {}).items():
            if not isinstance(count, int) or count < 0:
                raise InventoryError(f"{path}: count of {address} must be a non-negative integer")
        total = data.get("total")
        if total is not None and (not isinstance(total, int) or total < 0):
            raise InventoryError(f"{path}: 'total' must be a non-negative integer")
        return cls(path.stem, path, str(data.get("description", "")), tuple(tfvars), data.get("vars") or {},
                   data.get("values") or {}, data.get("counts") or {}, total)

    def resolved_vars(self) -> dict:
        return _substitute(self.vars, {"{repo}": str(REPO_ROOT)})

    def expected_values(self, name_prefix: str) -> dict:
        return _substitute(self.values, {"{name_prefix}": name_prefix, "{repo}": str(REPO_ROOT)})


def load_inventories(directory: Path) -> list[Inventory]:
    return [Inventory.load(p) for p in sorted(Path(directory).glob("*.yaml"))]


def value_mismatches(expected, actual, where: str = "") -> list[str]:
    """Where `actual` differs from the subset `expected`, one line per difference ([] if none)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where or '.'}: expected a mapping, plan has {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing from the plan (unknown until apply, or not set)")
            else:
                problems += value_mismatches(value, actual[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected a list, plan has {actual!r}"]
        if len(expected) != len(actual):
            return [f"{where}: expected {len(expected)} item(s), plan has {len(actual)}: {actual!r}"]
        problems = []
        for index, (item, got) in enumerate(zip(expected, actual, strict=True)):
            problems += value_mismatches(item, got, f"{where}[{index}]")
        return problems
    if expected != actual:
        return [f"{where}: expected {expected!r}, plan has {actual!r}"]
    return []


def check_values(inventory: Inventory, plan: Plan, name_prefix: str) -> list[str]:
    problems = []
    resources = plan.resources()
    for address, expected in inventory.expected_values(name_prefix).items():
        if address not in resources:
            problems.append(f"{address}: not in the plan")
            continue
        actual = resources[address].get("values", {})
        problems += [f"{address}{p}" for p in value_mismatches(expected, actual)]
    return problems


def check_counts(inventory: Inventory, plan: Plan) -> list[str]:
    counts = plan.counts()
    problems = [f"{address}: expected {n} instance(s), plan has {counts.get(address, 0)}"
                for address, n in inventory.counts.items() if counts.get(address, 0) != n]
    planned = sum(counts.values())
    if inventory.total is not None and planned != inventory.total:
        problems.append(f"expected {inventory.total} resource instances in total, plan has {planned}")
    return problems


def _substitute(value, replacements: dict[str, str]):
    if isinstance(value, str):
        for token, replacement in replacements.items():
            value = value.replace(token, replacement)
        return value
    if isinstance(value, dict):
        return {k: _substitute(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, replacements) for v in value]
    return value
