"""Stage a Terraform folder for checkov so that its module sources resolve as they do in place.

checkov scans a copy (it must never write into the user's folder, and one run covers many
folders). A copy of the folder alone breaks relative module sources such as
`../../modules/service`, and leaves out `.terraform/modules` where `terraform init` put the
registry and git modules: checkov then silently evaluates the root's own resources only. So the
copy keeps the folder's place in its tree: the folder and every local module it calls
(transitively) are copied at the same relative paths under the staging folder, with
`.terraform/modules` (and its modules.json) beside the root. A module call that resolves to
nothing is reported, never skipped in silence.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tfsuite.copies import copy_folder

_MODULE = re.compile(r'^\s*module\s+"([^"]+)"\s*\{', re.M)
_SOURCE = re.compile(r'^\s*source\s*=\s*"([^"]+)"', re.M)
_NEXT_BLOCK = re.compile(r"^[a-z_]+(\s+\"[^\"]*\")*\s*\{", re.M)
LOCAL = ("./", "../")


@dataclass
class StagedFolder:
    """Where a folder was staged and what its module calls resolved to."""

    source: Path  # the folder as given
    staged: Path  # its copy, inside the staging root
    modules: list[str] = field(default_factory=list)  # module addresses resolved (module.a.module.b)
    problems: list[str] = field(default_factory=list)  # module calls that resolve to nothing


def module_calls(folder: Path) -> list[tuple[str, str, str]]:
    """(file name, module name, source) for each `module` block in the folder's .tf files."""
    calls = []
    for path in sorted(Path(folder).glob("*.tf")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _MODULE.finditer(text):
            rest = text[match.end():]
            following = _NEXT_BLOCK.search(rest)
            body = rest[:following.start()] if following else rest
            source = _SOURCE.search(body)
            calls.append((path.name, match.group(1), source.group(1) if source else ""))
    return calls


def _downloaded(root: Path) -> dict[str, Path]:
    """Module key -> folder, from `terraform init`'s .terraform/modules/modules.json."""
    manifest = root / ".terraform" / "modules" / "modules.json"
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8")).get("Modules") or []
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(e.get("Key")): (root / str(e.get("Dir"))).resolve() for e in entries
            if isinstance(e, dict) and e.get("Key") and e.get("Dir")}


def resolve_modules(root: Path) -> tuple[dict[str, Path], list[str], list[Path]]:
    """Walk the module calls from root: (address -> folder, problems, local folders to copy)."""
    root = Path(root).resolve()
    downloaded = _downloaded(root)
    resolved: dict[str, Path] = {}
    problems: list[str] = []
    local: list[Path] = []
    pending: list[tuple[Path, str, str]] = [(root, "", "")]  # folder, address, modules.json key
    seen: set[tuple[Path, str]] = set()
    while pending:
        folder, address, key = pending.pop()
        for file, name, source in module_calls(folder):
            child_address = f"{address}module.{name}"
            child_key = f"{key}.{name}" if key else name
            where = f"{child_address} ({Path(file).name if folder == root else folder / file})"
            if not source:
                problems.append(f"{where} has no literal source: checkov cannot evaluate it")
                continue
            if source.startswith(LOCAL):
                target = (folder / source).resolve()
                if not target.is_dir():
                    problems.append(f"{where}: source {source!r} is not a folder ({target})")
                    continue
                local.append(target)
            elif child_key in downloaded and downloaded[child_key].is_dir():
                target = downloaded[child_key]
            else:
                problems.append(f"{where}: source {source!r} is not downloaded (run `terraform init` "
                                "in the folder first); the gate cannot evaluate what it cannot read")
                continue
            resolved[child_address] = target
            if (target, child_address) not in seen and len(seen) < 500:
                seen.add((target, child_address))
                pending.append((target, f"{child_address}.", child_key))
    return resolved, problems, local


def _anchor(paths: list[Path]) -> Path:
    return Path(os.path.commonpath([str(p) for p in paths]))


def stage_folder(folder: Path, dest: Path) -> StagedFolder:
    """Copy folder and the local modules it calls under dest, keeping their relative layout.
    dest must not exist. Never writes into folder."""
    folder = Path(folder).resolve()
    resolved, problems, local = resolve_modules(folder)
    downloaded_root = folder / ".terraform" / "modules"
    outside = [p for p in local if not p.is_relative_to(folder) and not p.is_relative_to(downloaded_root)]
    anchor = _anchor([folder, *outside])
    staged = dest / folder.relative_to(anchor)
    copy_folder(folder, staged)
    if downloaded_root.is_dir():
        shutil.copytree(downloaded_root, staged / ".terraform" / "modules", dirs_exist_ok=True)
    for path in sorted(set(outside)):
        copy = dest / path.relative_to(anchor)
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(path, copy, ignore=shutil.ignore_patterns(".*", "*.tfstate*", "__pycache__"),
                            dirs_exist_ok=True)
    return StagedFolder(folder, staged, sorted(resolved), problems)
