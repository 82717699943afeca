"""Choose and open the emulator for a run.

open_emulator(): moto's server embedded in this process, always. LOCALSTACK_ENDPOINT does not move
it: the emulator layer and the gate judge the deployment on moto (with its compatibility patches),
and a LocalStack left in the environment must not turn their ALB, ECS and autoscaling checks into
skips.
open_localstack(): the LocalStack at LOCALSTACK_ENDPOINT (it must answer), or one started on the
host; only the LocalStack layer uses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from tfsuite.emulator import localstack
from tfsuite.emulator.endpoint import Emulator
from tfsuite.emulator.moto_server import EmbeddedMoto


def open_emulator(region: str = "eu-west-1") -> AbstractContextManager[Emulator]:
    return EmbeddedMoto(region)


@contextmanager
def open_localstack(region: str = "eu-west-1") -> Iterator[Emulator]:
    """The LocalStack at LOCALSTACK_ENDPOINT (it must answer: LocalStackUnavailable says why), else
    one started on the host, stopped when the block ends."""
    endpoint = localstack.endpoint_from_env()
    if endpoint:
        yield localstack.connect(endpoint, region)
        return
    with localstack.HostLocalStack(region) as emulator:
        yield emulator
