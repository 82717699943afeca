"""Serving layer fixtures: local TF Serving stubs, a client on them, and the Docker engines."""

from __future__ import annotations

import os

import pytest

from tfsuite.paths import MODEL_DIR
from tfsuite.serving import deployment
from tfsuite.serving.client import TFServingClient
from tfsuite.serving.container import DockerUnavailable, connect, ensure_image
from tfsuite.serving.fake_docker import FakeDockerClient
from tfsuite.serving.stub import TFServingStub

MODEL_NAME = "empty_model"


@pytest.fixture
def start_stub():
    """start_stub(**TFServingStub options) -> a running stub, stopped after the test."""
    stubs = []

    def start(**options) -> TFServingStub:
        stub = TFServingStub(**options).start()
        stubs.append(stub)
        return stub

    yield start
    for stub in stubs:
        stub.stop()


@pytest.fixture
def stub(start_stub) -> TFServingStub:
    return start_stub(model_name=MODEL_NAME)


@pytest.fixture
def client(stub):
    with TFServingClient(stub.base_url, MODEL_NAME, timeout=2) as client:
        yield client


@pytest.fixture
def closed_port(start_stub) -> int:
    """A port on 127.0.0.1 where nothing listens any more."""
    stub = start_stub()
    port = stub.port
    stub.stop()
    return port


@pytest.fixture(scope="session")
def deployed() -> dict:
    """Image and model name as the Terraform deployment sets them, and the local model folder."""
    model_name = deployment.model_name()
    return {"image": deployment.tfserving_image(), "model_name": model_name,
            "model_dir": MODEL_DIR / model_name}


@pytest.fixture
def fake_engine(deployed, start_stub) -> FakeDockerClient:
    """A fake docker client whose containers publish 8501 on a stub serving the deployed model."""
    stub = start_stub(model_name=deployed["model_name"])
    return FakeDockerClient(host_port=stub.port, images={deployed["image"]})


@pytest.fixture
def serving_engine(request, deployed, tmp_path, monkeypatch):
    """Parametrized "fake" (its reports kept in tmp) or "docker" (skips naming what is missing)."""
    if request.param == "fake":
        monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path / "reports"))
        yield request.getfixturevalue("fake_engine")
        return
    try:
        engine = connect()
    except DockerUnavailable as err:
        pytest.skip(str(err))
    try:
        ensure_image(engine, deployed["image"])
    except DockerUnavailable as err:
        engine.close()
        pytest.skip(str(err))
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def latency_requests() -> int:
    """How many predictions to time: TFSUITE_SERVING_REQUESTS, default 100."""
    text = os.environ.get("TFSUITE_SERVING_REQUESTS", "100")
    if not text.isdigit() or int(text) < 2:
        raise pytest.UsageError(f"TFSUITE_SERVING_REQUESTS must be an integer >= 2, got {text!r}")
    return int(text)
