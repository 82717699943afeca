"""Who calls the emulator during a rehearsal, and moto's IAM enforcement switch.

- `enforcing_iam(endpoint)`: moto checks every request against the caller's IAM policies for the
  duration (POST /moto-api/reset-auth with 0; with "inf" after: off again, for Terraform's destroy).
  With tfsuite.emulator.moto_iam_conditions the task role's s3:prefix condition is evaluated.
- `operator_credentials`: an IAM user with full access, created before enforcement starts, for
  what the test itself does (uploads, deletes, reads).
- `task_role_credentials`: STS AssumeRole of the task definition's task role, as ECS does for the
  task's containers. Taken while enforcement is off: in AWS the ECS service principal assumes the
  role (the trust policy names ecs-tasks.amazonaws.com, checked by `trust_allows_ecs_tasks`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
import requests
from botocore.config import Config

ECS_TASKS = "ecs-tasks.amazonaws.com"
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=30)


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    session_token: str | None = None

    def env(self) -> dict[str, str]:
        env = {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key}
        if self.session_token:
            env["AWS_SESSION_TOKEN"] = self.session_token
        return env

    def client(self, service: str, endpoint: str, region: str):
        return boto3.client(service, endpoint_url=endpoint, region_name=region, config=_CONFIG,
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
                            aws_session_token=self.session_token)


def set_enforcement(endpoint: str, on: bool) -> None:
    answer = requests.post(f"{endpoint}/moto-api/reset-auth", data="0" if on else "inf", timeout=10)
    answer.raise_for_status()


@contextmanager
def enforcing_iam(endpoint: str) -> Iterator[None]:
    set_enforcement(endpoint, True)
    try:
        yield
    finally:
        set_enforcement(endpoint, False)


def operator_credentials(iam, name_prefix: str) -> Credentials:
    user = f"{name_prefix}-rehearsal-{uuid.uuid4().hex[:6]}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="operator", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return Credentials(key["AccessKeyId"], key["SecretAccessKey"])


def trust_allows_ecs_tasks(iam, role_arn: str, account: str, region: str) -> list[str]:
    """Problems that keep ECS from assuming the role for a task of this account and region ([] if none)."""
    role = iam.get_role(RoleName=role_arn.rsplit("/", 1)[-1])["Role"]
    document = role["AssumeRolePolicyDocument"]
    if isinstance(document, str):
        document = json.loads(document)
    statements = document.get("Statement", [])
    context = {"aws:SourceAccount": account, "aws:SourceArn": f"arn:aws:ecs:{region}:{account}:task/x/1"}
    for statement in statements if isinstance(statements, list) else [statements]:
        services = (statement.get("Principal") or {}).get("Service", [])
        actions = statement.get("Action", [])
        if statement.get("Effect") != "Allow" or ECS_TASKS not in _listed(services) \
                or "sts:AssumeRole" not in _listed(actions):
            continue
        if all(_holds(op, key, want, context) for op, tests in (statement.get("Condition") or {}).items()
               for key, want in tests.items()):
            return []
    return [f"the trust policy of {role_arn} does not let {ECS_TASKS} assume it for a task of account "
            f"{account} in {region}"]


def _listed(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def _holds(operator: str, key: str, wanted, context: dict) -> bool:
    from tfsuite.emulator.moto_iam_conditions import condition_holds

    return condition_holds(operator, key, wanted, {k: [v] for k, v in context.items()})


def task_role_credentials(sts, role_arn: str, session: str = "ecs-task") -> Credentials:
    found = sts.assume_role(RoleArn=role_arn, RoleSessionName=session, DurationSeconds=3600)["Credentials"]
    return Credentials(found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"])


__all__ = ["Credentials", "enforcing_iam", "operator_credentials", "task_role_credentials",
           "trust_allows_ecs_tasks"]
