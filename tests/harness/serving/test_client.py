"""The TF Serving REST client, against the local stub that answers as TF Serving does."""

from __future__ import annotations

import json

import pytest

from tfsuite.serving import contract
from tfsuite.serving.client import TFServingClient, TFServingError
from tfsuite.testing.stub import StubModel

ARTICLE = contract.article_request()
EXPECTED = [contract.reference_probability(example) for example in ARTICLE["inputs"]]
TWO_EXAMPLES = [[[0.3], [0.2]], [[-1.0], [0.5]]]


def test_status_lists_each_version_and_its_state(client):
    assert client.version_states() == {"1": "AVAILABLE"}
    assert client.status()["model_version_status"][0]["status"]["error_code"] == "OK"


def test_metadata_gives_the_serving_signature(client):
    assert client.signature("serving_default") == contract.expected_signature()


def test_columnar_predict_sends_the_article_request_and_returns_the_bare_output(client, stub):
    outputs = client.predict(inputs=ARTICLE["inputs"], signature_name=ARTICLE["signature_name"])

    assert outputs == EXPECTED
    assert json.loads(stub.requests[-1].body) == ARTICLE
    assert stub.requests[-1].path == "/v1/models/empty_model:predict"


def test_row_predict_returns_one_prediction_per_instance(client):
    predictions = client.predict(instances=TWO_EXAMPLES)

    assert predictions == [contract.reference_probability(example) for example in TWO_EXAMPLES]


def test_several_outputs_come_back_by_name_in_both_forms(start_stub):
    model = StubModel("two_outputs", outputs={"probability": contract.reference_probability,
                                              "first_feature": lambda example: example[0]})
    client = TFServingClient(start_stub(models=[model]).base_url, "two_outputs")

    rows = client.predict(instances=TWO_EXAMPLES)
    columns = client.predict(inputs=TWO_EXAMPLES)

    assert [row["first_feature"] for row in rows] == [[0.3], [-1.0]]
    assert columns["first_feature"] == [[0.3], [-1.0]]
    assert columns["probability"] == [row["probability"] for row in rows]


def test_a_version_can_be_asked_for(client, stub):
    assert client.predict(inputs=ARTICLE["inputs"], version=1) == EXPECTED
    assert stub.requests[-1].path == "/v1/models/empty_model/versions/1:predict"


# --- errors carry TF Serving's status, message and the URL -----------------------------------

def test_bad_input_is_a_400_with_tf_servings_message(client):
    with pytest.raises(TFServingError) as caught:
        client.predict(inputs=[[0.3, 0.2]])

    assert caught.value.status_code == 400
    assert "Input to reshape" in caught.value.message
    assert caught.value.url.endswith("/v1/models/empty_model:predict")
    assert "HTTP 400" in str(caught.value)


def test_an_unknown_signature_is_a_400(client):
    with pytest.raises(TFServingError, match='"nope" not found') as caught:
        client.predict(inputs=ARTICLE["inputs"], signature_name="nope")
    assert caught.value.status_code == 400


def test_an_unknown_model_is_a_404(stub):
    client = TFServingClient(stub.base_url, "other_model")

    with pytest.raises(TFServingError) as caught:
        client.status()

    assert caught.value.status_code == 404
    assert caught.value.message == "Servable not found for request: Latest(other_model)"
    assert caught.value.url == f"{stub.base_url}/v1/models/other_model"


def test_an_unavailable_model_is_a_503(start_stub):
    client = TFServingClient(start_stub(unavailable_calls=1).base_url, "empty_model")

    with pytest.raises(TFServingError) as caught:
        client.metadata()

    assert caught.value.status_code == 503
    assert "not available" in caught.value.message


def test_a_slow_answer_times_out_without_a_status(start_stub):
    client = TFServingClient(start_stub(delay_seconds=1.0).base_url, "empty_model", timeout=0.2)

    with pytest.raises(TFServingError, match=r"no answer within 0.2 s") as caught:
        client.predict(inputs=ARTICLE["inputs"])

    assert caught.value.status_code is None


def test_a_closed_port_is_an_error_without_a_status(closed_port):
    client = TFServingClient(f"http://127.0.0.1:{closed_port}", "empty_model", timeout=1)

    with pytest.raises(TFServingError, match="request failed") as caught:
        client.status()

    assert caught.value.status_code is None
    assert caught.value.url == f"http://127.0.0.1:{closed_port}/v1/models/empty_model"


# --- waiting until the model is AVAILABLE ---------------------------------------------------

def test_waiting_retries_through_503s_until_available(start_stub):
    stub = start_stub(unavailable_calls=3)
    client = TFServingClient(stub.base_url, "empty_model")

    assert client.wait_until_available(timeout=5) == {"1": "AVAILABLE"}
    assert len(stub.requests) == 4


def test_waiting_gives_up_after_the_timeout_with_the_last_answer(start_stub):
    client = TFServingClient(start_stub(unavailable_calls=10**6).base_url, "empty_model")

    expected = r"not AVAILABLE after .* s; last answer: Servable not available"
    with pytest.raises(TFServingError, match=expected) as caught:
        client.wait_until_available(timeout=0.5, max_interval=0.1)

    assert caught.value.status_code == 503


def test_waiting_retries_while_the_port_is_closed(closed_port):
    client = TFServingClient(f"http://127.0.0.1:{closed_port}", "empty_model", timeout=0.5)

    with pytest.raises(TFServingError, match="not AVAILABLE after") as caught:
        client.wait_until_available(timeout=0.3, max_interval=0.1)

    assert caught.value.status_code is None


def test_waiting_stops_at_once_on_an_unknown_model(stub):
    client = TFServingClient(stub.base_url, "other_model")

    with pytest.raises(TFServingError) as caught:
        client.wait_until_available(timeout=5)

    assert caught.value.status_code == 404
    assert len(stub.requests) == 1


def test_waiting_stops_when_keep_waiting_raises(start_stub):
    stub = start_stub(unavailable_calls=10**6)
    client = TFServingClient(stub.base_url, "empty_model")
    checks = []

    def keep_waiting():
        checks.append(1)
        if len(checks) == 3:
            raise RuntimeError("container exited")

    with pytest.raises(RuntimeError, match="container exited"):
        client.wait_until_available(timeout=5, keep_waiting=keep_waiting)
    assert len(stub.requests) == 2


# --- bad arguments are ValueErrors with a clear message ----------------------------------------

@pytest.mark.parametrize(("base_url", "message"), [
    ("", "non-empty string"),
    ("localhost:8501", "must start with http:// or https://"),
    ("ftp://localhost:8501", "must start with http:// or https://"),
    ("http://", "has no host"),
    ("http://localhost:99999", "bad port"),
    ("http://localhost:8501/v1/models", "without a path"),
    ("http://localhost:8501?x=1", "without a path"),
])
def test_a_bad_base_url_is_refused(base_url, message):
    with pytest.raises(ValueError, match=message):
        TFServingClient(base_url, "empty_model")


@pytest.mark.parametrize(("model_name", "message"), [
    ("", "non-empty string"),
    (None, "non-empty string"),
    ("empty/model", "letters, digits"),
    ("model:predict", "letters, digits"),
])
def test_a_bad_model_name_is_refused(model_name, message):
    with pytest.raises(ValueError, match=message):
        TFServingClient("http://localhost:8501", model_name)


@pytest.mark.parametrize("timeout", [0, -1, "10", True])
def test_a_bad_timeout_is_refused(timeout):
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        TFServingClient("http://localhost:8501", "empty_model", timeout=timeout)


def test_predict_refuses_both_instances_and_inputs(client):
    with pytest.raises(ValueError, match="exactly one of instances= .* got instances and inputs"):
        client.predict(instances=TWO_EXAMPLES, inputs=TWO_EXAMPLES)


def test_predict_refuses_neither_instances_nor_inputs(client):
    with pytest.raises(ValueError, match="got neither"):
        client.predict()


def test_predict_refuses_an_empty_signature_name(client):
    with pytest.raises(ValueError, match="signature_name must be a non-empty string"):
        client.predict(inputs=ARTICLE["inputs"], signature_name="")


@pytest.mark.parametrize("version", [0, "latest", "1/../2"])
def test_a_bad_version_is_refused(client, version):
    with pytest.raises(ValueError, match="version must be a positive integer"):
        client.predict(inputs=ARTICLE["inputs"], version=version)


@pytest.mark.parametrize(("option", "value"), [("timeout", 0), ("max_interval", -1)])
def test_waiting_refuses_bad_intervals(client, option, value):
    with pytest.raises(ValueError, match=f"{option} must be a positive number"):
        client.wait_until_available(**{option: value})
