"""What every deleter shares: boto3 clients for one target made on first use, the Deleter record,
and what AWS error codes mean (gone, or not yet because something still depends on it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from botocore.exceptions import ClientError

from tfsuite.aws.clients import AwsTarget

# Error codes that mean "not yet: something still depends on it" (or AWS asks us to slow down).
DEPENDENCY_CODES = frozenset({
    "DependencyViolation", "ResourceInUse", "ResourceInUseException", "DeleteConflict",
    "ClusterContainsServicesException", "ClusterContainsTasksException",
    "ClusterContainsContainerInstancesException", "BucketNotEmpty", "OperationAborted",
    "InvalidNetworkInterface.InUse", "ConcurrentModificationException", "ConcurrentUpdateException",
    "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
})
_GONE = re.compile(r"NotFound|^NoSuch|NotActive|^404$")


def error_code(err: BaseException) -> str:
    return err.response.get("Error", {}).get("Code", "") if isinstance(err, ClientError) else ""


def is_gone_error(err: BaseException) -> bool:
    return bool(_GONE.search(error_code(err)))


def is_dependency_error(err: BaseException) -> bool:
    return error_code(err) in DEPENDENCY_CODES


class Clients:
    """boto3 clients for one target, made on first use."""

    def __init__(self, target: AwsTarget) -> None:
        self.target = target

    @cache  # noqa: B019 - one Clients per janitor run; the cache dies with it
    def __call__(self, service: str):
        return self.target.client(service)


@dataclass(frozen=True)
class Deleter:
    kind: str
    exists: Callable[[Clients, str], bool]
    delete: Callable[[Clients, str], None]


def listed(service: str, describe: str, ids: str, key: str) -> Callable[[Clients, str], bool]:
    """An `exists` for resources a describe call lists by id: service.describe(ids=[ident])[key]."""
    def exists(clients: Clients, ident: str) -> bool:
        return bool(getattr(clients(service), describe)(**{ids: [ident]})[key])
    return exists


def deleted_by(service: str, operation: str, id_param: str) -> Callable[[Clients, str], None]:
    """A `delete` that is one call: service.operation(id_param=ident)."""
    def delete(clients: Clients, ident: str) -> None:
        getattr(clients(service), operation)(**{id_param: ident})
    return delete
