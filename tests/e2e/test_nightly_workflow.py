"""The nightly workflow runs the real-AWS layer the way the e2e layer needs it: OIDC role, opt-in,
bootstrap before tox, reports uploaded and the janitor run whatever happened."""

import pytest
import yaml

from tfsuite.paths import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "nightly-e2e.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


@pytest.fixture(scope="module")
def steps(workflow) -> list[dict]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def index_of(steps: list[dict], predicate) -> int:
    matches = [i for i, step in enumerate(steps) if predicate(step)]
    assert matches, "no such step"
    return matches[0]


def test_it_runs_nightly_and_on_demand(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"] and "workflow_dispatch" in triggers


def test_it_may_request_an_oidc_token_and_nothing_more(workflow):
    assert workflow["permissions"] == {"contents": "read", "id-token": "write"}


def test_a_running_nightly_is_never_cancelled_mid_apply(workflow):
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_the_role_comes_from_a_secret_or_variable_through_oidc(steps):
    assume = steps[index_of(steps, lambda s: s.get("uses", "").startswith("aws-actions/configure-aws-credentials"))]
    role = assume["with"]["role-to-assume"]
    assert "secrets.E2E_AWS_ROLE_ARN" in role and "vars.E2E_AWS_ROLE_ARN" in role
    assert "aws-access-key-id" not in assume["with"]


def test_bootstrap_then_the_e2e_layer_with_the_opt_in(steps):
    bootstrap = index_of(steps, lambda s: s.get("run", "").strip() == "make bootstrap")
    e2e = index_of(steps, lambda s: "tox -e e2e" in s.get("run", ""))
    assert bootstrap < e2e
    assert steps[e2e]["env"]["RUN_AWS_E2E"] == "1"


@pytest.mark.parametrize("name", ["nightly-e2e.yml", "nightly-e2e-production.yml"])
def test_the_real_aws_run_stays_in_one_process_so_a_cancel_reaches_its_guard(name):
    """tox.ini runs the e2e layer on pytest-xdist workers (TFSUITE_WORKERS, default 3); a job's
    SIGTERM would reach only the controller, not the worker holding the AWS resources."""
    (job,) = yaml.safe_load((WORKFLOW.parent / name).read_text())["jobs"].values()
    e2e = job["steps"][index_of(job["steps"], lambda s: "tox -e e2e" in s.get("run", ""))]
    assert e2e["env"]["TFSUITE_WORKERS"] == "0"


def test_reports_are_uploaded_and_the_janitor_runs_whatever_happened(steps):
    e2e = index_of(steps, lambda s: "tox -e e2e" in s.get("run", ""))
    upload = index_of(steps, lambda s: s.get("uses", "").startswith("actions/upload-artifact"))
    janitor = index_of(steps, lambda s: "make janitor" in s.get("run", ""))
    assert e2e < upload < janitor == len(steps) - 1
    assert steps[upload]["with"]["path"].rstrip("/") == "reports"
    assert steps[upload]["if"] == steps[janitor]["if"] == "always()"
