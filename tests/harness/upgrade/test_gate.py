"""The gate's decisions that need no Terraform: profiles new in the change, the verdict's parts."""

from __future__ import annotations

from tfsuite.upgrade.approvals import Judgement
from tfsuite.upgrade.base import Base
from tfsuite.upgrade.classify import Change
from tfsuite.upgrade.flow import ProfileResult
from tfsuite.upgrade.gate import GateResult, run_gate

from .test_base import commit, git


def test_a_profile_new_in_the_change_is_skipped_with_its_reason(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.invalid")
    git(repo, "config", "user.name", "t")
    commit(repo, {"terraform/main.tf": "# v1\n", "policies/upgrade-approvals.yaml": "approvals: []\n"}, "base")
    commit(repo, {"terraform/examples/new.tfvars": "x = 1\n"}, "a new profile")

    # nothing is applied for a skipped profile: neither toolchain nor emulator is used
    result = run_gate(repo, toolchain=object(), emulator=object(), progress=lambda _: None)

    [profile] = result.profiles
    assert profile.skipped and "examples/new.tfvars is new in this change" in profile.skipped
    assert result.ok and "SKIPPED" in result.render()


def test_the_verdict_fails_on_a_blocked_change_an_unconverged_apply_an_error_or_a_problem():
    def gate(*profiles, problems=()):
        return GateResult("/r", Base("HEAD~1", "0" * 40, "given"), False, "a.yaml", list(profiles), list(problems))

    replaced = Change("aws_lb.tfserving", "replace", cause="forced by name")
    passing = ProfileResult("article", [replaced], Judgement(approved=[(replaced, object())]), applied=True)
    assert gate(passing).ok
    assert not gate(ProfileResult("article", [replaced], Judgement(blocked=[replaced]))).ok
    assert not gate(ProfileResult("article", [], Judgement(), applied=True, second_plan=["aws_lb.x: update"])).ok
    assert not gate(ProfileResult("article", error="applying BASE's terraform/ failed: boom")).ok
    assert not gate(passing, problems=["a.yaml: approval x has expired"]).ok
    text = gate(ProfileResult("article", [replaced], Judgement(blocked=[replaced]))).render()
    assert "NOT APPROVED ± aws_lb.tfserving replace: forced by name" in text
