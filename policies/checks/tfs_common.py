"""What the custom checks mean by "pinned", "open to the internet" and "read-only S3".

Pure Python with no checkov import, so the structural layer (python-hcl2, another virtualenv)
loads the same definitions from this file instead of keeping a copy.

checkov hands a check each attribute wrapped in a one-element list; values it could not render
stay strings such as "var.x" or "${...}". Readers here unwrap the list and report what they
cannot read instead of guessing, so a check fails closed.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
MUTABLE_TAGS = ("latest", "nightly", "edge", "stable", "main", "master")
READ_ONLY_S3_PREFIXES = ("s3:get", "s3:list")
# AWS-managed policies far broader than a model server needs (matched in the policy ARN or name).
BROAD_MANAGED_POLICY = r"(FullAccess|AdministratorAccess|PowerUserAccess)\b"
# Arguments and resource types the pinned AWS provider (6.x) deprecates, with what replaces them.
DEPRECATED_ARGUMENTS = {
    "aws_s3_bucket": ("acl", "grant", "cors_rule", "lifecycle_rule", "logging", "policy", "replication_configuration",
                      "request_payer", "server_side_encryption_configuration", "versioning", "website",
                      "acceleration_status", "object_lock_configuration"),
    "aws_iam_role": ("inline_policy", "managed_policy_arns"),
    "aws_eip": ("vpc",),
    "aws_ecs_task_definition": ("inference_accelerator",),
}
DEPRECATED_RESOURCES = {"aws_s3_bucket_object": "aws_s3_object"}

_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")


def unwrap(value: Any) -> Any:
    """checkov wraps each attribute value in a one-element list."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def attribute(conf: dict, key: str, default: Any = None) -> Any:
    return unwrap(conf[key]) if key in conf else default


def blocks(conf: dict, key: str) -> list[dict]:
    """A nested block (health_check, ingress, default_action, ...) as a list of dicts."""
    value = conf.get(key) or []
    if isinstance(value, dict):
        value = [value]
    out: list[dict] = []
    for item in value:
        item = unwrap(item)
        if isinstance(item, dict):
            out.append(item)
        elif isinstance(item, list):
            out.extend(x for x in item if isinstance(x, dict))
    return out


def is_unrendered(value: Any) -> bool:
    """A value checkov could not resolve (a reference or an interpolation)."""
    return isinstance(value, str) and ("${" in value or re.match(r"^(var|local|each|module|data)\.", value) is not None)


def image_problem(image: Any) -> str | None:
    """Why an image reference is not pinned, or None when it is (explicit tag or digest, not latest).

    "registry:5000/name" has a colon in the registry part, so the tag is looked for in the last
    path component only.
    """
    if not isinstance(image, str) or not image.strip():
        return f"image {image!r} is not a string"
    if is_unrendered(image):
        return f"image {image!r} is not resolved to a literal: give the variable a pinned default"
    name, _, digest = image.partition("@")
    if digest:
        return None if _DIGEST_RE.match(digest) else f"image {image!r} has a malformed digest"
    last = name.rsplit("/", 1)[-1]
    if ":" not in last:
        return f"image {image!r} has no tag (Docker pulls :latest)"
    tag = last.split(":", 1)[1]
    if not _TAG_RE.match(tag):
        return f"image {image!r} has an invalid tag {tag!r}"
    if tag.lower().startswith(MUTABLE_TAGS):
        return f"image {image!r} uses the moving tag {tag!r}"
    if not any(ch.isdigit() for ch in tag):
        return f"image {image!r} uses tag {tag!r} with no version number in it"
    return None


def _jsonencode_argument(text: str) -> str | None:
    match = re.fullmatch(r"\s*(?:\$\{\s*)?jsonencode\((.*)\)\s*\}?\s*", text, re.S)
    return match.group(1) if match else None


def decode_document(value: Any) -> Any:
    """A JSON document as checkov renders it: already decoded, a JSON string, or an unresolved
    `${jsonencode(<python literal>)}` string when a reference inside could not be rendered.
    Returns None when it cannot be read."""
    value = unwrap(value)
    if isinstance(value, (dict, list)):
        return value
    if not isinstance(value, str):
        return None
    try:
        return json.loads(value)
    except ValueError:
        pass
    inner = _jsonencode_argument(value)
    if inner is None:
        return None
    try:
        return ast.literal_eval(inner)
    except (ValueError, SyntaxError):
        return None


# checkov renders an expression it cannot fully evaluate (conditionals, concat, data sources) into
# a string of Python-repr fragments with nested quoting. The fallbacks below read the few keys we
# need from that text; anything they cannot read counts as a failure.
_QUOTE = r"""\\*['"]"""
_IMAGE_TEXT = re.compile(r"\bimage" + _QUOTE + r"\s*:\s*(?:" + _QUOTE + r"([^'\"\\]*)|([^,}\]\s]+))")
_ACTION_TEXT = re.compile(r"\b(Not)?Action" + _QUOTE + r"\s*:\s*(\[[^\]]*\]|" + _QUOTE + r"[^'\"\\]*|[^,}\]\s]+)")
_EFFECT_TEXT = re.compile(r"\bEffect" + _QUOTE + r"\s*:\s*" + _QUOTE + r"(Allow|Deny)")
_ACTION_NAME = re.compile(r"^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$")


def container_images(container_definitions: Any) -> list[tuple[str, Any]] | None:
    """(container name, image) for each container, or None when the definitions cannot be read."""
    containers = _flatten(decode_document(container_definitions))
    if containers and all(isinstance(c, dict) for c in containers):
        return [(str(c.get("name", "?")), c.get("image")) for c in containers]
    text = unwrap(container_definitions)
    if not isinstance(text, str):
        return None
    found = [(f"#{n + 1}", quoted if quoted is not None else bare)
             for n, (quoted, bare) in enumerate(_IMAGE_TEXT.findall(text))]
    return found or None


def _flatten(value: Any) -> list:
    """checkov renders a conditional over lists as a list of its branches: take every element."""
    if isinstance(value, list):
        return [item for element in value for item in _flatten(element)]
    return [] if value is None else [value]


def _enclosing_object(text: str, position: int) -> str:
    """The text of the innermost {...} around position (quoted braces are balanced in practice)."""
    depth, start = 0, 0
    for index in range(position, -1, -1):
        if text[index] == "}":
            depth += 1
        elif text[index] == "{":
            if depth == 0:
                start = index
                break
            depth -= 1
    depth, end = 0, len(text)
    for index in range(position, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            if depth == 0:
                end = index + 1
                break
            depth -= 1
    return text[start:end]


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def policy_statements(policy: Any) -> list[dict] | None:
    """The statements of a policy document, or None when it cannot be read.

    From checkov's partial rendering only each action list and the Effect of the object around
    it are recovered; an action with no readable Effect counts as allowed (the strict side)."""
    document = decode_document(policy)
    if isinstance(document, dict):
        statements = _as_list(document.get("Statement"))
        if statements and all(isinstance(st, dict) for st in statements):
            return statements
    text = unwrap(policy)
    if not isinstance(text, str):
        return None
    statements = []
    for match in _ACTION_TEXT.finditer(text):
        negated, raw = match.groups()
        names = re.findall(r"[A-Za-z0-9*?:-]+", raw)
        if not names or not all(_ACTION_NAME.match(n) for n in names):
            return None  # an action that is an unrendered expression
        effect = _EFFECT_TEXT.search(_enclosing_object(text, match.start()))
        statements.append({"Effect": effect.group(1) if effect else "Allow",
                           ("NotAction" if negated else "Action"): names})
    return statements or None


def s3_write_grants(statements: list[dict]) -> list[str]:
    """Allowed S3 actions beyond Get*/List*, wildcards included. An Allow statement with NotAction
    grants everything not listed, so it counts as a grant too."""
    grants: list[str] = []
    for statement in statements:
        if statement.get("Effect", "Allow") != "Allow":
            continue
        if "NotAction" in statement:
            grants.append("NotAction (grants every action not listed)")
            continue
        for action in _as_list(statement.get("Action")):
            service = str(action).partition(":")[0].lower()  # IAM action names are case-insensitive
            if service in ("*", "s3") and not str(action).lower().startswith(READ_ONLY_S3_PREFIXES):
                grants.append(str(action))
    return grants
