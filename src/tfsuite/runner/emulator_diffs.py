"""Second-plan differences that come from an emulator we cannot patch, not from the configuration.

Embedded moto is fixed in-process (tfsuite.emulator.moto_compat). A LocalStack endpoint runs in
its own process, and its EC2 is moto-based with the same two gaps (moto_compat fixes 6 and 7):
rules that reference a security group read back without their description, and with the owner
account in front of the group ID. Only these attributes of these resource types are tolerated,
only on LocalStack, and every tolerated change is still reported (as a warning), never hidden.
"""

from __future__ import annotations

from tfsuite.runner.plan import PendingChange

_GROUP_RULE_GAPS = {
    "description": "LocalStack (moto-based EC2) drops the description of rules that reference a group",
    "referenced_security_group_id": "LocalStack returns the owner account of a same-account group reference, "
                                    "which the provider reads as cross-account while the account ID is skipped",
}

TOLERATED: dict[str, dict[str, dict[str, str]]] = {
    "localstack": {
        "aws_vpc_security_group_ingress_rule": _GROUP_RULE_GAPS,
        "aws_vpc_security_group_egress_rule": _GROUP_RULE_GAPS,
    },
}


def split_tolerated(changes: list[PendingChange], emulator_kind: str
                    ) -> tuple[list[PendingChange], list[tuple[PendingChange, str]]]:
    """(changes that fail convergence, (tolerated change, reason) pairs).

    A change is tolerated only when it is an in-place update and every attribute it touches is
    a known gap of this emulator for that resource type."""
    table = TOLERATED.get(emulator_kind, {})
    failing, tolerated = [], []
    for change in changes:
        gaps = table.get(change.address.split("[")[0].split(".")[0], {})
        if change.actions == ("update",) and change.attributes and all(a in gaps for a in change.attributes):
            tolerated.append((change, "; ".join(gaps[a] for a in change.attributes)))
        else:
            failing.append(change)
    return failing, tolerated
