"""reports/summary.md: built from what the layers left under reports/, appended to the job summary."""

from __future__ import annotations

import json

from tfsuite import reporting, summary


def upgrade_report(ok: bool) -> dict:
    return {
        "ok": ok, "unchanged": False, "repo": "/r", "seconds": 1.0, "approvals": "a.yaml", "problems": [],
        "base": {"ref": "origin/main", "commit": "0123456789abcdef", "how": "merge-base of HEAD and origin/main"},
        "profiles": [
            {"profile": "article", "ok": ok, "skipped": None, "error": None, "note": "", "counts": "+0 ~1 -0 ±1 >1",
             "applied": ok, "second_plan": [], "tolerated": [], "seconds": 1.0,
             "changes": [{"address": "aws_cloudwatch_log_group.tfserving", "kind": "replace", "moved_from": None,
                          "replace_paths": ["name"], "cause": "forced by name '/ecs/a' -> '/ecs/b'"},
                         {"address": "aws_ecs_task_definition.t", "kind": "replace", "moved_from": None,
                          "replace_paths": ["container_definitions"], "cause": "forced by container_definitions",
                          "routine": "a new revision"},
                         {"address": "aws_s3_bucket.store", "kind": "move", "moved_from": "aws_s3_bucket.models",
                          "replace_paths": [], "cause": ""}],
             "blocked": [] if ok else ["aws_cloudwatch_log_group.tfserving"],
             "approved": [{"address": "aws_cloudwatch_log_group.tfserving", "approval": "replace of x (owner t)"}]
             if ok else []},
            {"profile": "production", "ok": True, "skipped": "examples/production.tfvars is new in this change",
             "changes": []},
        ]}


def test_the_page_has_layers_upgrade_changes_policy_findings_and_skips(tmp_path, monkeypatch):
    monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path))
    reporting.write_summary("unit", counts={"passed": 3, "failed": 0, "skipped": 1, "error": 0},
                            skips=[{"test": "t::x", "reason": "no Docker engine here"}], seconds=2, exitstatus=0)
    (tmp_path / "upgrade.json").write_text(json.dumps(upgrade_report(ok=False)))
    (tmp_path / "checkov.sarif").write_text(json.dumps({"runs": [{"results": [
        {"ruleId": "CKV_AWS_2", "message": {"text": "plain HTTP"}, "properties": {"resource": "aws_lb_listener.x"}},
        {"ruleId": "CKV_AWS_18", "message": {"text": "no logs"}, "suppressions": [{"kind": "external"}]}]}]}))

    page = summary.publish().read_text()

    assert page.startswith(summary.MARKER)
    assert "| unit | 3 | 1 | 0 | 2s | ok (1 skipped) |" in page
    assert "**FAIL**" in page and "`+0 ~1 -0 ±1 >1`" in page
    assert ("replace `aws_cloudwatch_log_group.tfserving`: forced by name '/ecs/a' -> '/ecs/b' (**NOT APPROVED**)"
            in page)
    assert "moved `aws_s3_bucket.models` -> `aws_s3_bucket.store`" in page
    assert "replace `aws_ecs_task_definition.t`: forced by container_definitions (routine: a new revision)" in page
    assert "2 finding(s), 1 suppressed by the ledger or inline, 1 open" in page and "**CKV_AWS_2**" in page
    assert "`t::x`: no Docker engine here" in page and "new in this change" in page


def test_an_approved_replacement_shows_its_approval_and_the_page_goes_to_the_job_summary(tmp_path, monkeypatch):
    monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path))
    step_summary = tmp_path / "step.md"
    step_summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    (tmp_path / "upgrade.json").write_text(json.dumps(upgrade_report(ok=True)))

    page = summary.publish().read_text()

    assert "**PASS**" in page and "(approved: replace of x (owner t))" in page
    assert step_summary.read_text() == "earlier step\n" + page


def test_nothing_ran_is_said_plainly(tmp_path):
    page = summary.render(tmp_path)
    assert "no layer ran" in page and "upgrade gate did not run" in page and "No policy scan report" in page
