"""Choose and open the emulator for a run.

open_emulator(): the LocalStack at LOCALSTACK_ENDPOINT when that variable is set (it must answer),
otherwise moto's server embedded in this process.
open_localstack(): the LocalStack at LOCALSTACK_ENDPOINT, or one started on the host.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from tfsuite.emulator import localstack
from tfsuite.emulator.endpoint import Emulator, StartedEmulator
from tfsuite.emulator.moto_server import EmbeddedMoto


def open_emulator(region: str = "eu-west-1") -> AbstractContextManager[Emulator]:
    return _connect_or_start(EmbeddedMoto, region)


def open_localstack(region: str = "eu-west-1") -> AbstractContextManager[Emulator]:
    return _connect_or_start(localstack.HostLocalStack, region)


@contextmanager
def _connect_or_start(start: Callable[[str], StartedEmulator], region: str) -> Iterator[Emulator]:
    """The LocalStack at LOCALSTACK_ENDPOINT (it must answer: LocalStackUnavailable says why), else
    the emulator `start(region)` makes, stopped when the block ends."""
    endpoint = localstack.endpoint_from_env()
    if endpoint:
        yield localstack.connect(endpoint, region)
        return
    with start(region) as emulator:
        yield emulator
