"""Fail fast, with a clear message, when the AWS credentials are missing, rejected or unreachable."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from tfsuite.aws.clients import FAST_FAIL, AwsTarget

REJECTED_CODES = frozenset({
    "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch",
    "AccessDenied", "AccessDeniedException", "UnrecognizedClientException", "InvalidAccessKeyId",
})
PROBLEM = "AWS credentials problem"  # every message starts with it
HOW_TO_FIX = ("set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) or AWS_PROFILE; "
              "in CI, check the OIDC role the workflow assumes")


class CredentialsProblem(RuntimeError):
    """The run cannot act in AWS: missing, rejected or unverifiable credentials."""


@dataclass(frozen=True)
class CallerIdentity:
    account: str
    arn: str


def caller_identity(target: AwsTarget) -> CallerIdentity:
    """STS GetCallerIdentity with short timeouts; CredentialsProblem names what is wrong."""
    where = target.endpoint_url or f"sts.{target.region}.amazonaws.com"
    try:
        answer = target.client("sts", config=FAST_FAIL).get_caller_identity()
    except NoCredentialsError as err:
        raise CredentialsProblem(f"{PROBLEM}: no credentials found ({HOW_TO_FIX})") from err
    except (PartialCredentialsError, ProfileNotFound) as err:
        raise CredentialsProblem(f"{PROBLEM}: the credentials configuration is incomplete: {err} "
                                 f"({HOW_TO_FIX})") from err
    except ClientError as err:
        error = err.response.get("Error", {})
        code, message = error.get("Code", "?"), error.get("Message", str(err))
        if code in REJECTED_CODES:
            raise CredentialsProblem(f"{PROBLEM}: AWS rejected the credentials ({code}: {message}); "
                                     f"they are expired, revoked or wrong ({HOW_TO_FIX})") from err
        raise CredentialsProblem(f"{PROBLEM}: STS GetCallerIdentity failed ({code}: {message})") from err
    except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError) as err:
        raise CredentialsProblem(f"{PROBLEM}: cannot verify the credentials, no answer from STS at {where} "
                                 f"({err}; connect timeout {FAST_FAIL.connect_timeout} s, read timeout "
                                 f"{FAST_FAIL.read_timeout} s); check the network, proxy and region") from err
    except NoRegionError as err:
        raise CredentialsProblem(f"{PROBLEM}: no region configured (set E2E_AWS_REGION)") from err
    except BotoCoreError as err:  # credential providers (SSO, process, web identity) raise their own types
        raise CredentialsProblem(f"{PROBLEM}: {type(err).__name__}: {err} ({HOW_TO_FIX})") from err
    return CallerIdentity(account=answer["Account"], arn=answer["Arn"])
