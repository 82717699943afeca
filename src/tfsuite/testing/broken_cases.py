"""Broken configurations: small overlays on a copy of terraform/ that each break one promise.

A case is a folder under tests/unit/fixtures/broken/<case>/ with an expect.yaml:

    description: the listener moved off 9000
    edits:                      # regex substitutions applied to files of the copy
      - file: variables.tf
        find: 'default\\s+=\\s+9000'
        replace: 'default     = 8080'
    remove: [outputs.tf]        # optional: files deleted from the copy
    rule: listener-port         # the structural promise that must report it
    checkov: [CKV_TFS_1]        # checks that must fail on the copy, unsuppressed
    gate_problem: ledger entry  # text the policy gate must report as a problem
    parse_error: true           # python-hcl2 and checkov must both refuse the copy

Any other .tf file in the case folder is added to the copy (or replaces the file of that name).
Each `find` must match exactly `count` times (default 1): when terraform/ changes so that a case
no longer applies, the case fails loudly instead of silently testing nothing. The structural
promises read the changed files from memory (tf_files); checkov gets a copy in a temporary folder
(build). terraform/ is never written to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from tfsuite.copies import copy_folder

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it
_KEYS = {"description", "edits", "remove", "rule", "checkov", "gate_problem", "parse_error"}


class CaseError(ValueError):
    """A broken-configuration case is malformed or no longer applies to terraform/."""


@dataclass(frozen=True)
class Edit:
    file: str
    find: str
    replace: str
    count: int = 1


@dataclass(frozen=True)
class BrokenCase:
    name: str
    folder: Path
    description: str
    edits: tuple[Edit, ...] = ()
    remove: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    checkov: tuple[str, ...] = ()
    gate_problem: str = ""
    parse_error: bool = False
    added: tuple[Path, ...] = field(default=())

    @property
    def needs_checkov(self) -> bool:
        return bool(self.checkov or self.gate_problem or self.parse_error)

    def tf_files(self, base: Path) -> dict[str, str]:
        """The .tf files of base (name -> text) with the case applied, without touching the disk."""
        files = {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(base).glob("*.tf"))}
        for name in self.remove:
            if files.pop(name, None) is None:
                raise CaseError(f"{self.name}: cannot remove {name}: terraform/ has no such .tf file")
        for path in self.added:
            files[path.name] = path.read_text(encoding="utf-8")
        for edit in self.edits:
            if edit.file not in files:
                raise CaseError(f"{self.name}: edit of {edit.file}: no such .tf file in terraform/")
            files[edit.file], hits = re.subn(edit.find, edit.replace, files[edit.file], flags=re.M)
            if hits != edit.count:
                raise CaseError(f"{self.name}: {edit.find!r} matches {hits} time(s) in {edit.file}, expected "
                                f"{edit.count}: update the case to the current terraform/")
        return files

    def build(self, base: Path, dest: Path) -> Path:
        """Copy base to dest (templates and all) with the case applied; returns dest."""
        if dest.exists():
            raise CaseError(f"{self.name}: {dest} already exists")
        files = self.tf_files(base)
        copy_folder(base, dest)
        for stale in set(p.name for p in dest.glob("*.tf")) - set(files):
            (dest / stale).unlink()
        for name, text in files.items():
            (dest / name).write_text(text, encoding="utf-8")
        return dest


def _strings(value: object, what: str, case: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise CaseError(f"{case}: {what} must be a string or a list of strings")
    return tuple(value)


def load_case(folder: Path) -> BrokenCase:
    folder = Path(folder)
    spec_file = folder / "expect.yaml"
    if not spec_file.is_file():
        raise CaseError(f"{folder}: no expect.yaml")
    try:
        spec = yaml.load(spec_file.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise CaseError(f"{spec_file}: not valid YAML: {exc}") from exc
    name = folder.name
    if not isinstance(spec, dict):
        raise CaseError(f"{name}: expect.yaml must be a mapping")
    unknown = sorted(set(spec) - _KEYS)
    if unknown:
        raise CaseError(f"{name}: unknown key(s) {unknown} in expect.yaml (known: {sorted(_KEYS)})")
    if not str(spec.get("description") or "").strip():
        raise CaseError(f"{name}: expect.yaml needs a description of what is broken")
    edits = []
    for raw in spec.get("edits") or []:
        if not isinstance(raw, dict) or not {"file", "find", "replace"} <= set(raw):
            raise CaseError(f"{name}: each edit needs file, find and replace")
        try:
            re.compile(raw["find"])
        except re.error as exc:
            raise CaseError(f"{name}: edit find {raw['find']!r} is not a regex: {exc}") from exc
        edits.append(Edit(str(raw["file"]), raw["find"], str(raw["replace"]), int(raw.get("count", 1))))
    rules = _strings(spec.get("rule"), "rule", name)
    from tfsuite.static.promises import PROMISES  # here, not at import: it loads python-hcl2

    unknown_rules = sorted(set(rules) - set(PROMISES))
    if unknown_rules:
        raise CaseError(f"{name}: unknown promise(s) {unknown_rules}; known: {sorted(PROMISES)}")
    case = BrokenCase(
        name=name, folder=folder, description=str(spec["description"]).strip(), edits=tuple(edits),
        remove=_strings(spec.get("remove"), "remove", name), rules=rules,
        checkov=_strings(spec.get("checkov"), "checkov", name), gate_problem=str(spec.get("gate_problem") or ""),
        parse_error=bool(spec.get("parse_error", False)), added=tuple(sorted(folder.glob("*.tf"))),
    )
    if not (case.edits or case.remove or case.added):
        raise CaseError(f"{name}: the case changes nothing (no edits, remove or .tf files)")
    if not (case.rules or case.needs_checkov):
        raise CaseError(f"{name}: the case expects nothing (give rule, checkov, gate_problem or parse_error)")
    return case


@cache
def load_cases(root: Path) -> list[BrokenCase]:
    root = Path(root)
    if not root.is_dir():
        raise CaseError(f"no broken-configuration cases at {root}")
    cases = [load_case(p) for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith((".", "_"))]
    if not cases:
        raise CaseError(f"no broken-configuration cases under {root}")
    return cases
