"""Find inline `checkov:skip=` comments in .tf files: each must also be in the ledger, where it
gets an owner and an expiry that a comment cannot carry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_SKIP = re.compile(r"(?:#|//|/\*).*?checkov:skip=([A-Za-z0-9_]+)(?::([^\n*]*))?")
_BLOCK = re.compile(r'^\s*(resource|data|module)\s+"([^"]+)"(?:\s+"([^"]+)")?\s*\{')


@dataclass(frozen=True)
class InlineSkip:
    file: str
    line: int
    check: str
    resource: str  # address of the enclosing block, "" at file level
    comment: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: checkov:skip={self.check} on {self.resource or '(no resource)'}"


def _address(match: re.Match) -> str:
    kind, first, second = match.groups()
    if kind == "resource":
        return f"{first}.{second}"
    if kind == "data":
        return f"data.{first}.{second}"
    return f"module.{first}"


def find_inline_skips(folder: Path) -> list[InlineSkip]:
    """Every checkov:skip comment in the folder's .tf files (subfolders included)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no Terraform folder at {folder}")
    skips = []
    for path in sorted(folder.rglob("*.tf")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        current = ""
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            block = _BLOCK.match(line)
            if block:
                current = _address(block)
            elif line.startswith("}"):  # terraform fmt closes top-level blocks in column 0
                current = ""
            for skip in _SKIP.finditer(line):
                skips.append(InlineSkip(path.relative_to(folder).as_posix(), number, skip.group(1),
                                        current, (skip.group(2) or "").strip()))
    return skips
