"""Leave out of apply the resources an emulator cannot hold.

A resource is left out when its service is not offered (LocalStack community: ecs, elbv2, ecr,
application-autoscaling) or when it references a resource that is left out. Everything else is
applied through `-target`, one per remaining resource.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfsuite.emulator.endpoint import Emulator
from tfsuite.emulator.services import service_of
from tfsuite.runner.plan import Plan, base_address


@dataclass(frozen=True)
class Exclusion:
    address: str
    service: str  # the service the emulator does not offer
    via: str | None = None  # the left-out resource this one references, if that is the reason

    def __str__(self) -> str:
        if self.via:
            return f"{self.address} (references {self.via}, which needs {self.service})"
        return f"{self.address} (needs {self.service})"


def exclusions(plan: Plan, emulator: Emulator) -> dict[str, Exclusion]:
    """Resource address (without index) -> why it cannot be applied on this emulator."""
    addresses = sorted({base_address(a) for a in plan.resources()})
    excluded = {}
    for address in addresses:
        service = service_of(address.split(".")[-2])
        if not emulator.offers(service):
            excluded[address] = Exclusion(address, service)
    references = plan.configured_references()
    changed = True
    while changed:  # propagate to everything that references a left-out resource
        changed = False
        for address in addresses:
            if address in excluded:
                continue
            for needed in sorted(references.get(address, ())):
                if needed in excluded:
                    excluded[address] = Exclusion(address, excluded[needed].service, needed)
                    changed = True
                    break
    return excluded


def targets(plan: Plan, excluded: dict[str, Exclusion]) -> list[str]:
    """`-target` addresses for every planned resource that is not left out."""
    return sorted({base_address(a) for a in plan.resources()} - set(excluded))


def missing_services(excluded: dict[str, Exclusion]) -> dict[str, list[str]]:
    """Service -> the left-out resource addresses that need it."""
    by_service: dict[str, list[str]] = {}
    for exclusion in excluded.values():
        by_service.setdefault(exclusion.service, []).append(exclusion.address)
    return {service: sorted(addresses) for service, addresses in sorted(by_service.items())}
