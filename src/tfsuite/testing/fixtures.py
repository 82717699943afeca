"""Fixtures shared by several test folders (a pytest plugin, loaded by the root conftest).

Imports happen inside the fixtures, so every tox env can load the plugin whatever it installs.

- `emulator`, `emulator_target`: moto's server embedded in this process, and an AwsTarget on it
- `start_stub`: start_stub(**TFServingStub options) -> a running stub, stopped after the test
- `stub`, `client`: a stub serving empty_model, and a TFServingClient on it
- `closed_port`: a port on 127.0.0.1 where nothing listens any more
- `unused_tcp_port_url`: a loopback URL nothing listens on
"""

from __future__ import annotations

import pytest

MODEL_NAME = "empty_model"


@pytest.fixture(scope="session")
def emulator():
    from tfsuite.emulator.moto_server import EmbeddedMoto

    with EmbeddedMoto() as started:
        yield started


@pytest.fixture(scope="session")
def emulator_target(emulator):
    from tfsuite.aws.clients import AwsTarget

    return AwsTarget(emulator.region, endpoint_url=emulator.endpoint)


@pytest.fixture
def start_stub():
    from tfsuite.testing.stub import TFServingStub

    stubs = []

    def start(**options) -> TFServingStub:
        stub = TFServingStub(**options).start()
        stubs.append(stub)
        return stub

    yield start
    for stub in stubs:
        stub.stop()


@pytest.fixture
def stub(start_stub):
    return start_stub(model_name=MODEL_NAME)


@pytest.fixture
def client(stub):
    from tfsuite.serving.client import TFServingClient

    with TFServingClient(stub.base_url, MODEL_NAME, timeout=2) as client:
        yield client


@pytest.fixture
def closed_port(start_stub) -> int:
    stub = start_stub()
    port = stub.port
    stub.stop()
    return port


@pytest.fixture
def unused_tcp_port_url() -> str:
    """A loopback URL nothing listens on (the port is bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
