"""Choose and open the emulator for a run.

open_emulator(): the LocalStack at LOCALSTACK_ENDPOINT when that variable is set (it must answer),
otherwise moto's server embedded in this process.
open_localstack(): the LocalStack at LOCALSTACK_ENDPOINT, or one started on the host.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tfsuite.emulator import localstack
from tfsuite.emulator.endpoint import Emulator
from tfsuite.emulator.moto_server import EmbeddedMoto


@contextmanager
def open_emulator(region: str = "eu-west-1") -> Iterator[Emulator]:
    endpoint = localstack.endpoint_from_env()
    if endpoint:
        yield localstack.connect(endpoint, region)  # raises LocalStackUnavailable with the reason
        return
    with EmbeddedMoto(region) as emulator:
        yield emulator


@contextmanager
def open_localstack(region: str = "eu-west-1") -> Iterator[Emulator]:
    endpoint = localstack.endpoint_from_env()
    if endpoint:
        yield localstack.connect(endpoint, region)
        return
    with localstack.HostLocalStack(region) as emulator:
        yield emulator
