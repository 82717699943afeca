"""The upgrade gate on commits built in a temporary clone: the base commit is applied once on
embedded moto (article profile), each change is a branch from it, planned against a copy of the
base state. Tests run in file order: the last one applies a real replacement, after which the
emulator no longer holds the base deployment (ProfileRun refuses further candidates)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tfsuite.upgrade.approvals import judge, load_approvals, unused
from tfsuite.upgrade.base import resolve_base, unchanged
from tfsuite.upgrade.cli import main as gate_main
from tfsuite.upgrade.flow import ProfileResult

BUCKET = "aws_s3_bucket.models"
RENAMED = "aws_s3_bucket.model_store"
LOG_GROUP = "aws_cloudwatch_log_group.tfserving"
LOG_GROUP_NAME = re.compile(r'^(\s*name\s*=\s*"/ecs/\$\{var\.name_prefix\})/tfserving"', re.M)
TODAY = dt.date.today()


def edit(path: Path, pattern: re.Pattern | str, replacement: str) -> None:
    text = path.read_text()
    new, count = (re.subn(pattern, replacement, text) if isinstance(pattern, re.Pattern)
                  else (text.replace(pattern, replacement), text.count(pattern)))
    assert count, f"{pattern} not found in {path}: the test's change no longer applies"
    path.write_text(new)


def rename_bucket(with_moved: bool):
    def change(repo: Path) -> None:
        edit(repo / "terraform" / "model_bucket.tf", 'resource "aws_s3_bucket" "models"',
             'resource "aws_s3_bucket" "model_store"')
        for tf in (repo / "terraform").glob("*.tf"):
            tf.write_text(re.sub(r"\baws_s3_bucket\.models\b", RENAMED, tf.read_text()))
        if with_moved:
            (repo / "terraform" / "moved.tf").write_text(f"moved {{\n  from = {BUCKET}\n  to   = {RENAMED}\n}}\n")
    return change


def rename_log_group(repo: Path) -> None:
    edit(repo / "terraform" / "tensorflow.tf", LOG_GROUP_NAME, r'\1/serving"')


def approved_rename(expires: dt.date):
    """The log group rename again, now with an approval of its replacement expiring on `expires`."""
    def change(repo: Path) -> None:
        rename_log_group(repo)
        (repo / "policies" / "upgrade-approvals.yaml").write_text(
            "approvals:\n"
            f"  - address: {LOG_GROUP}\n"
            "    reason: The service's log group moves to the /serving naming; old logs are not needed.\n"
            "    owner: platform-team\n"
            f"    expires: {expires.isoformat()}\n"
            "    actions: [replace]\n")
    return change


def test_a_commit_without_terraform_change_passes_without_an_apply(clone, tmp_path, monkeypatch, capsys):
    clone.commit_change("docs-only", lambda repo: (repo / "NOTES.md").write_text("a note\n"), "docs only")
    monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path))

    code = gate_main(["--repo", str(clone.path), "--base", "HEAD~1"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "terraform/ is the same as at BASE" in out
    assert (tmp_path / "upgrade.json").is_file() and "Upgrade gate" in (tmp_path / "summary.md").read_text()


def test_renaming_the_bucket_without_moved_fails_naming_the_old_address(clone, base_run):
    clone.commit_change("rename-bucket", rename_bucket(with_moved=False), "rename the model bucket resource")
    assert not unchanged(clone.path, resolve_base(clone.path, "HEAD~1"))

    result = base_run.check(clone.terraform, load_approvals(clone.path / "policies" / "upgrade-approvals.yaml"))

    assert not result.ok
    blocked = {c.address: c for c in result.judgement.blocked}
    assert blocked[BUCKET].kind == "delete", result.changes
    assert "moved" in blocked[BUCKET].cause
    assert not result.applied


def test_the_same_rename_with_a_moved_block_passes(clone, base_run):
    clone.commit_change("rename-bucket-moved", rename_bucket(with_moved=True), "rename it with a moved block")

    result = base_run.check(clone.terraform, load_approvals(clone.path / "policies" / "upgrade-approvals.yaml"))

    assert result.ok, (result.judgement, result.second_plan, result.note)
    assert [(c.moved_from, c.address) for c in result.changes if c.moved_from] == [(BUCKET, RENAMED)]
    assert not any(c.destructive for c in result.changes)


@pytest.fixture(scope="module")
def log_group_candidate(clone, base_run):
    """The log group renamed: planned once, judged with each approvals file below (their commits
    carry the same terraform/ tree, which same_terraform_as_the_candidate checks)."""
    clone.commit_change("log-group", rename_log_group, "rename the service log group")
    return base_run.plan(clone.terraform)


def same_terraform_as_the_candidate(clone) -> bool:
    return clone.tree("HEAD") == clone.tree("log-group")


def test_a_changed_log_group_name_fails_naming_resource_and_attribute(clone, log_group_candidate):
    approvals = load_approvals(clone.path / "policies" / "upgrade-approvals.yaml")
    judgement = judge(log_group_candidate.changes, approvals)

    blocked = {c.address: c for c in judgement.blocked}
    assert LOG_GROUP in blocked, log_group_candidate.changes
    assert blocked[LOG_GROUP].kind == "replace"
    assert "name" in blocked[LOG_GROUP].replace_paths
    assert "forced by name" in blocked[LOG_GROUP].cause


def test_an_expired_approval_does_not_let_it_pass(clone, log_group_candidate):
    clone.commit_change("log-group-expired", approved_rename(TODAY - dt.timedelta(days=1)), "expired approval")
    assert same_terraform_as_the_candidate(clone)
    approvals = load_approvals(clone.path / "policies" / "upgrade-approvals.yaml")

    judgement = judge(log_group_candidate.changes, approvals)

    assert LOG_GROUP in {c.address for c in judgement.blocked}
    assert any("expired" in p for p in approvals.problems)


def test_an_approval_with_a_future_expiry_lets_it_pass_and_the_upgrade_converges(clone, base_run,
                                                                                  log_group_candidate):
    clone.commit_change("log-group-approved", approved_rename(TODAY + dt.timedelta(days=30)), "approved")
    assert same_terraform_as_the_candidate(clone)
    approvals = load_approvals(clone.path / "policies" / "upgrade-approvals.yaml")
    judgement = judge(log_group_candidate.changes, approvals)
    assert approvals.problems == [] and LOG_GROUP in {c.address for c, _ in judgement.approved}
    assert unused(approvals, [judgement]) == []
    assert judgement.ok, f"other unapproved deletes/replaces: {[str(c) for c in judgement.blocked]}"
    # the log group's name is in the container definitions: a new task definition revision, routine
    assert {c.address for c in log_group_candidate.changes if c.routine} == {"aws_ecs_task_definition.tfserving"}

    result = ProfileResult(base_run.profile.name, log_group_candidate.changes, judgement)
    base_run.finish(log_group_candidate, result)

    assert result.applied and result.second_plan == [], result.second_plan
    assert result.ok
