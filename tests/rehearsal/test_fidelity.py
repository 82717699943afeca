"""The rehearsal's model server against the real TF Serving image (where a Docker engine answers):
the same client calls, the same answers. Measures the stand-in's fidelity where it can be."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from tfsuite.paths import MODEL_DIR, REPO_ROOT
from tfsuite.serving import contract, deployment
from tfsuite.serving.client import TFServingClient, TFServingError

MODEL = "empty_model"


@pytest.fixture(scope="module", params=["model-server", pytest.param("tf-serving-image", marks=pytest.mark.docker)])
def served(request):
    """A REST base URL serving model/empty_model: the rehearsal's model server, or the pinned image."""
    if request.param == "tf-serving-image":
        from tfsuite.serving.container import DockerUnavailable, connect, ensure_image, run_tf_serving

        try:
            engine = connect()
            ensure_image(engine, deployment.tfserving_image())
        except DockerUnavailable as err:
            pytest.skip(str(err))
        with run_tf_serving(engine, image=deployment.tfserving_image(), model_dir=MODEL_DIR / MODEL,
                            model_name=MODEL) as serving:
            yield serving.base_url
        engine.close()
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "tfsuite.rehearsal.model_server", "--port=8500", f"--rest_api_port={port}",
         f"--model_name={MODEL}", f"--model_base_path={MODEL_DIR / MODEL}"],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def client(served):
    with TFServingClient(served, MODEL, timeout=10) as client:
        client.wait_until_available(timeout=120)
        yield client


def test_status_lists_the_version_available(client):
    assert client.version_states() == {contract.MODEL_VERSION: "AVAILABLE"}


def test_metadata_describes_the_contract_signature(client):
    assert client.signature() == contract.expected_signature()


def test_columnar_and_row_predictions_agree_with_the_contract(client):
    examples = [[[0.3], [0.2]], [[-4.0], [3.0]]]

    columnar = client.predict(inputs=examples)
    rows = client.predict(instances=examples)

    np.testing.assert_allclose(columnar, [contract.reference_probability(e) for e in examples], atol=1e-5)
    assert rows == columnar


@pytest.mark.parametrize(("call", "status"), [
    (lambda c: c.predict(inputs=[[0.3, 0.2]]), 400),
    (lambda c: c.predict(inputs=[[[0.3], [0.2]]], signature_name="nope"), 400),
    (lambda c: TFServingClient(c.base_url, "other_model").metadata(), 404),
])
def test_errors_have_tf_servings_status_and_an_error_message(client, call, status):
    with pytest.raises(TFServingError) as raised:
        call(client)

    assert raised.value.status_code == status
    assert raised.value.message

