"""The stub answers the raw HTTP the way TF Serving does (the client tests rely on it)."""

from __future__ import annotations

import pytest
import requests

from tfsuite.serving import contract
from tfsuite.testing.stub import TFServingStub


def test_it_listens_on_a_random_loopback_port(start_stub):
    first, second = start_stub(), start_stub()

    assert first.base_url.startswith("http://127.0.0.1:")
    assert first.port != second.port


def test_status_is_shaped_like_tf_servings(stub):
    answer = requests.get(f"{stub.base_url}/v1/models/empty_model", timeout=2)

    assert answer.status_code == 200
    assert answer.json() == {"model_version_status": [
        {"version": "1", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}]}


def test_a_named_single_input_is_accepted_like_a_bare_one(stub):
    url = f"{stub.base_url}/v1/models/empty_model:predict"
    bare = requests.post(url, json={"inputs": contract.ARTICLE_INPUTS}, timeout=2).json()
    named = requests.post(url, json={"inputs": {"input": contract.ARTICLE_INPUTS}}, timeout=2).json()

    assert bare == named == {"outputs": [contract.reference_probability(contract.ARTICLE_INPUTS[0])]}


@pytest.mark.parametrize(("method", "path", "body", "status", "error"), [
    ("POST", "/v1/models/empty_model:predict", "{not json", 400, "JSON Parse error"),
    ("POST", "/v1/models/empty_model:predict", '{"signature_name": "serving_default"}', 400,
     "Missing 'inputs' or 'instances' key"),
    ("POST", "/v1/models/empty_model:predict", '{"inputs": [[[1], [2]]], "instances": [[[1], [2]]]}', 400,
     "both 'inputs' and 'instances'"),
    ("POST", "/v1/models/empty_model:predict", '{"instances": [[[1], [2], [3]]]}', 400, "Input to reshape"),
    ("GET", "/v1/models/empty_model/versions/2", None, 404,
     "Servable not found for request: Specific(empty_model, 2)"),
    ("GET", "/v1/models/empty_model:classify", None, 404, "Malformed request"),
    ("GET", "/healthz", None, 404, "Malformed request"),
])
def test_errors_come_as_an_error_body_with_tf_servings_status(stub, method, path, body, status, error):
    answer = requests.request(method, stub.base_url + path, data=body, timeout=2)

    assert answer.status_code == status
    assert error in answer.json()["error"]


def test_it_records_the_requests_it_answered(stub):
    url = f"{stub.base_url}/v1/models/empty_model:predict"
    requests.post(url, json=contract.article_request(), timeout=2)

    assert [(r.method, r.path) for r in stub.requests] == [("POST", "/v1/models/empty_model:predict")]


@pytest.mark.parametrize(("option", "value"), [("unavailable_calls", -1), ("delay_seconds", -0.1)])
def test_bad_options_are_refused(option, value):
    with pytest.raises(ValueError, match=f"{option} must be >= 0"):
        TFServingStub(**{option: value})


def test_the_port_is_asked_for_before_start():
    with pytest.raises(RuntimeError, match="not running: call start"):
        _ = TFServingStub().port
