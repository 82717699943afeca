"""The hashicorp/aws provider: the organisation's mirror when TFSUITE_PROVIDER_MIRROR names one,
else the public registry where reachable, else (last resort) a local filesystem mirror holding the
pinned release built from its Go module source."""

from __future__ import annotations

import json
import os
import platform
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tfsuite.toolchain import gobuild, mirror, pins
from tfsuite.toolchain.progress import StepFailed, fmt_seconds, say


@dataclass(frozen=True)
class Provider:
    version: str
    source: str  # "registry", "mirror" (a folder) or "network-mirror"
    mirror_dir: Path | None
    mirror_url: str | None = None


def registry_reachable(timeout: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(pins.REGISTRY_PROBE_URL, timeout=timeout) as resp:
            return resp.status == 200
    except OSError:
        return False


def _platform() -> str:
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    return f"linux_{arch}"


def binary_name(version: str = pins.PROVIDER_VERSION) -> str:
    return f"terraform-provider-aws_v{version}_x5"


def mirror_binary(mirror: Path, host: str) -> Path:
    return mirror / host / "hashicorp" / "aws" / pins.PROVIDER_VERSION / _platform() / binary_name()


def _stamp(binary: Path) -> Path:
    return binary.with_name(binary.name + ".stamp.json")


def _trusted(binary: Path) -> bool:
    """Only a binary whose stamp matches it was completed and verified by an earlier run."""
    stamp = _stamp(binary)
    if not (binary.exists() and stamp.exists()):
        return False
    try:
        data = json.loads(stamp.read_text())
    except json.JSONDecodeError:
        return False
    st = binary.stat()
    return (data.get("size") == st.st_size and data.get("commit") == pins.PROVIDER_COMMIT
            and data.get("mtime_ns") == st.st_mtime_ns)


def _verify_tree(src: Path) -> None:
    found = (src / "version" / "VERSION").read_text().strip()
    if found != pins.PROVIDER_VERSION:
        raise StepFailed(f"{pins.PROVIDER_MODULE}@{pins.PROVIDER_PSEUDO_VERSION}: version/VERSION says "
                         f"{found!r}, the pin expects {pins.PROVIDER_VERSION!r}")


def _link_other_hosts(mirror: Path, built: Path) -> None:
    """OpenTofu resolves hashicorp/aws under registry.opentofu.org: same binary, hard-linked."""
    for host in pins.PROVIDER_REGISTRY_HOSTS[1:]:
        target = mirror_binary(mirror, host)
        if target.exists() and target.stat().st_ino == built.stat().st_ino:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + f".tmp-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        os.link(built, tmp)
        os.replace(tmp, target)


def ensure_mirror(cache: Path) -> Provider:
    mirror = cache / "providers" / "mirror"
    built = mirror_binary(mirror, pins.PROVIDER_REGISTRY_HOSTS[0])
    if not _trusted(built):
        _build_into(built, cache)
    _link_other_hosts(mirror, built)
    return Provider(pins.PROVIDER_VERSION, "mirror", mirror)


def _build_into(binary: Path, cache: Path) -> None:
    log = cache / "logs" / f"terraform-provider-aws-{pins.PROVIDER_VERSION}.log"
    gobuild.preflight(cache, need_gb=12, label="AWS provider build")
    say(f"building hashicorp/aws {pins.PROVIDER_VERSION} (commit {pins.PROVIDER_COMMIT}) from Go module sources; "
        "the first build takes tens of minutes and several GB (Go's build cache makes later ones fast)")
    src = gobuild.download_module(pins.PROVIDER_MODULE, pins.PROVIDER_PSEUDO_VERSION, log=log,
                                  expected_sum=pins.PROVIDER_MODULE_SUM)
    _verify_tree(src)
    result = gobuild.build(src, package=".", output=binary, ldflags=pins.PROVIDER_LDFLAGS, log=log,
                           label=f"AWS provider {pins.PROVIDER_VERSION}")
    st = binary.stat()
    stamp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "commit": pins.PROVIDER_COMMIT,
             "pseudo_version": pins.PROVIDER_PSEUDO_VERSION, "build_seconds": round(result.seconds),
             "peak_rss_mb": result.peak_rss_mb}
    tmp = _stamp(binary).with_suffix(".tmp")
    tmp.write_text(json.dumps(stamp, indent=2))
    os.replace(tmp, _stamp(binary))
    say(f"AWS provider built in {fmt_seconds(result.seconds)}, {st.st_size / 1024**2:.0f} MB, "
        f"peak RSS of one process {result.peak_rss_mb} MB")


def from_env_mirror(value: str, cli_kind: str) -> Provider:
    """TFSUITE_PROVIDER_MIRROR, used as it is once it is known to hold the pin for this machine."""
    host = mirror.host_for(cli_kind)
    if mirror.is_url(value):
        url = mirror.check_url(value, host, _platform())
        say(f"provider from the network mirror {url} ({mirror.ENV}); nothing is built")
        return Provider(pins.PROVIDER_VERSION, "network-mirror", None, url)
    folder = mirror.check_folder(Path(value).expanduser(), host, _platform())
    say(f"provider from the filesystem mirror {folder} ({mirror.ENV}), used as it is; nothing is built")
    return Provider(pins.PROVIDER_VERSION, "mirror", folder)


def ensure(cache: Path, mode: str, cli_kind: str = "terraform") -> Provider:
    """mode: auto (registry if reachable, else mirror), registry, or mirror.

    TFSUITE_PROVIDER_MIRROR, when set, comes first (with auto or mirror); the build from Go module
    sources into the cache's mirror is the last resort."""
    if mode not in ("auto", "registry", "mirror"):
        raise StepFailed(f"TFSUITE_PROVIDER={mode!r}: use auto, registry or mirror")
    own = os.environ.get(mirror.ENV, "").strip()
    if own and mode == "registry":
        raise StepFailed(f"TFSUITE_PROVIDER=registry and {mirror.ENV} are both set: unset one of them")
    if own:
        return from_env_mirror(own, cli_kind)
    if mode == "registry" or (mode == "auto" and registry_reachable()):
        say("provider from the Terraform registry through an ordinary init")
        return Provider(pins.PROVIDER_VERSION, "registry", None)
    if mode == "auto":
        say("Terraform registry not reachable: using the local provider mirror")
    return ensure_mirror(cache)
