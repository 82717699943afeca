"""An AWS emulator the suite talks to: where it listens, what it offers, and clients for it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

# Same fixed credentials everywhere: the override file, boto3 and localstack-client.
ACCESS_KEY = "test"
SECRET_KEY = "test"

_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=60)


@dataclass(frozen=True)
class Emulator:
    """A running emulator.

    kind: "moto" (embedded server) or "localstack".
    services: the services it offers; None means every service the suite uses.
    """

    kind: str
    endpoint: str
    region: str = "eu-west-1"
    services: frozenset[str] | None = None
    edition: str = ""
    details: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in ("moto", "localstack"):
            raise ValueError(f"emulator kind must be 'moto' or 'localstack', not {self.kind!r}")
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname or not parts.port:
            raise ValueError(f"emulator endpoint must look like http://host:port, not {self.endpoint!r}")

    @property
    def host_port(self) -> str:
        parts = urlsplit(self.endpoint)
        return f"{parts.hostname}:{parts.port}"

    def offers(self, service: str) -> bool:
        return self.services is None or service in self.services

    def missing(self, services: Iterable[str]) -> list[str]:
        """The services among `services` this emulator does not offer, sorted."""
        return sorted({s for s in services if not self.offers(s)})

    def with_region(self, region: str) -> Emulator:
        return Emulator(self.kind, self.endpoint, region, self.services, self.edition, self.details)

    def client(self, service: str):
        """A boto3 client for `service` on this emulator (through localstack-client for LocalStack)."""
        if self.kind == "localstack":
            from localstack_client.session import Session

            session = Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                              region_name=self.region, localstack_host=self.host_port)
            return session.client(service, config=_CLIENT_CONFIG)
        return boto3.client(service, endpoint_url=self.endpoint, region_name=self.region,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                            config=_CLIENT_CONFIG)

    def describe(self) -> str:
        offered = "all services" if self.services is None else f"{len(self.services)} services"
        edition = f" {self.edition}" if self.edition else ""
        return f"{self.kind}{edition} at {self.endpoint} ({offered}, region {self.region})"


class StartedEmulator(ABC):
    """An emulator this process starts and stops (embedded moto, LocalStack on the host): start()
    gives the running Emulator, stop() ends it; `with` does both, stopping even on an error."""

    @abstractmethod
    def start(self) -> Emulator: ...

    @abstractmethod
    def stop(self) -> None: ...

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
