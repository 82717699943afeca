"""Values the Terraform deployment fixes for the serving container, read from the variable
defaults in terraform/variables.tf so that no test keeps a second copy (image tag, model name).

python-hcl2 parses the file when it is installed; otherwise a small scanner reads the
top-level `default = "..."` of the variable block (string defaults only).
"""

from __future__ import annotations

import re
from pathlib import Path

from tfsuite.paths import TERRAFORM_DIR

VARIABLES_FILE = TERRAFORM_DIR / "variables.tf"
MODEL_BASE_PATH = "/models"  # the task's MODEL_BASE_PATH: TF Serving reads <base>/<model>/<version>


class DeploymentConfigError(RuntimeError):
    """terraform/variables.tf is missing or does not give the default a test relies on."""


def tfserving_image(variables_file: Path = VARIABLES_FILE) -> str:
    return variable_default("tfserving_image", variables_file)


def model_name(variables_file: Path = VARIABLES_FILE) -> str:
    return variable_default("model_name", variables_file)


def variable_default(name: str, variables_file: Path = VARIABLES_FILE) -> str:
    """The string default of `variable "<name>"`; DeploymentConfigError when there is none."""
    if not name:
        raise ValueError("variable name must not be empty")
    path = Path(variables_file)
    if not path.is_file():
        raise DeploymentConfigError(f"{path} not found: the serving tests read variable defaults from it")
    text = path.read_text()
    variables = _parse_with_hcl2(text)
    if variables is None:
        variables = _scan_string_defaults(text)
    if name not in variables:
        raise DeploymentConfigError(f'{path} declares no variable "{name}"')
    default = variables[name]
    if not isinstance(default, str) or not default:
        raise DeploymentConfigError(f'variable "{name}" in {path} has no string default (found {default!r})')
    return default


def _parse_with_hcl2(text: str) -> dict | None:
    """{variable: default or None} via python-hcl2 8.x; None when python-hcl2 is not available."""
    try:
        import hcl2
        from hcl2.utils import SerializationOptions
    except ImportError:  # not installed, or bc-python-hcl2 (checkov's) under the same import name
        return None
    options = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
    try:
        document = hcl2.loads(text, serialization_options=options)
    except Exception as err:  # lark raises several unrelated types for bad syntax
        raise DeploymentConfigError(f"cannot parse terraform variables: {err}") from err
    variables: dict = {}
    for block in document.get("variable", []):
        for var_name, body in block.items():
            variables[var_name.strip('"')] = body.get("default")
    return variables


_VARIABLE_START = re.compile(r'^\s*variable\s+"([^"]+)"\s*\{', re.MULTILINE)
_STRING_DEFAULT = re.compile(r'^\s*default\s*=\s*"([^"]*)"\s*$', re.MULTILINE)


def _scan_string_defaults(text: str) -> dict:
    """Fallback: {variable: string default or None} from the top level of each variable block."""
    variables: dict = {}
    for start in _VARIABLE_START.finditer(text):
        top_level = _top_level_of_block(text, start.end())
        default = _STRING_DEFAULT.search(top_level)
        variables[start.group(1)] = default.group(1) if default else None
    return variables


def _top_level_of_block(text: str, body_start: int) -> str:
    """The text of a block body at nesting depth 1 (nested blocks and objects left out)."""
    depth, in_string, kept = 1, False, []
    index = body_start
    while index < len(text) and depth:
        char = text[index]
        if in_string:
            if char == "\\":
                if depth == 1:
                    kept.append(text[index:index + 2])
                index += 2
                continue
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        if depth == 1 and not (char in "}]" and not in_string):
            kept.append(char)
        index += 1
    return "".join(kept)
