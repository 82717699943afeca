"""The REST client against the stub and, where a Docker engine answers, the real TF Serving image:
the same calls must give the same answers, so the stub's fidelity is measured where it can be."""

from __future__ import annotations

import pytest

from tfsuite.paths import MODEL_DIR
from tfsuite.serving import contract, deployment
from tfsuite.serving.client import TFServingClient, TFServingError
from tfsuite.serving.container import DockerUnavailable, connect, ensure_image, run_tf_serving
from tfsuite.testing.stub import TFServingStub

MODEL = "empty_model"


@pytest.fixture(scope="module", params=["stub", pytest.param("tf-serving-image", marks=pytest.mark.docker)])
def served(request):
    if request.param == "stub":
        with TFServingStub(model_name=MODEL) as stub:
            yield stub.base_url
        return
    try:
        engine = connect()
        ensure_image(engine, deployment.tfserving_image())
    except DockerUnavailable as err:
        pytest.skip(str(err))
    try:
        with run_tf_serving(engine, image=deployment.tfserving_image(), model_dir=MODEL_DIR / MODEL,
                            model_name=MODEL) as serving:
            yield serving.base_url
    finally:
        engine.close()


@pytest.fixture(scope="module")
def client(served):
    with TFServingClient(served, MODEL, timeout=10) as client:
        client.wait_until_available(timeout=120)
        yield client


def test_status_lists_the_version_available(client):
    assert client.version_states() == {contract.MODEL_VERSION: "AVAILABLE"}


def test_metadata_describes_the_contract_signature(client):
    assert client.signature() == contract.expected_signature()


def test_the_article_request_in_both_forms(client):
    inputs = contract.article_request()["inputs"]

    columnar = client.predict(inputs=inputs)
    rows = client.predict(instances=inputs)

    assert columnar[0][0] == pytest.approx(contract.article_probability(), abs=1e-5)
    assert rows[0][0] == pytest.approx(columnar[0][0], abs=1e-6)


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
