"""Broken copies of terraform/ for the rehearsal: defects only running the data plane shows.

Cases live in one YAML file (tests/rehearsal/broken/cases.yaml):

    <case-name>:
      covers: task role permissions            # which part of the data plane it breaks
      description: what is wrong
      edits: [{file, find, replace, count}]    # regex substitutions on a temporary copy, any file
      expect: [regex, ...]                     # each must be found in the failed serve check's report
      variables: {name: value}                 # optional: applied on top of the profile (native_s3 mode)

Each `find` must match exactly `count` times (default 1), so a case that no longer applies to
terraform/ fails loudly (tfsuite.testing.broken_cases.CaseError) instead of testing nothing; and
`expect` names the planted reason, so a copy that fails for another reason does not count.
terraform/ is never written to.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tfsuite.testing.broken_cases import CaseError, Edit

_KEYS = {"covers", "description", "edits", "expect"}
_OPTIONAL = {"variables"}
_IGNORED = shutil.ignore_patterns(".*", "*.tfstate", "*.tfstate.*", "*.tfplan", "__pycache__", "override.tf")


@dataclass(frozen=True)
class DataPlaneCase:
    name: str
    covers: str
    description: str
    edits: tuple[Edit, ...]
    expect: tuple[str, ...] = ()
    variables: dict = field(default_factory=dict)

    def unexplained(self, failure: str) -> list[str]:
        """The `expect` patterns not found in a failed serve check's report (the planted reason)."""
        return [pattern for pattern in self.expect if not re.search(pattern, failure)]

    def build(self, base: Path, dest: Path) -> Path:
        """Copy base to dest with the edits applied; returns dest."""
        if dest.exists():
            raise CaseError(f"{self.name}: {dest} already exists")
        shutil.copytree(base, dest, ignore=_IGNORED)
        for edit in self.edits:
            path = dest / edit.file
            if not path.is_file():
                raise CaseError(f"{self.name}: edit of {edit.file}: no such file in {base}")
            before = path.read_text(encoding="utf-8")
            text, hits = re.subn(edit.find, edit.replace, before, flags=re.M)
            if hits != edit.count:
                raise CaseError(f"{self.name}: {edit.find!r} matches {hits} time(s) in {edit.file}, expected "
                                f"{edit.count}: update the case to the current terraform/")
            if text == before:
                raise CaseError(f"{self.name}: the edit of {edit.file} ({edit.find!r}) leaves it unchanged")
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
        if not isinstance(raw, dict) or not _KEYS <= set(raw):
            raise CaseError(f"{path}: case {name} needs covers, description, edits and expect")
        unknown = sorted(set(raw) - _KEYS - _OPTIONAL)
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
        cases.append(DataPlaneCase(str(name), str(raw["covers"]), str(raw["description"]).strip(), tuple(edits),
                                   _patterns(path, name, raw["expect"]), _variables(path, name, raw)))
    return cases


def _variables(path: Path, name: str, raw: dict) -> dict:
    variables = raw.get("variables") or {}
    if not isinstance(variables, dict) or not all(isinstance(k, str) for k in variables):
        raise CaseError(f"{path}: case {name}: variables must map variable names to values")
    return dict(variables)


def _patterns(path: Path, name: str, raw) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) and p for p in raw):
        raise CaseError(f"{path}: case {name}: expect must be a list of regexes naming the planted failure")
    for pattern in raw:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise CaseError(f"{path}: case {name}: expect {pattern!r} is not a regex: {exc}") from exc
    return tuple(raw)


def serve_outcomes(toolchain, cases: list[DataPlaneCase], base: Path, copies: Path, timeout: float,
                   workers: int = 3, intact: dict[str, dict] | None = None) -> dict[str, str | None]:
    """name -> what failed (None: it served), for each case and for `base` itself under each name of
    `intact` (name -> variables; default {"intact": {}}): every copy applied with the article
    profile as shipped (Terraform uploads the model) and its variables, `workers` at a time, on a
    moto process of its own (enforcement off for Terraform's root keys, whatever the session's
    embedded emulator does meanwhile); then every serve check at once with enforcement on. Nothing
    is destroyed: it all goes with that emulator."""
    from concurrent.futures import ThreadPoolExecutor

    from tfsuite.emulator.moto_process import MotoProcess
    from tfsuite.rehearsal import identities
    from tfsuite.rehearsal.checks import serve_check
    from tfsuite.rehearsal.world import World

    runs = {name: (base, variables) for name, variables in (intact or {"intact": {}}).items()}
    runs.update({case.name: (case.build(base, copies / case.name / "terraform"), case.variables) for case in cases})
    with MotoProcess() as emulator:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {name: pool.submit(World.apply, toolchain, emulator, source=source, lead="b",
                                         variables=variables, enforce=False)
                       for name, (source, variables) in runs.items()}
        worlds = {name: f.result() for name, f in futures.items() if f.exception() is None}
        try:
            failed = {name: f.exception() for name, f in futures.items() if f.exception() is not None}
            if failed:
                raise RuntimeError(f"apply of broken copies failed: {failed}")
            identities.set_enforcement(emulator.endpoint, True)
            with ThreadPoolExecutor(max_workers=len(worlds)) as pool:
                checks = {name: pool.submit(serve_check, applied, timeout, upload=False)
                          for name, applied in worlds.items()}
            return {name: check.result() for name, check in checks.items()}
        finally:
            for applied in worlds.values():
                applied.discard()


def static_findings(directory: Path) -> list[str]:
    """The static layer's structural promises over a configuration folder, as text."""
    from tfsuite.static.hcl import load_config
    from tfsuite.static.promises import check_promises

    return sorted(f"{f.rule}: {f.address}: {f.message}" for f in check_promises(load_config(directory)))
