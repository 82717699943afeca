"""What a structural promise reports when it does not hold."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    rule: str  # the promise's id, e.g. "listener-chain"
    address: str  # the resource, variable or file concerned
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.address}: {self.message}"
