"""Bad input values and the message the configuration must refuse them with.

Cases live in a YAML list, one per bad value:

    - variable: listener_port          # one variable ...
      value: 70000
      message: must be a whole number from 1 to 65535
    - vars: {task_cpu: 256, task_memory: 4096}   # ... or several (preconditions across variables)
      message: Fargate does not offer task_cpu = 256

Every `validation` block of variables.tf must be covered by a case whose message is part of
that block's error_message (uncovered() finds the ones that are not), so a new validation
without a test fails the suite.

Cases about one variable each are planned together, several per plan (Terraform reports every
invalid variable of a run), which keeps some thirty cases to a handful of plans.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml


class ValidationCaseError(ValueError):
    """The cases file is malformed: the message names the entry and the problem."""


@dataclass(frozen=True)
class ValidationCase:
    vars: tuple[tuple[str, str], ...]  # (name, JSON value), sorted
    message: str

    @property
    def variables(self) -> dict:
        return {name: json.loads(value) for name, value in self.vars}

    @property
    def single_variable(self) -> str | None:
        return self.vars[0][0] if len(self.vars) == 1 else None

    @property
    def id(self) -> str:
        shown = ",".join(f"{k}={v}" for k, v in self.vars)
        return shown if len(shown) <= 60 else shown[:57] + "..."

    def found_in(self, texts: list[str]) -> bool:
        return any(_normalised(self.message) in _normalised(t) for t in texts)


@dataclass(frozen=True)
class ValidationBlock:
    variable: str
    error_message: str


def load_cases(path: Path) -> list[ValidationCase]:
    try:
        entries = yaml.safe_load(Path(path).read_text())
    except yaml.YAMLError as exc:
        raise ValidationCaseError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(entries, list) or not entries:
        raise ValidationCaseError(f"{path}: expected a non-empty list of cases")
    cases = []
    for index, entry in enumerate(entries):
        where = f"{path} entry {index + 1}"
        message = entry.get("message") if isinstance(entry, dict) else None
        if not isinstance(message, str) or not message.strip():
            raise ValidationCaseError(f"{where}: needs a non-empty 'message'")
        if "variable" in entry:
            if "vars" in entry or "value" not in entry:
                raise ValidationCaseError(f"{where}: give 'variable' with 'value', or 'vars', not both")
            variables = {entry["variable"]: entry["value"]}
        elif isinstance(entry.get("vars"), dict) and entry["vars"]:
            variables = entry["vars"]
        else:
            raise ValidationCaseError(f"{where}: needs 'variable' and 'value', or a non-empty 'vars' mapping")
        unknown = set(entry) - {"variable", "value", "vars", "message", "why"}
        if unknown:
            raise ValidationCaseError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        encoded = tuple(sorted((str(k), json.dumps(v, sort_keys=True)) for k, v in variables.items()))
        cases.append(ValidationCase(encoded, entry["message"].strip()))
    return cases


def validation_blocks(variables_tf: Path) -> list[ValidationBlock]:
    """Every (variable, error_message) of the validation blocks in a variables.tf."""
    from tfsuite.static.hcl import parse_file

    blocks = []
    for item in parse_file(Path(variables_tf)).get("variable", []):
        for name, body in item.items():
            for validation in _as_list(body.get("validation")):
                blocks.append(ValidationBlock(name, str(validation.get("error_message", ""))))
    return blocks


def uncovered(blocks: list[ValidationBlock], cases: list[ValidationCase]) -> list[ValidationBlock]:
    """Validation blocks no case exercises (same variable, message part of the block's error_message)."""
    return [b for b in blocks
            if not any(b.variable in c.variables and c.found_in([b.error_message]) for c in cases)]


def unmatched(blocks: list[ValidationBlock], cases: list[ValidationCase]) -> list[ValidationCase]:
    """Single-variable cases whose message matches none of their variable's validation blocks."""
    return [c for c in cases if c.single_variable
            and not any(b.variable == c.single_variable and c.found_in([b.error_message]) for b in blocks)]


def plan_rounds(cases: list[ValidationCase], batchable: set[str]) -> list[list[ValidationCase]]:
    """Group cases into plans: single-variable cases about `batchable` variables share a plan with
    cases about other variables; every other case gets a plan of its own."""
    rounds: list[list[ValidationCase]] = []
    for case in cases:
        variable = case.single_variable
        if variable in batchable:
            target = next((r for r in rounds if r[0].single_variable in batchable
                           and all(c.single_variable != variable for c in r)), None)
            if target is not None:
                target.append(case)
                continue
        rounds.append([case])
    return rounds


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _normalised(text: str) -> str:
    return " ".join(text.replace("\\\"", "\"").split())
