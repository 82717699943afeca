"""The e2e run's inputs are checked before anything is created, and every error names the variable."""

import pytest

from tfsuite.aws.settings import (
    SKIP_REASON,
    E2ESettings,
    SettingsError,
    opted_in,
    parse_account_ids,
    parse_allowed_cidrs,
    region_from_env,
)

GOOD = {"RUN_AWS_E2E": "1", "E2E_AWS_ACCOUNT_IDS": "111122223333", "E2E_ALLOWED_CIDR": "198.51.100.7/32"}


def test_the_skip_reason_names_the_missing_opt_in():
    assert "RUN_AWS_E2E not set" in SKIP_REASON


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("", False), ("0", False), ("1", True)])
def test_only_run_aws_e2e_1_opts_in(value, expected):
    environ = {} if value is None else {"RUN_AWS_E2E": value}
    assert opted_in(environ) is expected


@pytest.mark.parametrize("value", ["yes", "true", "2"])
def test_an_ambiguous_opt_in_value_is_an_error(value):
    with pytest.raises(SettingsError, match="RUN_AWS_E2E"):
        opted_in({"RUN_AWS_E2E": value})


def test_account_ids_are_comma_separated_twelve_digit_numbers():
    assert parse_account_ids(" 111122223333,444455556666 ") == ("111122223333", "444455556666")


@pytest.mark.parametrize("text", ["", "   ", None])
def test_missing_account_ids_are_refused(text):
    with pytest.raises(SettingsError, match="E2E_AWS_ACCOUNT_IDS is not set"):
        parse_account_ids(text)


@pytest.mark.parametrize("text", ["11112222333", "1111222233334", "11112222333a",
                                  "111122223333,,444455556666"])
def test_malformed_account_ids_are_refused(text):
    with pytest.raises(SettingsError, match="exactly 12 digits"):
        parse_account_ids(text)


def test_allowed_cidrs_are_validated_networks():
    assert parse_allowed_cidrs("198.51.100.7/32, 203.0.113.0/24") == ("198.51.100.7/32", "203.0.113.0/24")


def test_a_bare_address_is_taken_as_a_single_host():
    assert parse_allowed_cidrs("198.51.100.7") == ("198.51.100.7/32",)


@pytest.mark.parametrize(("text", "message"), [
    (None, "E2E_ALLOWED_CIDR is not set"),
    ("198.51.100.7/24", "not a CIDR block"),
    ("not-a-cidr", "not a CIDR block"),
    ("0.0.0.0/0", "whole internet"),
    ("::/0", "whole internet"),
])
def test_allowed_cidr_errors_say_what_is_wrong(text, message):
    with pytest.raises(SettingsError, match=message):
        parse_allowed_cidrs(text)


def test_real_aws_mode_requires_the_allowed_cidr_instead_of_looking_it_up():
    with pytest.raises(SettingsError, match="E2E_ALLOWED_CIDR is not set"):
        E2ESettings.for_real_aws({k: v for k, v in GOOD.items() if k != "E2E_ALLOWED_CIDR"})


def test_real_aws_settings_from_a_complete_environment():
    settings = E2ESettings.for_real_aws({**GOOD, "E2E_AWS_REGION": "us-east-2", "E2E_REQUESTS": "20"})
    assert (settings.account_ids, settings.allowed_cidrs, settings.region, settings.requests) == (
        ("111122223333",), ("198.51.100.7/32",), "us-east-2", 20)
    assert settings.profile.name == "article.tfvars" and settings.profile.is_file()


@pytest.mark.parametrize(("name", "value", "message"), [
    ("E2E_REQUESTS", "0", "positive whole number"),
    ("E2E_SERVING_TIMEOUT_SECONDS", "ten", "positive whole number"),
    ("E2E_PROFILE", "../secrets", "must be the name of a file"),
    ("E2E_PROFILE", "nonexistent", "does not exist"),
    ("E2E_AWS_REGION", "Ireland", "not an AWS region name"),
    ("E2E_RUN_ID", "E2E_Nightly", "E2E_RUN_ID: run id"),
])
def test_bad_optional_settings_are_refused(name, value, message):
    with pytest.raises(SettingsError, match=message):
        E2ESettings.for_real_aws({**GOOD, name: value})


def test_region_comes_from_e2e_then_aws_variables_then_the_article_default():
    assert region_from_env({"E2E_AWS_REGION": "eu-central-1", "AWS_REGION": "us-west-2"}) == "eu-central-1"
    assert region_from_env({"AWS_DEFAULT_REGION": "us-west-2"}) == "us-west-2"
    assert region_from_env({}) == "eu-west-1"
