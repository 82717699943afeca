"""BASE resolution and the base's terraform/ out of git, on small repositories made here."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tfsuite.upgrade.base import BaseError, extract_terraform, resolve_base, unchanged


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def commit(repo: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "work")
    git(path, "config", "user.email", "t@example.invalid")
    git(path, "config", "user.name", "t")
    return path


@pytest.fixture
def history(repo) -> dict[str, str]:
    """first (no terraform/), second and third (terraform/ changes each time)."""
    return {"first": commit(repo, {"README.md": "x\n"}, "first"),
            "second": commit(repo, {"terraform/main.tf": "# v1\n"}, "second"),
            "third": commit(repo, {"terraform/main.tf": "# v2\n"}, "third")}


def test_without_remote_main_or_tag_the_base_is_the_parent(repo, history):
    base = resolve_base(repo)
    assert (base.commit, base.ref) == (history["second"], "HEAD~1")


def test_the_latest_tag_comes_before_the_parent(repo, history):
    git(repo, "tag", "v1", history["second"])
    commit(repo, {"terraform/main.tf": "# v3\n"}, "fourth")
    base = resolve_base(repo)
    assert (base.ref, base.commit, base.how) == ("v1", history["second"], "latest tag")


def test_the_merge_base_with_the_remote_main_comes_first(repo, history):
    git(repo, "tag", "v1", history["third"])
    git(repo, "update-ref", "refs/remotes/origin/main", history["second"])
    assert resolve_base(repo).commit == history["second"]
    git(repo, "update-ref", "-d", "refs/remotes/origin/main")
    git(repo, "update-ref", "refs/remotes/upstream/main", history["second"])
    assert resolve_base(repo).ref == "upstream/main"


def test_a_given_base_must_be_a_commit_with_terraform(repo, history):
    assert resolve_base(repo, history["second"][:10]).commit == history["second"]
    with pytest.raises(BaseError, match="does not name a commit"):
        resolve_base(repo, "no-such-branch")
    with pytest.raises(BaseError, match="has no terraform/ folder"):
        resolve_base(repo, history["first"])
    with pytest.raises(BaseError, match="not a git ref"):
        resolve_base(repo, "--output=x")


def test_a_repository_with_one_commit_and_no_tag_has_no_default_base(repo):
    commit(repo, {"terraform/main.tf": "# v1\n"}, "only")
    with pytest.raises(BaseError, match="no BASE"):
        resolve_base(repo)


def test_a_folder_outside_git_is_refused(tmp_path):
    with pytest.raises(BaseError, match="not inside a git working tree"):
        resolve_base(tmp_path)


def test_unchanged_sees_edits_staged_or_not_and_untracked_files_but_not_ignored_ones(repo, history):
    base = resolve_base(repo, "HEAD")
    assert unchanged(repo, base)
    (repo / ".gitignore").write_text("terraform/.terraform/\n")
    (repo / "terraform" / ".terraform").mkdir()
    (repo / "terraform" / ".terraform" / "x").write_text("cache\n")
    assert unchanged(repo, base)
    (repo / "terraform" / "new.tf").write_text("# new\n")
    assert not unchanged(repo, base)
    git(repo, "add", "terraform/new.tf")
    assert not unchanged(repo, base)
    git(repo, "rm", "-q", "--cached", "terraform/new.tf")
    (repo / "terraform" / "new.tf").unlink()
    (repo / "terraform" / "main.tf").write_text("# edited\n")
    assert not unchanged(repo, base)


def test_the_base_is_taken_from_git_without_touching_the_checkout(repo, history, tmp_path):
    (repo / "terraform" / "main.tf").write_text("# uncommitted\n")
    extracted = extract_terraform(repo, resolve_base(repo, history["second"]), tmp_path / "base")
    assert (extracted / "main.tf").read_text() == "# v1\n"
    assert (repo / "terraform" / "main.tf").read_text() == "# uncommitted\n"
    assert git(repo, "status", "--porcelain") == "M terraform/main.tf"
    assert git(repo, "worktree", "list").count("\n") == 0
