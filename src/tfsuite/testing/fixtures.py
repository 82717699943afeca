"""Fixtures shared by several test folders (a pytest plugin, loaded by the root conftest).

Imports happen inside the fixtures, so every tox env can load the plugin whatever it installs.

- `emulator`, `emulator_target`: moto's server embedded in this process, and an AwsTarget on it
  (TFSUITE_MOTO_UNPATCHED=1: moto as released, for the canaries of the compatibility patches)
- `start_stub`: start_stub(**TFServingStub options) -> a running stub, stopped after the test
- `stub`, `client`: a stub serving empty_model, and a TFServingClient on it
- `closed_port`: a port on 127.0.0.1 where nothing listens any more
- `unused_tcp_port_url`: a loopback URL nothing listens on
- `toolchain`: the bootstrap's CLI and provider mirror; a missing toolchain FAILS the test (it is
  set up by `make <layer>`, so its absence is a broken set-up, never a reason to skip)
"""

from __future__ import annotations

import pytest

MODEL_NAME = "empty_model"


@pytest.fixture(scope="session")
def toolchain():
    """The bootstrap's toolchain (CLI, provider mirror); missing = a broken set-up, so the test fails."""
    from tfsuite.toolchain import ToolchainMissing, load_toolchain

    try:
        return load_toolchain()
    except ToolchainMissing as exc:
        reason = str(exc)
    pytest.fail(f"toolchain missing: run make bootstrap ({reason})", pytrace=False)


@pytest.fixture(scope="session")
def emulator():
    import os

    from tfsuite.emulator.moto_server import EmbeddedMoto

    with EmbeddedMoto(patched=os.environ.get("TFSUITE_MOTO_UNPATCHED") != "1") as started:
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
