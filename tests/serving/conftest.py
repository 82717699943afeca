"""Serving layer fixtures: the Docker engines (fake and real) and the deployed image.
The stub fixtures (start_stub, stub, client, closed_port) come from tfsuite.testing.fixtures."""

from __future__ import annotations

import os

import pytest

from tfsuite.paths import MODEL_DIR
from tfsuite.serving import deployment
from tfsuite.serving.container import DockerUnavailable, connect, ensure_image
from tfsuite.testing.fake_docker import FakeDockerClient


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
