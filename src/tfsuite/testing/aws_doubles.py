"""Helpers that give the embedded moto what only AWS produces, and watch how the harness calls AWS.

- `requester_managed(emulator, eni_id, requester)`: flag an interface as one AWS manages for a
  service (a load balancer's, a NAT gateway's), as DescribeNetworkInterfaces reports it on AWS.
  Works on the embedded moto only (its backend lives in this process).
- `DirectListings(session)`: records every AWS listing made without a paginator through clients of
  that boto3 session (calls that name resources by id are lookups, not listings).
"""

from __future__ import annotations

from functools import cache

import botocore.session
from botocore.context import get_context
from botocore.useragent import _USERAGENT_FEATURE_MAPPINGS

from tfsuite.emulator.endpoint import Emulator

# botocore marks the calls its paginators make with this user-agent feature code
PAGINATOR_FEATURE = _USERAGENT_FEATURE_MAPPINGS["PAGINATOR"]


def requester_managed(emulator: Emulator, eni_id: str, requester: str = "amazon-elb") -> None:
    if emulator.kind != "moto":
        raise ValueError("only the embedded moto's interfaces can be flagged")
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ec2.models import ec2_backends

    interface = ec2_backends[DEFAULT_ACCOUNT_ID][emulator.region].enis[eni_id]
    interface.requester_managed = True
    interface.requester_id = requester


@cache
def _paginated_operations(service: str) -> frozenset[str]:
    try:
        model = botocore.session.get_session().get_paginator_model(service)
    except Exception:  # noqa: BLE001 - a service without paginators
        return frozenset()
    return frozenset(model._paginator_config)  # noqa: SLF001 - botocore keeps the names only there


class DirectListings:
    def __init__(self, session) -> None:
        self.calls: list[str] = []
        session.events.register("before-parameter-build", self._seen)

    def _seen(self, params: dict, model, **kwargs) -> None:
        context = get_context()
        if context is not None and PAGINATOR_FEATURE in context.features:
            return
        service = model.service_model.service_name
        if model.name not in _paginated_operations(service):
            return
        if any(key.endswith(("Ids", "Arns")) and value for key, value in params.items()):
            return  # a lookup of named resources
        self.calls.append(f"{service}.{model.name}({', '.join(sorted(params))})")
