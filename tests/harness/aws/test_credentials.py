"""Dead or missing credentials fail within seconds, with a message that names the problem."""

import time

import pytest

from tfsuite.aws.clients import FAST_FAIL, AwsTarget
from tfsuite.aws.credentials import CredentialsProblem, caller_identity


def test_the_credentials_check_uses_short_timeouts_and_at_most_two_attempts():
    AwsTarget("eu-west-1", endpoint_url="http://127.0.0.1:9").client("sts", config=FAST_FAIL)  # botocore reads it
    assert FAST_FAIL.connect_timeout <= 5 and FAST_FAIL.read_timeout <= 10
    assert FAST_FAIL.retries == {"total_max_attempts": 2, "mode": "standard"}


def test_the_emulator_answers_with_its_account(emulator_target):
    identity = caller_identity(emulator_target)
    assert identity.account.isdigit() and len(identity.account) == 12
    assert identity.arn.startswith("arn:aws:")


def test_no_credentials_at_all_is_named(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    started = time.monotonic()
    with pytest.raises(CredentialsProblem, match="AWS credentials problem: no credentials found"):
        caller_identity(AwsTarget("eu-west-1"))
    assert time.monotonic() - started < 30


def test_an_unreachable_sts_fails_fast_and_says_so(unused_tcp_port_url):
    started = time.monotonic()
    with pytest.raises(CredentialsProblem, match="AWS credentials problem: cannot verify the credentials"):
        caller_identity(AwsTarget("eu-west-1", endpoint_url=unused_tcp_port_url))
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("rejecting_sts", ["ExpiredToken", "InvalidClientTokenId", "SignatureDoesNotMatch"],
                         indirect=True)
def test_rejected_credentials_are_named(rejecting_sts):
    code = rejecting_sts.code
    with pytest.raises(CredentialsProblem, match=f"AWS rejected the credentials \\({code}: "):
        caller_identity(AwsTarget("eu-west-1", endpoint_url=rejecting_sts.url))
