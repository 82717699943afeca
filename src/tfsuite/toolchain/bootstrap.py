"""`make bootstrap`: find or build the CLI, the provider and checkov, then write the manifest.

With layers named (`--for unit`), only what those layers need (tfsuite.toolchain.needs) is set
up, and merged into the manifest beside what earlier bootstraps recorded."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from tfsuite.paths import STATE_DIR, cache_dir
from tfsuite.toolchain import checkov_env, cli, cliconfig, needs, provider
from tfsuite.toolchain.manifest import MANIFEST, Toolchain, read_manifest
from tfsuite.toolchain.progress import fmt_seconds, say


@contextmanager
def _exclusive(lock_path: Path):
    """One bootstrap at a time per cache: a second one waits instead of racing the build."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"another bootstrap holds {lock_path}; waiting for it")
            fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def run(*, cli_choice: str, provider_mode: str, with_checkov: bool = True, layers: list[str] | None = None,
        state_dir: Path = STATE_DIR) -> Toolchain | None:
    """Set up what `layers` need (None: everything) and merge it into the manifest.

    Returns the manifest written, or None when the layers need nothing from the toolchain."""
    started = time.monotonic()
    wanted = needs.needs_for(layers)
    if not with_checkov:
        wanted.pop("checkov", None)
    if layers is not None:
        _announce(layers, wanted)
    if not wanted:
        return None
    cache = cache_dir()
    choice = cli.parse_choice(cli_choice)
    manifest = state_dir / MANIFEST.name
    with _exclusive(cache / "bootstrap.lock"):
        fields = _fields(read_manifest(manifest), cache)
        if "cli" in wanted or "provider" in wanted:
            fields.update(_cli_and_provider(choice, provider_mode, cache, state_dir))
        if "checkov" in wanted:
            step = time.monotonic()
            fields["checkov"] = checkov_env.ensure(cache)
            say(f"checkov: {fields['checkov']} ({fmt_seconds(time.monotonic() - step)})")
        toolchain = Toolchain(**fields)
        state_dir.mkdir(parents=True, exist_ok=True)
        tmp = manifest.with_name(manifest.name + f".tmp-{os.getpid()}")
        tmp.write_text(toolchain.to_json() + "\n")
        os.replace(tmp, manifest)
    say(f"toolchain ready in {fmt_seconds(time.monotonic() - started)}; manifest {manifest}")
    return toolchain


def _announce(layers: list[str], wanted: dict[str, list[str]]) -> None:
    """Say what is set up for which layer and why, and what is left out."""
    for component, users in wanted.items():
        say(f"setting up {component} for {', '.join(users)}: {needs.WHY[component]}")
    skipped = [c for c in needs.COMPONENTS if c not in wanted]
    if skipped:
        say(f"not needed by {', '.join(layers)}: {', '.join(skipped)} (left as it is)")


def _fields(previous: Toolchain | None, cache: Path) -> dict:
    """Start from what an earlier bootstrap of this checkout recorded (other layers' components)."""
    empty = dict.fromkeys(("cli", "cli_kind", "cli_version", "cli_source", "cli_config_file",
                           "provider_version", "provider_source", "mirror_dir", "checkov"))
    fields = {**empty, **(vars(previous) if previous else {})}
    if previous and previous.extra.get("cache_dir") != str(cache):
        fields.update(empty)  # recorded under another cache: nothing of it is reused
    fields["extra"] = {**(previous.extra if previous else {}), "cache_dir": str(cache)}
    return fields


def _cli_and_provider(choice: str, provider_mode: str, cache: Path, state_dir: Path) -> dict:
    step = time.monotonic()
    chosen = cli.resolve(choice, cache)
    say(f"CLI: {chosen.kind} {chosen.version} at {chosen.path} (from {chosen.source}; "
        f"{fmt_seconds(time.monotonic() - step)})")
    step = time.monotonic()
    prov = provider.ensure(cache, provider_mode, cli_kind=chosen.kind)
    where = prov.mirror_url or prov.mirror_dir
    say(f"provider: hashicorp/aws {prov.version} via {prov.source}" + (f" at {where}" if where else "")
        + f" ({fmt_seconds(time.monotonic() - step)})")
    config = cliconfig.write(state_dir / "cli.tfrc", prov.mirror_dir, cache / "plugin-cache",
                             network_mirror=prov.mirror_url)
    return {"cli": chosen.path, "cli_kind": chosen.kind, "cli_version": chosen.version,
            "cli_source": chosen.source, "cli_config_file": config, "provider_version": prov.version,
            "provider_source": prov.source, "mirror_dir": prov.mirror_dir}
