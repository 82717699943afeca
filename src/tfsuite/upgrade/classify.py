"""Every resource change of a plan (`terraform show -json`), classified for the upgrade gate.

    create  +    update in place  ~    replace  ±    delete  -    move  >    forget  (removed block)

A change may be a move and an update at once: `moved_from` carries the previous address and the
kind stays the action. For a replacement, `replace_paths` names the attributes that force it.

A replacement of a type in ROUTINE_REPLACEMENTS is how that type is updated at all (nothing is
lost, nothing goes down): it is reported with that reason but is not destructive. Deletes of those
types are destructive as any other.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from tfsuite.runner.plan import Plan

SYMBOLS = {"create": "+", "update": "~", "replace": "±", "delete": "-", "move": ">", "forget": "forget"}
DESTRUCTIVE = ("delete", "replace")
ROUTINE_REPLACEMENTS = {
    "aws_ecs_task_definition": "task definitions are immutable: every change registers a new revision "
                               "and the service rolls over to it",
}
SHOWN_CHARS = 60  # longer values (rendered JSON documents, scripts) are cut in causes

_DELETE_REASONS = {
    "delete_because_no_resource_config": "no longer in the configuration (a renamed resource needs a "
                                         "`moved` block)",
    "delete_because_no_module": "its module is no longer in the configuration",
    "delete_because_wrong_repetition": "count/for_each changed how the resource repeats",
    "delete_because_count_index": "its count index is out of range now",
    "delete_because_each_key": "its for_each key is gone",
    "delete_because_no_move_target": "a moved block points at an address that does not exist",
}
_REPLACE_REASONS = {
    "replace_because_tainted": "the resource is tainted",
    "replace_by_request": "replacement was requested (-replace)",
    "replace_by_triggers": "a replace_triggered_by reference changed",
}


@dataclass(frozen=True)
class Change:
    address: str
    kind: str  # create | update | replace | delete | move | forget
    moved_from: str | None = None
    replace_paths: tuple[str, ...] = ()
    cause: str = ""
    attributes: tuple[str, ...] = field(default=(), compare=False)  # top-level attributes that differ
    routine: str = ""  # why this replacement loses nothing (ROUTINE_REPLACEMENTS); "" otherwise

    @property
    def destructive(self) -> bool:
        return self.kind in DESTRUCTIVE and not self.routine

    def __str__(self) -> str:
        moved = f" (moved from {self.moved_from})" if self.moved_from else ""
        cause = f": {self.cause}" if self.cause else ""
        routine = f" [routine: {self.routine}]" if self.routine else ""
        return f"{SYMBOLS[self.kind]} {self.address} {self.kind}{moved}{cause}{routine}"


def render_path(path: list) -> str:
    """["rule", 0, "filter"] -> rule[0].filter"""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _value_at(document, path: list):
    for step in path:
        try:
            document = document[step]
        except (KeyError, IndexError, TypeError):
            return None
    return document


def _shown(value) -> str:
    return json.dumps(value) if not isinstance(value, str) else repr(value)


def _replace_cause(change: dict, paths: list[list]) -> str:
    body = change["change"]
    parts = []
    for path in paths:
        before = _value_at(body.get("before"), path)
        after = _value_at(body.get("after"), path)
        unknown = _value_at(body.get("after_unknown"), path) is True
        old, new = _shown(before), "(known after apply)" if unknown else _shown(after)
        if max(len(old), len(new)) > SHOWN_CHARS:  # a rendered document or script: say only that it changed
            old, new = f"({len(old)} chars)", new if unknown else f"({len(new)} chars)"
        parts.append(f"{render_path(path)} {old} -> {new}")
    reason = _REPLACE_REASONS.get(change.get("action_reason", ""))
    if parts:
        return "forced by " + "; ".join(parts) + (f" ({reason})" if reason else "")
    return reason or "the provider replaces it (no attribute named)"


def _kind(actions: tuple[str, ...]) -> str | None:
    if actions in (("delete", "create"), ("create", "delete")):
        return "replace"
    if actions in (("create",), ("update",), ("delete",), ("forget",)):
        return actions[0]
    if actions == ("no-op",):
        return "move"  # only kept when the address moved (see classify)
    return None  # read (data sources) and anything unknown


def _attributes(body: dict) -> tuple[str, ...]:
    before, after = body.get("before") or {}, body.get("after") or {}
    unknown = body.get("after_unknown") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ()
    return tuple(sorted(k for k in set(before) | set(after) | set(unknown)
                        if before.get(k) != after.get(k) or unknown.get(k) is True))


def classify(plan: Plan | dict) -> list[Change]:
    """Every managed resource change that does something (no-ops without a move are left out)."""
    data = plan.data if isinstance(plan, Plan) else plan
    changes = []
    for change in data.get("resource_changes", []):
        if change.get("mode", "managed") != "managed":
            continue
        actions = tuple(change.get("change", {}).get("actions", []))
        kind = _kind(actions)
        moved_from = change.get("previous_address")
        if kind is None or (kind == "move" and not moved_from):
            if kind is None and actions not in (("read",), ("no-op",)):
                raise ValueError(f"{change.get('address')}: unknown plan actions {list(actions)}")
            continue
        paths = change["change"].get("replace_paths") or []
        cause = ""
        if kind == "replace":
            cause = _replace_cause(change, paths)
        elif kind == "delete":
            cause = _DELETE_REASONS.get(change.get("action_reason", ""), "removed from the plan")
        elif kind == "update":
            cause = "changes " + ", ".join(_attributes(change["change"])) if _attributes(change["change"]) else ""
        routine = ROUTINE_REPLACEMENTS.get(change.get("type", ""), "") if kind == "replace" else ""
        changes.append(Change(change["address"], kind, moved_from, tuple(render_path(p) for p in paths), cause,
                              _attributes(change["change"]), routine))
    return changes


def counts(changes: list[Change]) -> Counter:
    """Number of changes per kind (a moved and updated resource counts as update and as move)."""
    tally = Counter(c.kind for c in changes)
    tally["move"] += sum(1 for c in changes if c.moved_from and c.kind != "move")
    return tally


def counts_line(changes: list[Change]) -> str:
    """'+2 ~1 -0 ±1 >1' (creations, updates, deletions, replacements, moves)."""
    tally = counts(changes)
    return " ".join(f"{SYMBOLS[k]}{tally[k]}" for k in ("create", "update", "delete", "replace", "move"))
