"""Broken copies of terraform/ for the rehearsal: defects only running the data plane shows.

Cases live in one YAML file (tests/rehearsal/broken/cases.yaml):

    <case-name>:
      covers: task role permissions            # which part of the data plane it breaks
      description: what is wrong
      edits: [{file, find, replace, count}]    # regex substitutions on a temporary copy, any file

Each `find` must match exactly `count` times (default 1), so a case that no longer applies to
terraform/ fails loudly (tfsuite.testing.broken_cases.CaseError) instead of testing nothing.
terraform/ is never written to.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from tfsuite.testing.broken_cases import CaseError, Edit

_IGNORED = shutil.ignore_patterns(".*", "*.tfstate", "*.tfstate.*", "*.tfplan", "__pycache__", "override.tf")


@dataclass(frozen=True)
class DataPlaneCase:
    name: str
    covers: str
    description: str
    edits: tuple[Edit, ...]

    def build(self, base: Path, dest: Path) -> Path:
        """Copy base to dest with the edits applied; returns dest."""
        if dest.exists():
            raise CaseError(f"{self.name}: {dest} already exists")
        shutil.copytree(base, dest, ignore=_IGNORED)
        for edit in self.edits:
            path = dest / edit.file
            if not path.is_file():
                raise CaseError(f"{self.name}: edit of {edit.file}: no such file in {base}")
            text, hits = re.subn(edit.find, edit.replace, path.read_text(encoding="utf-8"), flags=re.M)
            if hits != edit.count:
                raise CaseError(f"{self.name}: {edit.find!r} matches {hits} time(s) in {edit.file}, expected "
                                f"{edit.count}: update the case to the current terraform/")
            path.write_text(text, encoding="utf-8")
        return dest


def load_cases(path: Path) -> list[DataPlaneCase]:
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CaseError(f"{path}: cannot read the cases: {exc}") from exc
    if not isinstance(spec, dict) or not spec:
        raise CaseError(f"{path}: expected a mapping of case name -> case")
    cases = []
    for name, raw in spec.items():
        if not isinstance(raw, dict) or not {"covers", "description", "edits"} <= set(raw):
            raise CaseError(f"{path}: case {name} needs covers, description and edits")
        unknown = sorted(set(raw) - {"covers", "description", "edits"})
        if unknown:
            raise CaseError(f"{path}: case {name} has unknown key(s) {unknown}")
        edits = []
        for edit in raw["edits"] or []:
            if not isinstance(edit, dict) or not {"file", "find", "replace"} <= set(edit):
                raise CaseError(f"{path}: case {name}: each edit needs file, find and replace")
            try:
                re.compile(edit["find"])
            except re.error as exc:
                raise CaseError(f"{path}: case {name}: {edit['find']!r} is not a regex: {exc}") from exc
            edits.append(Edit(str(edit["file"]), edit["find"], str(edit["replace"]), int(edit.get("count", 1))))
        if not edits:
            raise CaseError(f"{path}: case {name} changes nothing")
        cases.append(DataPlaneCase(str(name), str(raw["covers"]), str(raw["description"]).strip(), tuple(edits)))
    return cases


def static_findings(directory: Path) -> list[str]:
    """The static layer's structural promises over a configuration folder, as text."""
    from tfsuite.static.hcl import load_config
    from tfsuite.static.promises import check_promises

    return sorted(f"{f.rule}: {f.address}: {f.message}" for f in check_promises(load_config(directory)))
