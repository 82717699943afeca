"""Real AWS, opt-in with RUN_AWS_E2E=1 (skipped otherwise, saying "RUN_AWS_E2E not set").

One run per session (fixture aws_e2e_report): apply the article profile with this run's tags and
name_prefix, wait for a healthy target and the model, POST the article's request to the ALB on
port 9000, time N more, destroy, sweep. Dead credentials, a foreign account or a plan over the
cost allowlist fail the run before anything is created.
"""

import json

import pytest

from tfsuite.paths import reports_dir
from tfsuite.serving import contract

pytestmark = pytest.mark.aws


def test_the_credentials_belong_to_an_allowed_account(real_aws):
    assert real_aws.identity.account in real_aws.settings.account_ids


def test_the_alb_answers_the_article_request_on_port_9000(aws_e2e_report):
    assert ":9000/v1/models/" in aws_e2e_report["outputs"]["predict_url"]
    prediction = aws_e2e_report["prediction"]
    assert 0.0 <= prediction["probability"] <= 1.0
    expected = contract.reference_probability(contract.ARTICLE_INPUTS[0])[0]
    assert prediction["probability"] == pytest.approx(expected, abs=1e-4)


def test_the_target_became_healthy_and_the_model_available(aws_e2e_report):
    steps = {step["name"]: step["status"] for step in aws_e2e_report["steps"]}
    assert steps["target healthy"] == steps["model available"] == "passed"
    assert "AVAILABLE" in aws_e2e_report["model_versions"].values()


def test_latency_percentiles_and_time_to_first_prediction_are_reported(aws_e2e_report, real_aws):
    written = json.loads((reports_dir() / "e2e-aws.json").read_text())
    latency = written["latency"]
    assert latency["requests"] == real_aws.settings.requests
    assert 0 < latency["p50_ms"] <= latency["p95_ms"] <= latency["p99_ms"]
    assert written["time_to_first_prediction_seconds"] > 0


def test_nothing_of_the_run_is_left_after_destroy_and_sweep(aws_e2e_report):
    assert aws_e2e_report["cleanup_problems"] == []
    steps = {step["name"]: step["status"] for step in aws_e2e_report["steps"]}
    assert steps["destroy"] == steps["sweep"] == "passed"
