"""Fixtures of the upgrade layer.

- `toolchain`, `moto`: the bootstrap's CLI and provider; embedded moto (the gate's emulator).
- `clone`: a temporary clone of this repository whose HEAD commit carries the checkout's terraform/
  and an empty approvals file (the base of every change the tests build); `commit_change()` makes
  a branch from it with a change.
- `base_run`: the base commit's terraform/ applied ONCE per session with the article profile; the
  tests plan their candidate trees against copies of that state (tfsuite.upgrade.flow).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tfsuite.copies import copy_folder
from tfsuite.emulator.moto_server import EmbeddedMoto
from tfsuite.paths import REPO_ROOT, TERRAFORM_DIR
from tfsuite.upgrade.base import extract_terraform, resolve_base
from tfsuite.upgrade.flow import ProfileRun, list_profiles

PROFILE = "article"  # the lighter example profile (no NAT gateway): one base apply serves every test
_TIMINGS: list[tuple[str, float]] = []


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()



@pytest.fixture(scope="session")
def moto():
    with EmbeddedMoto() as emulator:
        yield emulator


class Clone:
    def __init__(self, path: Path, base: str) -> None:
        self.path, self.base = path, base

    @property
    def terraform(self) -> Path:
        return self.path / "terraform"

    def tree(self, ref: str) -> str:
        """The git tree id of terraform/ at `ref` (equal ids: identical folders)."""
        return git(self.path, "rev-parse", f"{ref}:terraform")

    def commit_change(self, branch: str, change: Callable[[Path], None], message: str) -> str:
        """Check out a new branch at the base commit, let `change` edit the clone, commit it all."""
        git(self.path, "checkout", "-q", "-B", branch, self.base)
        change(self.path)
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)
        return git(self.path, "rev-parse", "HEAD")


@pytest.fixture(scope="session")
def clone(tmp_path_factory) -> Clone:
    path = tmp_path_factory.mktemp("upgrade") / "repo"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(REPO_ROOT), str(path)], check=True)
    git(path, "config", "user.email", "upgrade-tests@example.invalid")
    git(path, "config", "user.name", "upgrade tests")
    shutil.rmtree(path / "terraform")  # the checkout's terraform/ as it is now (committed or not)
    copy_folder(TERRAFORM_DIR, path / "terraform")
    (path / "policies" / "upgrade-approvals.yaml").write_text("approvals: []\n")  # each test adds its own
    git(path, "add", "-A", "terraform", "policies")
    git(path, "commit", "-q", "--allow-empty", "-m", "base: the checkout's terraform/")
    return Clone(path, git(path, "rev-parse", "HEAD"))


@pytest.fixture(scope="session")
def base_run(toolchain, moto, clone):
    """The base commit's terraform/, taken out of git as the gate does, applied once (article)."""
    base_dir = extract_terraform(clone.path, resolve_base(clone.path, clone.base))
    profile = next(p for p in list_profiles(base_dir) if p.name == PROFILE)
    run = ProfileRun(toolchain, moto, base_dir, profile)
    try:
        run.apply_base()
        yield run
    finally:
        try:
            run.close()
        finally:
            _TIMINGS.extend(run.timings)
            shutil.rmtree(base_dir.parent, ignore_errors=True)


def pytest_terminal_summary(terminalreporter) -> None:
    if _TIMINGS:
        terminalreporter.section("upgrade layer: Terraform steps")
        for label, seconds in _TIMINGS:
            terminalreporter.write_line(f"{label:<40} {seconds:6.1f}s")
        terminalreporter.write_line(f"{'sum':<40} {sum(s for _, s in _TIMINGS):6.1f}s (at {time.strftime('%H:%M:%S')})")
