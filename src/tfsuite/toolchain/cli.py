"""Choose the Terraform-compatible CLI: on PATH, else an official release, else OpenTofu built from Go.

TF_CLI=terraform or TF_CLI=tofu forces the kind; TF_CLI=/path/to/binary forces a binary.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import re
import shutil
import subprocess
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tfsuite.toolchain import gobuild, pins
from tfsuite.toolchain.progress import StepFailed, fmt_seconds, say

KINDS = ("terraform", "tofu")


@dataclass(frozen=True)
class Cli:
    path: Path
    kind: str
    version: str
    source: str  # "path", "release", "built" or "explicit"


def parse_choice(value: str | None) -> str:
    """Validate TF_CLI: empty/auto, terraform, tofu, or a path to an existing binary."""
    value = (value or "").strip()
    if value in ("", "auto", *KINDS):
        return value or "auto"
    if os.sep in value:
        if not (Path(value).is_file() and os.access(value, os.X_OK)):
            raise StepFailed(f"TF_CLI={value!r}: no executable file there")
        return value
    raise StepFailed(f"TF_CLI={value!r} is not understood: use 'terraform', 'tofu', 'auto' or a path to a binary")


def probe(binary: Path) -> tuple[str, str]:
    """Return (kind, version) from `<binary> version -json`."""
    try:
        proc = subprocess.run([str(binary), "version", "-json"], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull})
        data = json.loads(proc.stdout)
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        raise StepFailed(f"{binary} does not answer `version -json` like terraform or tofu: {exc}") from exc
    version = data.get("terraform_version", "")
    kind = "tofu" if "opentofu" in proc.stdout.lower() or binary.name.startswith("tofu") else "terraform"
    return kind, version


def supported(version: str) -> bool:
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", version)
    if not match:
        return False
    parts = tuple(int(x) for x in match.groups())
    return pins.SUPPORTED_CLI_MIN <= parts < pins.SUPPORTED_CLI_BELOW


def _from_path(kinds: tuple[str, ...]) -> Cli | None:
    for kind in kinds:
        found = shutil.which(kind)
        if not found:
            continue
        real_kind, version = probe(Path(found))
        if supported(version):
            return Cli(Path(found), real_kind, version, "path")
        say(f"{found} is version {version}, outside the supported range; looking further")
    return None


def _download_terraform(dest_dir: Path) -> Cli | None:
    """Official release with its SHA256SUMS; None (not an error) when the download site is unreachable."""
    version = pins.TERRAFORM_RELEASE
    cached = dest_dir / "terraform"
    if cached.exists():
        return Cli(cached, "terraform", probe(cached)[1], "release")
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    url = pins.TERRAFORM_RELEASE_URL.format(v=version, os="linux", arch=arch)
    try:
        archive = urllib.request.urlopen(url, timeout=10).read()
        sums = urllib.request.urlopen(pins.TERRAFORM_SUMS_URL.format(v=version), timeout=10).read().decode()
    except OSError as exc:
        say(f"official Terraform release not reachable ({type(exc).__name__}: {exc}); falling back")
        return None
    digest = hashlib.sha256(archive).hexdigest()
    if f"{digest}  {url.rsplit('/', 1)[1]}" not in sums:
        raise StepFailed(f"downloaded {url} does not match its SHA256SUMS: refusing it")
    dest_dir.mkdir(parents=True, exist_ok=True)
    tmp = dest_dir / f"terraform.tmp-{os.getpid()}"
    tmp.write_bytes(zipfile.ZipFile(io.BytesIO(archive)).read("terraform"))
    tmp.chmod(0o755)
    final = dest_dir / "terraform"
    os.replace(tmp, final)
    return Cli(final, "terraform", probe(final)[1], "release")


def _built_tofu(cache: Path) -> Cli:
    version = pins.OPENTOFU_VERSION
    final = cache / "cli" / f"opentofu-{version}" / "tofu"
    if final.exists():
        return Cli(final, "tofu", probe(final)[1], "built")
    log = cache / "logs" / f"opentofu-{version}.log"
    gobuild.preflight(cache, need_gb=4, label="OpenTofu build")
    say(f"building OpenTofu {version} from Go module sources (one-off; a few minutes)")
    src = gobuild.download_module(pins.OPENTOFU_MODULE, version, log=log)
    work = gobuild.writable_copy(src, cache / "cli" / f"opentofu-{version}.src-{os.getpid()}")
    try:
        result = gobuild.build(work, package="./cmd/tofu", output=final, ldflags=pins.OPENTOFU_LDFLAGS,
                               log=log, label=f"OpenTofu {version}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"OpenTofu built in {fmt_seconds(result.seconds)} (peak RSS of one process {result.peak_rss_mb} MB)")
    return Cli(final, "tofu", probe(final)[1], "built")


def resolve(choice: str, cache: Path) -> Cli:
    """Find or make the CLI the user asked for (choice from parse_choice)."""
    if choice not in ("auto", *KINDS):
        kind, version = probe(Path(choice))
        if not supported(version):
            raise StepFailed(f"TF_CLI={choice} is version {version}; supported: >= 1.6.0, < 2.0.0")
        return Cli(Path(choice), kind, version, "explicit")
    kinds = KINDS if choice == "auto" else (choice,)
    found = _from_path(kinds)
    if found:
        return found
    if choice in ("auto", "terraform"):
        downloaded = _download_terraform(cache / "cli" / f"terraform-{pins.TERRAFORM_RELEASE}")
        if downloaded:
            return downloaded
        if choice == "terraform":
            raise StepFailed("TF_CLI=terraform but no terraform on PATH and the official release is not "
                             "reachable; Terraform (BUSL) is not built from source here: use TF_CLI=tofu or auto")
    return _built_tofu(cache)
