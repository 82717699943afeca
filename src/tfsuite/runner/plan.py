"""A plan as `terraform show -json` gives it, with the few views the suite needs."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

_INDEX = re.compile(r"\[[^\]]*\]$")


def base_address(address: str) -> str:
    """`aws_subnet.public[1]` -> `aws_subnet.public`; `x["a"]` -> `x`."""
    return _INDEX.sub("", address)


@dataclass(frozen=True)
class PendingChange:
    address: str
    actions: tuple[str, ...]
    attributes: tuple[str, ...]  # top-level attributes whose value differs

    def __str__(self) -> str:
        what = f" ({', '.join(self.attributes)})" if self.attributes else ""
        return f"{self.address}: {'/'.join(self.actions)}{what}"


class Plan:
    def __init__(self, data: dict, path: Path | None = None, plan_file: Path | None = None,
                 inputs: object = None) -> None:
        if not isinstance(data, dict) or "format_version" not in data:
            raise ValueError("not a `terraform show -json` plan document (no format_version)")
        self.data = data
        self.path = path  # the JSON document on disk, if any
        self.plan_file = plan_file  # the saved plan it was read from, if any (what apply applies)
        self.inputs = inputs  # the workspace Inputs it was made with, if any

    @classmethod
    def load(cls, path: Path) -> Plan:
        return cls(json.loads(Path(path).read_text()), Path(path))

    def variables(self) -> dict:
        """Input variable values the plan was made with."""
        return {name: v.get("value") for name, v in self.data.get("variables", {}).items()}

    # planned values -----------------------------------------------------------------------------
    def resources(self) -> dict[str, dict]:
        """Every managed resource instance in planned_values (child modules included), by address."""
        found: dict[str, dict] = {}

        def walk(module: dict) -> None:
            for resource in module.get("resources", []):
                if resource.get("mode", "managed") == "managed":
                    found[resource["address"]] = resource
            for child in module.get("child_modules", []):
                walk(child)

        walk(self.data.get("planned_values", {}).get("root_module", {}))
        return found

    def values(self, address: str) -> dict:
        """Known planned values of one resource instance (unknown-until-apply ones are absent)."""
        resources = self.resources()
        if address not in resources:
            near = sorted(a for a in resources if base_address(a) == base_address(address))
            hint = f"; instances of that resource: {', '.join(near)}" if near else ""
            raise KeyError(f"{address} is not in the plan{hint}")
        return resources[address].get("values", {})

    def counts(self) -> Counter:
        """Number of planned instances per resource (address without index)."""
        return Counter(base_address(a) for a in self.resources())

    def resource_types(self) -> set[str]:
        return {r["type"] for r in self.resources().values()}

    # changes -------------------------------------------------------------------------------------
    def pending_changes(self) -> list[PendingChange]:
        """Every resource change that is not a no-op (what a converged second plan must lack)."""
        pending = []
        for change in self.data.get("resource_changes", []):
            actions = tuple(change.get("change", {}).get("actions", []))
            if actions in (("no-op",), ("read",)):
                continue
            before = change["change"].get("before") or {}
            after = change["change"].get("after") or {}
            unknown = change["change"].get("after_unknown") or {}
            attributes = tuple(sorted(k for k in set(before) | set(after) | set(unknown)
                                      if before.get(k) != after.get(k) or unknown.get(k) is True))
            pending.append(PendingChange(change["address"], actions, attributes))
        return pending

    def output_changes(self) -> dict[str, tuple[str, ...]]:
        return {name: tuple(c.get("actions", [])) for name, c in self.data.get("output_changes", {}).items()
                if tuple(c.get("actions", [])) != ("no-op",)}

    # configuration -------------------------------------------------------------------------------
    def configured_references(self) -> dict[str, set[str]]:
        """Root-module resource address -> resource addresses it references or depends on."""
        module = self.data.get("configuration", {}).get("root_module", {})
        resources = module.get("resources", [])
        addresses = {r["address"] for r in resources if r.get("mode", "managed") == "managed"}
        graph: dict[str, set[str]] = {}
        for resource in resources:
            if resource.get("mode", "managed") != "managed":
                continue
            refs = set(resource.get("depends_on", []))
            refs |= set(_references(resource.get("expressions", {})))
            refs |= set(_references(resource.get("count_expression", {})))
            refs |= set(_references(resource.get("for_each_expression", {})))
            referenced = {_resource_of(ref) for ref in refs} & addresses
            graph[resource["address"]] = referenced - {resource["address"]}
        return graph


def _references(node) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        found += node.get("references", []) if isinstance(node.get("references"), list) else []
        for key, value in node.items():
            if key != "references":
                found += _references(value)
    elif isinstance(node, list):
        for item in node:
            found += _references(item)
    return found


def _resource_of(reference: str) -> str:
    """`aws_lb.tfserving.arn` -> `aws_lb.tfserving`; `var.x` stays as is (filtered out later)."""
    parts = base_address(reference.split("[")[0]).split(".")
    return ".".join(parts[:2])
