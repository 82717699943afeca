"""The `tags` input a run gives the deployment.

The deployment knows nothing of this harness: it tags what it creates with its ordinary `tags`
variable. A run passes its name-prefix tag there, by which the emulator's leftovers and the
janitor find what a run made (tfsuite.emulator.leftovers, tfsuite.aws.inventory).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from tfsuite.aws.tagging import TAG_NAME_PREFIX


def run_tags(name_prefix: str, var_files: Iterable[Path] = (), explicit: Mapping | None = None) -> dict[str, str]:
    """The var files' own tags (a later -var-file replaces a map whole, so they are carried
    over), then the explicit ones, then the run's name-prefix tag."""
    tags: dict[str, str] = {}
    for var_file in var_files:
        tags.update(file_tags(Path(var_file)))
    tags.update({str(k): str(v) for k, v in (explicit or {}).items()})
    tags[TAG_NAME_PREFIX] = name_prefix
    return tags


def file_tags(var_file: Path) -> dict[str, str]:
    """The `tags` map of a .tfvars or .tfvars.json file ({} when it sets none)."""
    if var_file.name.endswith(".json"):
        tags = json.loads(var_file.read_text()).get("tags") or {}
    else:
        from tfsuite.static.hcl import parse_file

        tags = parse_file(var_file).get("tags") or {}
    if not isinstance(tags, dict):
        raise ValueError(f"{var_file}: tags must be a map of strings, found {tags!r}")
    return {str(k): str(v) for k, v in tags.items()}
