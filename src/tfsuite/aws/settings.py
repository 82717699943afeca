"""The e2e run's settings, read from the environment and checked before anything is created.

    RUN_AWS_E2E=1                      opt in to real AWS (anything but 1, 0 or unset is an error)
    E2E_AWS_ACCOUNT_IDS=111122223333   accounts the run may apply to (comma-separated, 12 digits)
    E2E_ALLOWED_CIDR=203.0.113.7/32    allowed_cidr_blocks for the ALB (comma-separated); required
    E2E_AWS_REGION                     region (default: AWS_REGION, AWS_DEFAULT_REGION, eu-west-1)
    E2E_PROFILE=article                terraform/examples/<profile>.tfvars
    E2E_REQUESTS=100                   predictions timed for the latency percentiles
    E2E_SERVING_TIMEOUT_SECONDS=900    how long to wait for a healthy target and the model
    E2E_RUN_ID                         run id / name_prefix to use (default: a fresh e2e-<hex>)
    E2E_COST_ALLOWLIST=production      the cost guard's budget: tfsuite/aws/cost_allowlist.<name>.yaml
                                       (default: cost_allowlist.yaml, the article's)
    E2E_TF_VARS_JSON='{"alb_internal": false}'   extra Terraform variables on top of the profile
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tfsuite.aws.tagging import check_run_id
from tfsuite.paths import EXAMPLES_DIR

OPT_IN_VARIABLE = "RUN_AWS_E2E"
SKIP_REASON = ("RUN_AWS_E2E not set: real-AWS e2e is opt-in (export RUN_AWS_E2E=1 with AWS credentials, "
               "E2E_AWS_ACCOUNT_IDS and E2E_ALLOWED_CIDR)")
DEFAULT_REGION = "eu-west-1"
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
_PROFILE = re.compile(r"^[A-Za-z0-9_-]+$")
DEFAULT_ALLOWLIST = Path(__file__).with_name("cost_allowlist.yaml")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# Variables the run sets itself (the workspace sets name_prefix): E2E_TF_VARS_JSON may not change them.
RUN_VARIABLES = frozenset({"name_prefix", "aws_region", "tags", "allowed_cidr_blocks", "model_local_path",
                           "force_destroy_bucket"})


class SettingsError(ValueError):
    """An E2E_* or RUN_AWS_E2E variable is missing or malformed: the message names it."""


def opted_in(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(OPT_IN_VARIABLE, "").strip()
    if value in ("", "0"):
        return False
    if value == "1":
        return True
    raise SettingsError(f"{OPT_IN_VARIABLE}={value!r}: set it to 1 to run against real AWS, "
                        "or 0/unset to skip")


def parse_account_ids(text: str | None) -> tuple[str, ...]:
    """E2E_AWS_ACCOUNT_IDS: comma-separated 12-digit account ids, at least one."""
    if text is None or not text.strip():
        raise SettingsError("E2E_AWS_ACCOUNT_IDS is not set: list the AWS account ids the e2e run may "
                            "apply to (comma-separated, 12 digits each)")
    ids = tuple(part.strip() for part in text.split(","))
    bad = [part for part in ids if not _ACCOUNT_ID.match(part)]
    if bad:
        raise SettingsError(f"E2E_AWS_ACCOUNT_IDS has malformed account id(s) {bad}: "
                            "each must be exactly 12 digits")
    return ids


def parse_allowed_cidrs(text: str | None) -> tuple[str, ...]:
    """E2E_ALLOWED_CIDR: comma-separated CIDR blocks that may reach the ALB; 0.0.0.0/0 is refused."""
    if text is None or not text.strip():
        raise SettingsError("E2E_ALLOWED_CIDR is not set: give the CIDR block(s) allowed to call the ALB, "
                            "e.g. the runner's egress address as 203.0.113.7/32 (it is not looked up)")
    blocks = []
    for part in (p.strip() for p in text.split(",")):
        try:
            network = ipaddress.ip_network(part, strict=True)
        except ValueError as err:
            raise SettingsError(f"E2E_ALLOWED_CIDR: {part!r} is not a CIDR block ({err})") from err
        if network.prefixlen == 0:
            raise SettingsError(f"E2E_ALLOWED_CIDR: {part} opens the ALB to the whole internet; "
                                "give a narrower block")
        blocks.append(str(network))
    return tuple(blocks)


def region_from_env(environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    for name in ("E2E_AWS_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"):
        value = environ.get(name, "").strip()
        if value:
            if not _REGION.match(value):
                raise SettingsError(f"{name}={value!r} is not an AWS region name such as eu-west-1")
            return value
    return DEFAULT_REGION


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    text = environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"{name}={text!r} must be a positive whole number")
    return int(text)


def _run_id(environ: Mapping[str, str]) -> str | None:
    text = environ.get("E2E_RUN_ID", "").strip()
    if not text:
        return None
    try:
        return check_run_id(text)
    except ValueError as err:
        raise SettingsError(f"E2E_RUN_ID: {err}") from None


def _profile(environ: Mapping[str, str]) -> Path:
    name = environ.get("E2E_PROFILE", "").strip() or "article"
    if not _PROFILE.match(name):
        raise SettingsError(f"E2E_PROFILE={name!r} must be the name of a file in {EXAMPLES_DIR} "
                            "without .tfvars")
    path = EXAMPLES_DIR / f"{name}.tfvars"
    if not path.is_file():
        raise SettingsError(f"E2E_PROFILE={name!r}: {path} does not exist")
    return path


def _cost_allowlist(environ: Mapping[str, str]) -> Path:
    name = environ.get("E2E_COST_ALLOWLIST", "").strip()
    if not name:
        return DEFAULT_ALLOWLIST
    path = DEFAULT_ALLOWLIST.with_name(f"cost_allowlist.{name}.yaml" if _PROFILE.match(name) else "-")
    if not path.is_file():
        raise SettingsError(f"E2E_COST_ALLOWLIST={name!r} names no allowlist: expected a file "
                            "cost_allowlist.<name>.yaml (name of letters, digits, _ and -) next to "
                            f"{DEFAULT_ALLOWLIST}")
    return path


def _extra_variables(environ: Mapping[str, str]) -> dict:
    text = environ.get("E2E_TF_VARS_JSON", "").strip()
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as err:
        raise SettingsError(f"E2E_TF_VARS_JSON is not valid JSON: {err}") from None
    if not isinstance(value, dict) or not all(_VARIABLE.match(k) for k in value):
        raise SettingsError("E2E_TF_VARS_JSON must be a JSON object of Terraform variable names to values")
    taken = sorted(RUN_VARIABLES & set(value))
    if taken:
        raise SettingsError(f"E2E_TF_VARS_JSON may not set {', '.join(taken)}: the run sets them itself")
    return value


@dataclass(frozen=True)
class E2ESettings:
    account_ids: tuple[str, ...]
    allowed_cidrs: tuple[str, ...]
    region: str
    profile: Path
    requests: int = 100
    serving_timeout_seconds: int = 900
    run_id: str | None = None
    cost_allowlist: Path = DEFAULT_ALLOWLIST
    extra_variables: dict = field(default_factory=dict)

    @classmethod
    def for_real_aws(cls, environ: Mapping[str, str] | None = None) -> E2ESettings:
        """Every variable checked; SettingsError names the first one that is missing or wrong."""
        env = os.environ if environ is None else environ
        return cls(
            account_ids=parse_account_ids(env.get("E2E_AWS_ACCOUNT_IDS")),
            allowed_cidrs=parse_allowed_cidrs(env.get("E2E_ALLOWED_CIDR")),
            region=region_from_env(env),
            profile=_profile(env),
            requests=_positive_int(env, "E2E_REQUESTS", 100),
            serving_timeout_seconds=_positive_int(env, "E2E_SERVING_TIMEOUT_SECONDS", 900),
            run_id=_run_id(env),
            cost_allowlist=_cost_allowlist(env),
            extra_variables=_extra_variables(env),
        )

    @classmethod
    def for_emulator(cls, account_id: str, region: str = DEFAULT_REGION,
                     environ: Mapping[str, str] | None = None) -> E2ESettings:
        """The rehearsal: the emulator's account is the allowed one; a documentation CIDR is the client."""
        env = os.environ if environ is None else environ
        return cls(account_ids=parse_account_ids(account_id), allowed_cidrs=("192.0.2.0/24",),
                   region=region, profile=_profile(env), requests=_positive_int(env, "E2E_REQUESTS", 100),
                   cost_allowlist=_cost_allowlist(env), extra_variables=_extra_variables(env))
