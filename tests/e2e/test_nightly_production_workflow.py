"""The production profile's real-AWS run (.github/workflows/nightly-e2e-production.yml): its own
schedule, budget and settings, and the run itself rehearsed on the embedded emulator with exactly
the settings the workflow gives it: plan, cost guard with the production allowlist, apply of the
private path (NAT gateway, S3 endpoint, ECR pull through cache), destroy and sweep."""

import json
import re

import pytest
import yaml

from tfsuite.aws.guards import CostAllowlist, cost_violations
from tfsuite.aws.settings import DEFAULT_ALLOWLIST, E2ESettings
from tfsuite.aws.tagging import RunIdentity
from tfsuite.e2e.flow import EMULATOR_ACCOUNT_IDS, REAL_AWS_ONLY_STEPS, E2EFailed, E2EPlan, run_e2e
from tfsuite.emulator.leftovers import leftovers
from tfsuite.paths import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/dockerhub-AbCdEf"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


@pytest.fixture(scope="module")
def workflow() -> dict:
    return load("nightly-e2e-production.yml")


@pytest.fixture(scope="module")
def steps(workflow) -> list[dict]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def workflow_environment(workflow: dict) -> dict[str, str]:
    """The workflow's E2E_* settings with GitHub expressions replaced as a run would see them."""
    values = {"vars.E2E_DOCKERHUB_CREDENTIAL_ARN": SECRET, "github.run_id": "1234567890", "github.run_attempt": "1"}

    def evaluate(expression: str) -> str:
        fallback = re.fullmatch(r"vars\.\w+\s*\|\|\s*'([^']*)'", expression)  # an unset variable's default
        return values.get(expression, fallback.group(1) if fallback else "")

    env = {k: str(v) for k, v in workflow["env"].items() if k.startswith("E2E_")}
    return {k: re.sub(r"\$\{\{\s*(.+?)\s*\}\}", lambda m: evaluate(m.group(1)), text) for k, text in env.items()}


def index_of(steps: list[dict], predicate) -> int:
    matches = [i for i, step in enumerate(steps) if predicate(step)]
    assert matches, "no such step"
    return matches[0]


def test_it_has_its_own_schedule_and_never_shares_a_run_with_the_article_nightly(workflow):
    article = load("nightly-e2e.yml")
    triggers = workflow.get("on", workflow.get(True))

    assert triggers["schedule"] and "workflow_dispatch" in triggers
    assert triggers["schedule"] != article.get("on", article.get(True))["schedule"]
    assert workflow["concurrency"]["group"] != article["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert workflow["permissions"] == {"contents": "read", "id-token": "write"}


def test_its_settings_name_the_production_profile_and_budget(workflow):
    settings = E2ESettings.for_real_aws({**workflow_environment(workflow), "RUN_AWS_E2E": "1",
                                         "E2E_AWS_ACCOUNT_IDS": "123456789012",
                                         "E2E_ALLOWED_CIDR": "192.0.2.0/24"})

    assert settings.profile.name == "production.tfvars"
    assert settings.cost_allowlist != DEFAULT_ALLOWLIST and settings.cost_allowlist.is_file()
    assert settings.extra_variables == {"alb_internal": False, "dockerhub_credential_arn": SECRET}


def test_bootstrap_e2e_then_cleanup_whatever_happened(steps):
    bootstrap = index_of(steps, lambda s: s.get("run", "").strip() == "make bootstrap")
    e2e = index_of(steps, lambda s: "tox -e e2e" in s.get("run", ""))
    cache = index_of(steps, lambda s: "ecr delete-repository" in s.get("run", ""))
    janitor = index_of(steps, lambda s: "make janitor" in s.get("run", ""))

    assert bootstrap < e2e < cache < janitor == len(steps) - 1
    assert steps[e2e]["env"]["RUN_AWS_E2E"] == "1"
    assert steps[cache]["if"] == steps[janitor]["if"] == "always()"
    assert "${E2E_RUN_ID}-dockerhub/" in steps[cache]["run"]


@pytest.fixture(scope="module")
def production_rehearsal(emulator, emulator_target, toolchain, workflow) -> dict:
    """The production run as the workflow configures it, on the emulator. No task runs there, so
    the apply must not wait for steady state (the one variable added to the workflow's)."""
    env = workflow_environment(workflow)
    extra = {**json.loads(env["E2E_TF_VARS_JSON"]), "wait_for_steady_state": False}
    settings = E2ESettings.for_emulator(",".join(EMULATOR_ACCOUNT_IDS), region=emulator.region,
                                        environ={**env, "E2E_TF_VARS_JSON": json.dumps(extra)})
    plan = E2EPlan(emulator_target, settings, RunIdentity.new(), emulator, sweep_retry_seconds=60)
    try:
        return run_e2e(plan, toolchain).data
    except E2EFailed as err:
        pytest.fail(str(err), pytrace=False)


def test_the_production_run_passes_its_budget_applies_and_leaves_nothing(emulator, production_rehearsal):
    steps = {step["name"]: step["status"] for step in production_rehearsal["steps"]}

    assert production_rehearsal["profile"] == "production.tfvars"
    for name in ("plan", "cost guard", "apply", "outputs", "destroy", "sweep"):
        assert steps.get(name) == "passed", (name, steps)
    assert {s["name"] for s in production_rehearsal["skipped_steps"]} == set(REAL_AWS_ONLY_STEPS)
    assert leftovers(emulator, production_rehearsal["name_prefix"]) == {}
    assert production_rehearsal["cleanup_problems"] == []


def test_the_article_budget_would_refuse_the_production_run():
    production = CostAllowlist.load(DEFAULT_ALLOWLIST.with_name("cost_allowlist.production.yaml"))
    plan = {"format_version": "1.2", "resource_changes": [
        {"address": "aws_nat_gateway.main[0]", "type": "aws_nat_gateway", "mode": "managed",
         "change": {"actions": ["create"], "after": {}}}]}

    assert cost_violations(plan, production) == []
    assert any("aws_nat_gateway is forbidden" in v for v in cost_violations(plan, CostAllowlist.load()))
