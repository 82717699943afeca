"""TFSUITE_PROVIDER_MIRROR: an organisation's own provider mirror, used as it is (nothing built).

Either a folder laid out as `terraform providers mirror` writes it (packed:
`<host>/hashicorp/aws/terraform-provider-aws_<version>_<os_arch>.zip` beside index.json and
<version>.json) or unpacked (`<host>/hashicorp/aws/<version>/<os_arch>/terraform-provider-aws_*`),
or the https URL of a network mirror (the provider network mirror protocol: `<url><host>/hashicorp/
aws/index.json` and `<version>.json`). Both are checked for the pinned version and this machine's
platform before the CLI is pointed at them, so a mirror that lacks them fails here, clearly,
instead of in the middle of a test's `terraform init`.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tfsuite.toolchain import pins
from tfsuite.toolchain.progress import StepFailed

ENV = "TFSUITE_PROVIDER_MIRROR"
RECIPE = ("make one on a connected machine with `terraform providers mirror -platform={platform} DIR` "
          "in terraform/ (README: 'Air-gapped teams')")
_PACKED = re.compile(r"terraform-provider-aws_(?P<version>[^_]+)_(?P<platform>[a-z0-9]+_[a-z0-9]+)\.zip$")


def host_for(cli_kind: str) -> str:
    """The registry host a CLI resolves hashicorp/aws under (OpenTofu has a registry of its own)."""
    return pins.PROVIDER_REGISTRY_HOSTS[1] if cli_kind == "tofu" else pins.PROVIDER_REGISTRY_HOSTS[0]


def is_url(value: str) -> bool:
    return "://" in value


def _problem(where: str, what: str, platform: str) -> StepFailed:
    return StepFailed(f"{ENV}={where}: {what}.\nWhat to do: {RECIPE.format(platform=platform)}, or unset "
                      f"{ENV} to use the registry or the build from Go module sources.")


def _lacks(where: str, host: str, versions: dict[str, set[str]], platform: str) -> StepFailed | None:
    """The error for a mirror whose listing (version -> platforms) lacks the pin, else None."""
    wanted = pins.PROVIDER_VERSION
    if not versions:
        return _problem(where, f"holds no hashicorp/aws under {host}", platform)
    if wanted not in versions:
        found = ", ".join(sorted(versions))
        return _problem(where, f"holds hashicorp/aws {found} under {host}, not the pinned {wanted}", platform)
    if platform not in versions[wanted]:
        found = ", ".join(sorted(versions[wanted])) or "no platform"
        return _problem(where, f"holds hashicorp/aws {wanted} for {found}, not for this machine ({platform})",
                        platform)
    return None


def folder_listing(mirror: Path, host: str) -> dict[str, set[str]]:
    """version -> platforms found in a filesystem mirror, packed and unpacked layouts alike."""
    base = mirror / host / "hashicorp" / "aws"
    versions: dict[str, set[str]] = {}
    if not base.is_dir():
        return versions
    for entry in base.iterdir():
        packed = _PACKED.match(entry.name)
        if packed and entry.is_file():
            versions.setdefault(packed["version"], set()).add(packed["platform"])
        elif entry.is_dir():
            platforms = {p.name for p in entry.iterdir()
                         if p.is_dir() and any(f.name.startswith("terraform-provider-aws") for f in p.iterdir())}
            versions.setdefault(entry.name, set()).update(platforms)
    return versions


def check_folder(mirror: Path, host: str, platform: str) -> Path:
    """Return the mirror folder (resolved) when it holds the pinned provider for platform."""
    if not mirror.is_dir():
        raise _problem(str(mirror), "no such folder", platform)
    problem = _lacks(str(mirror), host, folder_listing(mirror, host), platform)
    if problem:
        raise problem
    return mirror.resolve()


def _get_json(url: str) -> dict | None:
    """GET url as JSON; None for a 404 (the mirror does not have it)."""
    try:
        with urllib.request.urlopen(url, timeout=15) as resp:
            return json.loads(resp.read().decode())
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise StepFailed(f"{ENV}: {url} answered HTTP {exc.code}") from exc
    except (OSError, ValueError) as exc:  # unreachable, TLS refused, not JSON
        raise StepFailed(f"{ENV}: cannot read {url}: {exc}") from exc


def check_url(url: str, host: str, platform: str) -> str:
    """Return the network mirror's base URL (with the trailing slash the CLI expects) when it
    serves the pinned provider for platform."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise _problem(url, "a network mirror must be an https:// URL (Terraform and OpenTofu refuse others); "
                       "a folder is given as a path", platform)
    base = url if url.endswith("/") else url + "/"
    prefix = f"{base}{host}/hashicorp/aws/"
    index = _get_json(prefix + "index.json") or {}
    versions = {v: set() for v in index.get("versions", {})}
    if pins.PROVIDER_VERSION in versions:
        archives = (_get_json(f"{prefix}{pins.PROVIDER_VERSION}.json") or {}).get("archives", {})
        versions[pins.PROVIDER_VERSION] = set(archives)
    problem = _lacks(url, host, versions, platform)
    if problem:
        raise problem
    return base
