"""A cache of python-hcl2 results on disk, keyed by the text parsed, the python-hcl2 version and
the serialization options, so a run parses only what changed since the last one.

python-hcl2 is a pure-Python LALR parser: parsing terraform/ and the broken copies costs seconds
of CPU, which the static layer's time budget (1.5 x a bare checkov scan) cannot afford on every
run. Entries are JSON files under <cache>/hcl2-parse/ (outside the checkout); a missing,
unreadable or foreign entry is parsed again. TFSUITE_HCL2_CACHE=0 turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hcl2

from tfsuite.paths import cache_dir


def enabled() -> bool:
    return os.environ.get("TFSUITE_HCL2_CACHE", "1") not in ("0", "false", "no")


def _folder() -> Path:
    return cache_dir() / "hcl2-parse"


class CachedParseError(ValueError):
    """python-hcl2 refused this exact text before; the message is the one it gave then."""


def _store(path: Path, entry: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8") as fh:
            json.dump(entry, fh)
        os.replace(fh.name, path)  # atomic: parallel runs never read half an entry
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written only costs time


def cached(kind: str, text: str, options: Any, parse: Callable[[str], Any],
           errors: tuple[type[Exception], ...] = ()) -> Any:
    """parse(text), from the cache when python-hcl2 already parsed this exact text the same way.

    Exceptions of the given types are cached too and raised again as CachedParseError."""
    if not enabled():
        return parse(text)
    key = hashlib.sha256(f"{kind}\0{hcl2.__version__}\0{options!r}\0{text}".encode()).hexdigest()
    path = _folder() / key[:2] / f"{key}.json"
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        entry = None
    if isinstance(entry, dict) and "error" in entry:
        raise CachedParseError(entry["error"])
    if isinstance(entry, dict) and "result" in entry:
        return entry["result"]
    try:
        result = parse(text)
    except errors as exc:
        _store(path, {"error": str(exc)})
        raise
    _store(path, {"result": result})
    return result
