"""`make bootstrap`: find or build the CLI, the provider and checkov, then write the manifest."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from tfsuite.paths import STATE_DIR, cache_dir
from tfsuite.toolchain import checkov_env, cli, cliconfig, provider
from tfsuite.toolchain.manifest import MANIFEST, Toolchain
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


def run(*, cli_choice: str, provider_mode: str, with_checkov: bool = True) -> Toolchain:
    started = time.monotonic()
    cache = cache_dir()
    choice = cli.parse_choice(cli_choice)
    with _exclusive(cache / "bootstrap.lock"):
        step = time.monotonic()
        chosen = cli.resolve(choice, cache)
        say(f"CLI: {chosen.kind} {chosen.version} at {chosen.path} (from {chosen.source}; "
            f"{fmt_seconds(time.monotonic() - step)})")
        step = time.monotonic()
        prov = provider.ensure(cache, provider_mode)
        say(f"provider: hashicorp/aws {prov.version} via {prov.source}"
            + (f" at {prov.mirror_dir}" if prov.mirror_dir else "")
            + f" ({fmt_seconds(time.monotonic() - step)})")
        checkov = None
        if with_checkov:
            step = time.monotonic()
            checkov = checkov_env.ensure(cache)
            say(f"checkov: {checkov} ({fmt_seconds(time.monotonic() - step)})")
        config = cliconfig.write(STATE_DIR / "cli.tfrc", prov.mirror_dir, cache / "plugin-cache")
        toolchain = Toolchain(
            cli=chosen.path, cli_kind=chosen.kind, cli_version=chosen.version, cli_source=chosen.source,
            cli_config_file=config, provider_version=prov.version, provider_source=prov.source,
            mirror_dir=prov.mirror_dir, checkov=checkov, extra={"cache_dir": str(cache)},
        )
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = MANIFEST.with_name(MANIFEST.name + f".tmp-{os.getpid()}")
        tmp.write_text(toolchain.to_json() + "\n")
        os.replace(tmp, MANIFEST)
    say(f"toolchain ready in {fmt_seconds(time.monotonic() - started)}; manifest {MANIFEST}")
    return toolchain
