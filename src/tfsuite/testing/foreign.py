"""Configurations that are not this project's terraform/, for the policy gate's "any folder" tests.

- Third-party-shaped fixtures: tests/unit/fixtures/thirdparty/<name>/ with an expect.yaml naming
  each planted defect as "CHECK_ID resource.address" (and `root:` when the root module is a
  subfolder, as in a module repository's examples/).
- A copy of terraform/ with every resource renamed (references follow), to prove the checks find
  resources by their role and not by their address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from tfsuite.copies import copy_folder

_RESOURCE = re.compile(r'^(\s*resource\s+)"([A-Za-z0-9_]+)"\s+"([A-Za-z0-9_-]+)"', re.M)


@dataclass(frozen=True)
class ForeignConfig:
    name: str
    root: Path  # the root module to scan
    defects: tuple[str, ...]  # "CHECK_ID address", each must fail unsuppressed
    description: str

    @property
    def target(self) -> str:
        return f"thirdparty.{self.name}"


def load_foreign(fixtures: Path) -> list[ForeignConfig]:
    configs = []
    for folder in sorted(p for p in Path(fixtures).iterdir() if p.is_dir()):
        expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
        root = folder / expect.get("root", ".")
        if not root.is_dir() or not expect.get("defects"):
            raise ValueError(f"{folder}/expect.yaml: root {root} must be a folder and defects must be listed")
        configs.append(ForeignConfig(folder.name, root.resolve(), tuple(expect["defects"]),
                                     expect.get("description", "")))
    return configs


def renamed_copy(source: Path, dest: Path, prefix: str = "renamed_") -> dict[str, str]:
    """Copy source to dest renaming every resource (and every reference to it); returns
    {old address: new address}."""
    copy_folder(source, dest)
    files = sorted(Path(dest).glob("*.tf"))
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    names = {(m.group(2), m.group(3)) for text in texts.values() for m in _RESOURCE.finditer(text)}
    mapping = {f"{t}.{n}": f"{t}.{prefix}{n}" for t, n in names}
    for path, text in texts.items():
        text = _RESOURCE.sub(lambda m: f'{m.group(1)}"{m.group(2)}" "{prefix}{m.group(3)}"', text)
        for (rtype, name) in names:
            text = re.sub(rf"(?<![\w.]){re.escape(rtype)}\.{re.escape(name)}\b", f"{rtype}.{prefix}{name}", text)
        path.write_text(text, encoding="utf-8")
    return mapping


def original_address(address: str, mapping: dict[str, str]) -> str:
    """The address before renaming (indexes such as [0] kept)."""
    reverse = {new: old for old, new in mapping.items()}
    base, bracket, index = address.partition("[")
    return reverse.get(base, base) + bracket + index
