"""The base of an upgrade check: which git ref, and its terraform/ taken out of git.

BASE resolution (when no ref is given): the merge-base of HEAD with the remote main branch
(origin/main first, then any remote's main) when there is one, else the latest tag reachable
from HEAD, else HEAD~1. The base's terraform/ is taken with `git archive` into a temporary folder:
the user's checkout, index and worktrees are never touched.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

TERRAFORM = "terraform"


class BaseError(ValueError):
    """The base ref cannot be used: the message says why (not a commit, no terraform/, not a repo)."""


@dataclass(frozen=True)
class Base:
    ref: str  # as given or resolved (e.g. "origin/main" merge-base -> its commit)
    commit: str
    how: str  # how it was chosen, for the report


def git(repo: Path, *args: str, check: bool = True, binary: bool = False) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=not binary)
    if check and result.returncode != 0:
        err = result.stderr if not binary else result.stderr.decode(errors="replace")
        raise BaseError(f"git {' '.join(args)} failed in {repo}: {err.strip()}")
    return result


def _ok(repo: Path, *args: str) -> str | None:
    result = git(repo, *args, check=False)
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def check_repository(repo: Path) -> Path:
    """The top of the git working tree `repo` is in; BaseError when it is not in one."""
    if not Path(repo).is_dir():
        raise BaseError(f"{repo} is not a directory")
    top = _ok(Path(repo), "rev-parse", "--show-toplevel")
    if top is None:
        raise BaseError(f"{repo} is not inside a git working tree: the upgrade gate compares git refs")
    return Path(top)


def remote_main(repo: Path) -> str | None:
    """origin/main if it exists, else the first <remote>/main, else None."""
    if _ok(repo, "rev-parse", "--verify", "-q", "refs/remotes/origin/main^{commit}"):
        return "origin/main"
    refs = _ok(repo, "for-each-ref", "--format=%(refname:short)", "refs/remotes/*/main")
    return refs.splitlines()[0] if refs else None


def resolve_base(repo: Path, ref: str | None = None) -> Base:
    """The commit to compare with: `ref` when given (it must name a commit with a terraform/
    folder), else the default order above."""
    repo = check_repository(repo)
    if ref is not None:
        if not ref.strip() or ref.startswith("-"):
            raise BaseError(f"BASE {ref!r} is not a git ref")
        commit = _ok(repo, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}")
        if commit is None:
            raise BaseError(f"BASE {ref!r} does not name a commit in {repo} "
                            "(fetch it first, e.g. git fetch origin main, or give a commit, tag or branch)")
        base = Base(ref, commit, "given")
    else:
        base = _default_base(repo)
    if _ok(repo, "cat-file", "-t", f"{base.commit}:{TERRAFORM}") != "tree":
        raise BaseError(f"BASE {base.ref} ({base.commit[:12]}, {base.how}) has no {TERRAFORM}/ folder: "
                        "nothing to upgrade from; give another BASE")
    return base


def _default_base(repo: Path) -> Base:
    main = remote_main(repo)
    if main:
        commit = _ok(repo, "merge-base", "HEAD", main)
        if commit:
            return Base(main, commit, f"merge-base of HEAD and {main}")
    tag = _ok(repo, "describe", "--tags", "--abbrev=0", "HEAD")
    if tag:
        return Base(tag, _ok(repo, "rev-parse", f"{tag}^{{commit}}") or tag, "latest tag")
    commit = _ok(repo, "rev-parse", "--verify", "-q", "HEAD~1^{commit}")
    if commit is None:
        raise BaseError(f"no BASE in {repo}: no remote main branch, no tag and no parent of HEAD "
                        "(give one with BASE=<ref>)")
    return Base("HEAD~1", commit, "parent of HEAD (no remote main branch, no tag)")


def unchanged(repo: Path, base: Base) -> bool:
    """True when the working tree's terraform/ equals the base's: no tracked difference (staged or
    not) and no untracked file that git does not ignore."""
    repo = check_repository(repo)
    diff = git(repo, "diff", "--quiet", base.commit, "--", TERRAFORM, check=False)
    if diff.returncode not in (0, 1):
        raise BaseError(f"git diff against {base.ref} failed: {diff.stderr.strip()}")
    untracked = git(repo, "ls-files", "--others", "--exclude-standard", "--", TERRAFORM).stdout.strip()
    return diff.returncode == 0 and not untracked


def extract_terraform(repo: Path, base: Base, into: Path | None = None) -> Path:
    """The base's terraform/ folder, written from `git archive` into a new temporary folder
    (or `into`); returns the path of the extracted terraform/."""
    repo = check_repository(repo)
    archive = git(repo, "archive", "--format=tar", base.commit, TERRAFORM, binary=True).stdout
    parent = Path(into) if into is not None else Path(tempfile.mkdtemp(prefix="tfsuite-base-"))
    parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(parent, filter="data")
    return parent / TERRAFORM
