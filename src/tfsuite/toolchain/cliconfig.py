"""The CLI configuration file the harness uses through TF_CLI_CONFIG_FILE (never ~/.terraformrc)."""

from __future__ import annotations

import os
from pathlib import Path

from tfsuite.toolchain import pins


def render(mirror: Path | None, plugin_cache: Path, network_mirror: str | None = None) -> str:
    lines = [
        "# Written by `make bootstrap` (tfsuite.toolchain); used through TF_CLI_CONFIG_FILE.",
        f'plugin_cache_dir = "{plugin_cache}"',
        "disable_checkpoint = true",
    ]
    if mirror is not None or network_mirror is not None:
        sources = ", ".join(f'"{host}/hashicorp/aws"' for host in pins.PROVIDER_REGISTRY_HOSTS)
        kind, key, value = (("filesystem_mirror", "path", mirror) if mirror is not None
                            else ("network_mirror", "url", network_mirror))
        lines += [
            "provider_installation {",
            f"  {kind} {{",
            f'    {key:<7} = "{value}"',
            f"    include = [{sources}]",
            "  }",
            "  direct {",
            f"    exclude = [{sources}]",
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


def write(path: Path, mirror: Path | None, plugin_cache: Path, *, network_mirror: str | None = None) -> Path:
    plugin_cache.mkdir(parents=True, exist_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render(mirror, plugin_cache, network_mirror)
    if not path.exists() or path.read_text() != text:
        tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
        tmp.write_text(text)
        os.replace(tmp, path)
    return path
