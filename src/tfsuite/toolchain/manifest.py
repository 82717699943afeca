"""The toolchain manifest written by the bootstrap and read by the harness."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tfsuite.paths import STATE_DIR

MANIFEST = STATE_DIR / "toolchain.json"


class ToolchainMissing(RuntimeError):
    """The CLI, the provider or checkov is not set up: the message says what to run."""


@dataclass(frozen=True)
class Toolchain:
    # the CLI and provider fields are None when only layers that need neither were set up
    # (`bootstrap --for unit`): load_toolchain() then says to run the bootstrap
    cli: Path | None  # terraform or tofu binary
    cli_kind: str | None  # "terraform" or "tofu"
    cli_version: str | None
    cli_source: str | None  # "path", "release" or "built"
    cli_config_file: Path | None  # used through TF_CLI_CONFIG_FILE, never ~/.terraformrc
    provider_version: str | None  # hashicorp/aws version the mirror (or registry) provides
    provider_source: str | None  # "mirror", "network-mirror" or "registry"
    mirror_dir: Path | None
    checkov: Path | None
    extra: dict = field(default_factory=dict)

    def env(self, base: dict | None = None) -> dict[str, str]:
        """Environment for running the CLI: our CLI config, automation mode, no checkpoint calls."""
        env = dict(os.environ if base is None else base)
        env.update({
            "TF_CLI_CONFIG_FILE": str(self.cli_config_file),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            # our lock files are made in temporary copies from the mirror, never from the registry
            "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE": "true",
        })
        return env

    def to_json(self) -> str:
        data = asdict(self)
        return json.dumps({k: (str(v) if isinstance(v, Path) else v) for k, v in data.items()}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Toolchain:
        data = json.loads(text)
        for key in ("cli", "cli_config_file", "mirror_dir", "checkov"):
            if data.get(key):
                data[key] = Path(data[key])
        return cls(**data)


def read_manifest(manifest: Path = MANIFEST) -> Toolchain | None:
    """The manifest as written, unchecked; None when there is none."""
    return Toolchain.from_json(manifest.read_text()) if manifest.exists() else None


def load_toolchain(manifest: Path = MANIFEST, *, need_cli: bool = True) -> Toolchain:
    """Read the manifest and check that what it names still exists.

    need_cli=False accepts a manifest from a bootstrap for layers without Terraform (checkov only)."""
    toolchain = read_manifest(manifest)
    if toolchain is None:
        raise ToolchainMissing(f"no toolchain manifest at {manifest}: run `make bootstrap` first")
    if not need_cli:
        return toolchain
    if toolchain.cli is None or toolchain.cli_config_file is None:
        raise ToolchainMissing(f"{manifest} was written for layers that need no Terraform CLI: "
                               "run `make bootstrap` (or the layer's make target)")
    for label, path in (("CLI", toolchain.cli), ("CLI config", toolchain.cli_config_file)):
        if not path.exists():
            raise ToolchainMissing(f"{label} {path} named in {manifest} is gone: run `make bootstrap`")
    return toolchain
