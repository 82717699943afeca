"""IAM policy documents linted by parliament (pinned in constraints.txt): unknown services and
actions, and actions given resources of the wrong type (s3:GetObject on a bucket ARN).

parliament needs literal ARNs; the configuration's resources are references. Each reference to a
resource's ARN becomes a placeholder ARN of that resource type (a bucket reference an S3 bucket
ARN, a log group reference a log-group ARN), the ARN fields a reference fills (partition, region,
account) get placeholder values, and a resource this module cannot type is left out rather than
guessed. Actions that are expressions are left to the promise that refuses them
(iam-no-wildcard-actions).

This runs in the python-hcl2 layer: checkov lives in a virtualenv of its own whose pins come from
constraints-checkov.txt, and parliament reads the documents as written here.
"""

from __future__ import annotations

import json
import re
import warnings
from typing import Any

from tfsuite.static.expressions import objects, resolve
from tfsuite.static.hcl import Config

POLICY_TYPES = ("aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy")
ISSUES = ("UNKNOWN_ACTION", "UNKNOWN_PREFIX", "RESOURCE_MISMATCH", "MALFORMED", "INVALID_ARN")
_ACCOUNT, _REGION = "123456789012", "eu-west-1"
ARN_OF = {  # resource type -> a placeholder ARN of that type
    "aws_s3_bucket": "arn:aws:s3:::placeholder-bucket",
    "aws_cloudwatch_log_group": f"arn:aws:logs:{_REGION}:{_ACCOUNT}:log-group:placeholder",
    "aws_ecr_repository": f"arn:aws:ecr:{_REGION}:{_ACCOUNT}:repository/placeholder",
    "aws_kms_key": f"arn:aws:kms:{_REGION}:{_ACCOUNT}:key/placeholder",
    "aws_sqs_queue": f"arn:aws:sqs:{_REGION}:{_ACCOUNT}:placeholder",
    "aws_sns_topic": f"arn:aws:sns:{_REGION}:{_ACCOUNT}:placeholder",
    "aws_dynamodb_table": f"arn:aws:dynamodb:{_REGION}:{_ACCOUNT}:table/placeholder",
    "aws_iam_role": f"arn:aws:iam::{_ACCOUNT}:role/placeholder",
    "aws_secretsmanager_secret": f"arn:aws:secretsmanager:{_REGION}:{_ACCOUNT}:secret:placeholder",
}
_ARN_REF = re.compile(r"\$\{\s*([a-z0-9_]+)\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.arn\s*\}")
_FOR_BODY = re.compile(r'^\$\{\s*(?:distinct\()?\[\s*for\s+[^:]+:\s*"(.*)"\s*\]\)?\s*\}$', re.S)
_ANY_REF = re.compile(r"\$\{[^}]*\}")


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def placeholder_arn(config: Config, value: Any) -> str | None:
    """A literal ARN standing for the expression, or None when it cannot be typed."""
    value = resolve(config, value)
    if not isinstance(value, str):
        return None
    body = _FOR_BODY.match(value.strip())
    text = body.group(1) if body else value
    if "${" in text:
        typed = _ARN_REF.sub(lambda m: ARN_OF.get(m.group(1), "${?}"), text)
        if "${?}" in typed:
            return None
        text = typed
    if text == "*":
        return text
    parts = _ANY_REF.sub("placeholder", text).split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or "${" in parts[2]:
        return None
    if parts[1] not in ("aws", "aws-cn", "aws-us-gov"):
        parts[1] = "aws"
    if parts[3] == "placeholder":
        parts[3] = _REGION
    if parts[4] == "placeholder":
        parts[4] = _ACCOUNT
    return ":".join(parts)


def _statement(config: Config, raw: dict) -> dict | None:
    key = "Action" if "Action" in raw else "NotAction" if "NotAction" in raw else None
    if key is None:
        return None
    actions = [a for a in _as_list(raw[key]) if isinstance(a, str) and "${" not in a]
    resources = [arn for r in _as_list(raw.get("Resource")) if (arn := placeholder_arn(config, r))]
    if not actions or not resources:
        return None
    return {"Effect": raw.get("Effect", "Allow"), key: actions, "Resource": resources}


def policy_documents(config: Config) -> list[tuple[str, dict]]:
    """(address, document with placeholder ARNs) for each IAM policy resource."""
    documents = []
    for rtype in POLICY_TYPES:
        for block in config.resources(rtype):
            statements = [s for o in objects(config, block.get("policy")) if (s := _statement(config, o))]
            if statements:
                documents.append((block.address, {"Version": "2012-10-17", "Statement": statements}))
    return documents


def _typed_mismatches(detail: Any) -> list:
    """RESOURCE_MISMATCH entries where the action wants a resource of another type. Entries whose
    required format is only "*" (actions without resource-level permissions in parliament 1.6.4's
    bundled action database) are left out: that database predates resource-level support some
    services added since, so such an entry needs checking against AWS's current Service
    Authorization Reference rather than failing every configuration that scopes the action."""
    return [d for d in _as_list(detail) if not (isinstance(d, dict) and d.get("required_format") == "*")]


def lint(config: Config) -> list[tuple[str, str]]:
    """(address, message) for each parliament finding of the kinds in ISSUES."""
    with warnings.catch_warnings():  # parliament 1.6.4 imports the deprecated pkg_resources
        warnings.simplefilter("ignore", UserWarning)
        from parliament import analyze_policy_string  # loads its action database on first use
    found = []
    for address, document in policy_documents(config):
        for finding in analyze_policy_string(json.dumps(document)).findings:
            detail = finding.detail
            if finding.issue == "RESOURCE_MISMATCH":
                detail = _typed_mismatches(detail)
                if not detail:
                    continue
            if finding.issue in ISSUES:
                found.append((address, f"parliament {finding.issue}: {detail}"))
    return found
