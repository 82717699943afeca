"""Load a Terraform folder with python-hcl2 into plain Python values.

python-hcl2 8.x keeps quotes and adds block markers unless told otherwise (FIELD-NOTES §6); the
options below give plain strings, and references stay as "${var.name}" text. Parses are cached
by file content (in memory, and on disk by parse_cache), so a broken-configuration copy only
parses the file it changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions
from lark.exceptions import LarkError

from tfsuite.static import parse_cache

OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)


class HclParseError(ValueError):
    """A .tf file python-hcl2 cannot parse: the static layer fails closed on it."""


@lru_cache(maxsize=256)
def _parse_text(digest: str, text: str, name: str) -> dict:  # digest keys the cache cheaply
    try:
        return parse_cache.cached("file", text, OPTIONS, lambda t: hcl2.loads(t, serialization_options=OPTIONS),
                                  errors=(LarkError,))
    except (LarkError, ValueError, TypeError) as exc:  # CachedParseError is a ValueError
        raise HclParseError(f"{name}: python-hcl2 cannot parse it: {str(exc).splitlines()[0]}") from exc


def parse_file(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return _parse_text(hashlib.sha256(text.encode()).hexdigest(), text, path.name)


@dataclass(frozen=True)
class Block:
    """One resource, data source, variable or output with where it came from."""

    kind: str  # "resource", "data", "variable", "output", ...
    type: str  # resource type ("aws_lb"), "" for variables and outputs
    name: str
    body: dict
    file: str

    @property
    def address(self) -> str:
        if self.kind == "resource":
            return f"{self.type}.{self.name}"
        if self.kind == "data":
            return f"data.{self.type}.{self.name}"
        return f"{self.kind}.{self.name}"

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default)

    def nested(self, key: str) -> list[dict]:
        """A nested block (health_check, setting, ...) as a list of bodies."""
        value = self.body.get(key) or []
        return value if isinstance(value, list) else [value]


class Config:
    """A parsed Terraform root module (the .tf files of one folder, not its subfolders)."""

    def __init__(self, root: Path, files: dict[str, dict]) -> None:
        self.root = root
        self.files = files

    def __repr__(self) -> str:
        return f"Config({self.root}, files={sorted(self.files)})"

    def _top(self, kind: str) -> Iterator[tuple[str, Any]]:
        for file, doc in sorted(self.files.items()):
            for item in doc.get(kind, []):
                yield file, item

    def blocks(self, kind: str) -> list[Block]:
        out = []
        for file, item in self._top(kind):
            if kind in ("resource", "data"):
                for rtype, named in item.items():
                    out += [Block(kind, rtype, name, body, file) for name, body in named.items()]
            else:
                out += [Block(kind, "", name, body, file) for name, body in item.items()]
        return out

    def resources(self, rtype: str | None = None) -> list[Block]:
        return [b for b in self.blocks("resource") if rtype is None or b.type == rtype]

    def resource(self, rtype: str, name: str) -> Block | None:
        return next((b for b in self.resources(rtype) if b.name == name), None)

    def data_sources(self, rtype: str | None = None) -> list[Block]:
        return [b for b in self.blocks("data") if rtype is None or b.type == rtype]

    def variables(self) -> dict[str, Block]:
        return {b.name: b for b in self.blocks("variable")}

    def outputs(self) -> dict[str, Block]:
        return {b.name: b for b in self.blocks("output")}

    def locals(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for _, item in self._top("locals"):
            merged.update(item)
        return merged

    def terraform_settings(self) -> list[dict]:
        return [item for _, item in self._top("terraform")]

    def providers(self) -> list[tuple[str, dict]]:
        return [(name, body) for _, item in self._top("provider") for name, body in item.items()]


def config_from_texts(root: Path, texts: dict[str, str]) -> Config:
    """A Config from .tf file texts held in memory (e.g. a broken copy that never hits the disk)."""
    if not texts:
        raise HclParseError(f"{root}: no .tf file: nothing to check")
    return Config(Path(root), {name: _parse_text(hashlib.sha256(text.encode()).hexdigest(), text, name)
                               for name, text in sorted(texts.items())})


def load_config(root: Path) -> Config:
    """Parse every .tf file of a root module; a folder without any fails closed."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no Terraform folder at {root}")
    paths = sorted(p for p in root.glob("*.tf") if p.is_file())
    if not paths:
        raise HclParseError(f"{root} holds no .tf file: nothing to check")
    return Config(root, {p.name: parse_file(p) for p in paths})
