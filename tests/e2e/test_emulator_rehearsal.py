"""The e2e flow on every change, on the embedded emulator: credentials, account guard, plan, cost
guard, apply of the article profile with the model upload, outputs, destroy and the janitor sweep.

Target health, model availability, the prediction and the latency need real Fargate tasks, so
on the emulator they are SKIPPED BY THE FLOW with the reason in its report (checked below);
their checks run against the TF Serving stub in tests/harness/serving/test_prediction_check.py.
"""

import json

import pytest

from tfsuite.aws.clients import AwsTarget
from tfsuite.aws.settings import E2ESettings
from tfsuite.aws.tagging import RunIdentity
from tfsuite.e2e.flow import REAL_AWS_ONLY_STEPS, E2EFailed, E2EPlan, run_e2e
from tfsuite.emulator.leftovers import leftovers
from tfsuite.janitor.deleters import Clients
from tfsuite.janitor.inventory import discover
from tfsuite.paths import reports_dir


def statuses(report: dict) -> dict:
    return {step["name"]: step["status"] for step in report["steps"]}


def test_the_article_profile_is_applied_and_destroyed_on_the_emulator(rehearsal):
    assert rehearsal["outcome"] == "passed"
    steps = statuses(rehearsal)
    for name in ("credentials", "account guard", "init", "plan", "cost guard", "apply", "outputs", "destroy",
                 "sweep"):
        assert steps.get(name) == "passed", (name, steps)


def test_the_cost_guard_lets_the_article_plan_through(rehearsal):
    assert statuses(rehearsal)["cost guard"] == "passed" and rehearsal["planned_resources"] > 0


def test_the_alb_is_planned_on_port_9000_with_the_models_predict_url(rehearsal):
    url = rehearsal["outputs"]["predict_url"]
    assert url.startswith("http://") and url.endswith(":9000/v1/models/empty_model:predict")


def test_health_prediction_and_latency_are_skipped_on_the_emulator_with_the_reason(rehearsal):
    skipped = {step["name"]: step["reason"] for step in rehearsal["skipped_steps"]}
    assert set(skipped) == set(REAL_AWS_ONLY_STEPS)
    assert all(reason.startswith("emulator: no Fargate task") for reason in skipped.values())
    assert "prediction" not in rehearsal and "latency" not in rehearsal


def test_nothing_of_the_run_is_left(emulator, emulator_target, rehearsal):
    assert leftovers(emulator, rehearsal["name_prefix"]) == {}
    assert discover(Clients(emulator_target), run_id=rehearsal["run_id"]) == []
    assert rehearsal["cleanup_problems"] == []


def test_the_report_is_written_under_reports(rehearsal):
    written = json.loads((reports_dir() / "e2e-emulator.json").read_text())
    assert written["run_id"] == rehearsal["run_id"] and written["outcome"] == "passed"


def test_real_aws_mode_refuses_a_profile_with_a_nat_gateway_before_apply(emulator, toolchain, monkeypatch,
                                                                        tmp_path):
    """Real-AWS mode as the nightly runs it (no override file: endpoint and credentials come from
    the environment, here AWS_ENDPOINT_URL pointing at the emulator) up to the cost guard, which
    refuses the production profile's NAT gateway so nothing is applied."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-the-environment")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "from-the-environment")
    settings = E2ESettings.for_real_aws({"RUN_AWS_E2E": "1", "E2E_AWS_ACCOUNT_IDS": "123456789012",
                                         "E2E_ALLOWED_CIDR": "192.0.2.0/24", "E2E_PROFILE": "production",
                                         "E2E_AWS_REGION": emulator.region})
    plan = E2EPlan(AwsTarget(settings.region), settings, RunIdentity.new(), report_path=tmp_path / "r.json")
    with pytest.raises(E2EFailed, match="aws_nat_gateway is forbidden"):
        run_e2e(plan, toolchain)
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["mode"] == "aws" and statuses(report)["plan"] == "passed"
    assert statuses(report)["cost guard"] == "failed" and "apply" not in statuses(report)
    assert leftovers(emulator, plan.run.name_prefix) == {}


def test_a_foreign_account_is_refused_before_terraform_runs(emulator, emulator_target, tmp_path):
    settings = E2ESettings.for_emulator("111122223333", region=emulator.region)
    plan = E2EPlan(emulator_target, settings, RunIdentity.new(), emulator, report_path=tmp_path / "r.json")
    with pytest.raises(E2EFailed, match="account guard: the credentials belong to account"):
        run_e2e(plan, toolchain=None)  # never reaches Terraform
    report = json.loads((tmp_path / "r.json").read_text())
    assert statuses(report) == {"credentials": "passed", "account guard": "failed"}
    assert {s["name"] for s in report["skipped_steps"]} == {"destroy", "sweep"}


def test_dead_credentials_fail_the_run_at_the_first_step(unused_tcp_port_url, tmp_path):
    settings = E2ESettings.for_emulator("123456789012")
    plan = E2EPlan(AwsTarget("eu-west-1", endpoint_url=unused_tcp_port_url), settings, RunIdentity.new(),
                   report_path=tmp_path / "r.json", sweep_retry_seconds=1)
    with pytest.raises(E2EFailed, match="AWS credentials problem"):
        run_e2e(plan, toolchain=None)
    assert statuses(json.loads((tmp_path / "r.json").read_text()))["credentials"] == "failed"
