"""Reading HCL expressions that python-hcl2 leaves as "${...}" text.

The structural promises need a few things Terraform would compute: what a `local.x` stands for,
which object literals an expression can produce (inside jsonencode, concat, conditionals), and
whether a value refers to a given address. Nothing here evaluates Terraform; it reads literals.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import hcl2
from hcl2.rules.containers import ObjectRule
from hcl2.walk import find_all
from lark.exceptions import LarkError

from tfsuite.static import parse_cache
from tfsuite.static.hcl import OPTIONS, Config

_EXACT = re.compile(r"^\$\{\s*([A-Za-z_][A-Za-z0-9_.\-\[\]\"*]*)\s*\}$")
_LOCAL = re.compile(r"\blocal\.([A-Za-z_][A-Za-z0-9_-]*)")


def reference(value: Any) -> str | None:
    """"${aws_lb.main.arn}" -> "aws_lb.main.arn"; None for anything that is not one bare reference."""
    if not isinstance(value, str):
        return None
    match = _EXACT.match(value)
    return match.group(1) if match else None


def strings(value: Any) -> Iterator[str]:
    """Every string inside a value (dict keys excluded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def mentions(value: Any, address: str) -> bool:
    """Does any expression inside the value refer to address (e.g. "aws_security_group.tasks")?"""
    pattern = re.compile(r"(?<![\w.])" + re.escape(address) + r"(?![\w-])")
    return any("${" in s and pattern.search(s) for s in strings(value))


def resolve(config: Config, value: Any, *, defaults: bool = False, _depth: int = 0) -> Any:
    """Follow `local.x` and `local.x.key` (and, with defaults=True, `var.x` to its default) until a
    non-reference; a key the local does not have leaves the reference as it is."""
    ref = reference(value)
    if ref is None or _depth > 20:
        return value
    head, _, rest = ref.partition(".")
    if head == "local" and rest in config.locals():
        return resolve(config, config.locals()[rest], defaults=defaults, _depth=_depth + 1)
    name, _, path = rest.partition(".")
    if head == "local" and path and name in config.locals():  # local.object.key -> that key's value
        value = resolve(config, config.locals()[name], defaults=defaults, _depth=_depth + 1)
        for key in path.split("."):
            if not isinstance(value, dict) or key not in value:
                return f"${{{ref}}}"
            value = value[key]
        return resolve(config, value, defaults=defaults, _depth=_depth + 1)
    if head == "var" and defaults:
        variable = config.variables().get(rest)
        if variable is not None and "default" in variable.body:
            return resolve(config, variable.body["default"], defaults=defaults, _depth=_depth + 1)
    return value


def _parse_object_literals(source: str) -> list[dict]:
    try:
        tree = hcl2.parses(source)
    except (LarkError, ValueError, TypeError):
        return []
    return [node.serialize(OPTIONS) for node in find_all(tree, ObjectRule)]


@lru_cache(maxsize=512)
def _object_literals(expression: str) -> tuple[dict, ...]:
    inner = expression[2:-1] if expression.startswith("${") and expression.endswith("}") else expression
    return tuple(parse_cache.cached("objects", f"value = {inner}\n", OPTIONS, _parse_object_literals))


def objects(config: Config, value: Any) -> list[dict]:
    """Every object literal the value can produce, looking through function calls, conditionals
    and the locals it refers to (e.g. the containers behind `jsonencode(local.a ? [...] : [...])`)."""
    found: list[dict] = []
    seen_locals: set[str] = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            found.append(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and "${" in item:
            pending.extend(_object_literals(item))
            for name in _LOCAL.findall(item):
                if name not in seen_locals and name in config.locals():
                    seen_locals.add(name)
                    pending.append(config.locals()[name])
    unique = {repr(obj): obj for obj in found}  # nested literals are reached twice
    return list(unique.values())
