"""What one e2e run passes to Terraform on top of the profile, and the tags that mark its resources."""

from datetime import UTC, datetime

import pytest

from tfsuite.aws.clients import AwsTarget
from tfsuite.aws.settings import E2ESettings, SettingsError
from tfsuite.aws.tagging import TAG_CREATED_AT, TAG_MANAGED, TAG_RUN_ID, RunIdentity, parse_created_at
from tfsuite.e2e.cli import plan_from_args
from tfsuite.e2e.flow import E2EPlan, profile_tags
from tfsuite.paths import MODEL_DIR

REAL_AWS_ENV = {"RUN_AWS_E2E": "1", "E2E_AWS_ACCOUNT_IDS": "111122223333", "E2E_ALLOWED_CIDR": "198.51.100.7/32"}


@pytest.fixture
def run_plan() -> E2EPlan:
    settings = E2ESettings.for_real_aws(REAL_AWS_ENV)
    return E2EPlan(AwsTarget(settings.region), settings, RunIdentity.new())


def test_every_run_gets_its_own_id_and_name_prefix():
    first, second = RunIdentity.new(), RunIdentity.new()
    assert first.run_id != second.run_id
    assert first.name_prefix == first.run_id


def test_the_tags_say_which_run_made_a_resource_and_when():
    moment = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    tags = RunIdentity.new("e2e-nightly", now=moment).tags()
    assert tags[TAG_RUN_ID] == "e2e-nightly" and tags[TAG_MANAGED] == "true"
    assert parse_created_at(tags[TAG_CREATED_AT]) == moment


@pytest.mark.parametrize("run_id", ["ab", "E2E-upper", "1e2e", "e2e_underscore", "e2e-" + "x" * 17])
def test_a_run_id_that_cannot_be_a_name_prefix_is_refused(run_id):
    with pytest.raises(ValueError, match="must be 3-20 characters"):
        RunIdentity.new(run_id)


def test_the_run_keeps_the_profiles_tags_and_adds_its_own(run_plan):
    tags = run_plan.variables()["tags"]
    assert run_plan.run.tags().items() <= tags.items()
    assert profile_tags(run_plan.settings.profile).keys() <= tags.keys()


def test_terraform_uploads_the_repositorys_model_and_may_empty_the_bucket(run_plan):
    variables = run_plan.variables()
    assert variables["model_local_path"] == str(MODEL_DIR / "empty_model")
    assert any((MODEL_DIR / "empty_model").rglob("saved_model.pb"))
    assert variables["force_destroy_bucket"] is True


def test_the_alb_is_opened_only_to_the_configured_cidr(run_plan):
    assert run_plan.variables()["allowed_cidr_blocks"] == ["198.51.100.7/32"]


def test_the_command_line_refuses_real_aws_without_the_opt_in():
    with pytest.raises(SettingsError, match="RUN_AWS_E2E not set"):
        plan_from_args([], environ={})


def test_the_command_line_takes_the_run_id_from_the_nightly_workflow():
    plan = plan_from_args([], environ={**REAL_AWS_ENV, "E2E_RUN_ID": "e2e-123456-1"})
    assert plan.run.run_id == "e2e-123456-1" and plan.mode == "aws"
