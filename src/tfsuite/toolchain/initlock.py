"""The lock every `terraform init` on the toolchain's shared plugin cache holds, in every layer:
Terraform re-installs into the cache and two inits at once leave it empty ("still not detected in
.../plugin-cache"), which matters once layers run side by side. Light on imports on purpose: the
lint layer's environment has no boto3."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tfsuite.paths import cache_dir
from tfsuite.toolchain.manifest import Toolchain


def init_lock_path(toolchain: Toolchain) -> Path:
    return Path(toolchain.extra.get("cache_dir") or cache_dir()) / "terraform-init.lock"


def init_lock(toolchain: Toolchain):
    """The toolchain's init lock (see exclusive)."""
    return exclusive(init_lock_path(toolchain))


@contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """An inter-process lock (flock): held by one process at a time, released at exit even on a crash."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
