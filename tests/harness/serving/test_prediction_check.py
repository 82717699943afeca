"""The prediction check (one implementation: the Docker test and the e2e run on the ALB's answers),
run here against the TF Serving stub (a real HTTP server answering as TF Serving does)."""

import pytest

from tfsuite.serving import contract
from tfsuite.serving.prediction_check import (
    PredictionMismatch,
    check_article_prediction,
    client_for,
    measure_latency,
)
from tfsuite.testing.stub import StubModel, TFServingStub


@pytest.fixture
def stub():
    with TFServingStub() as running:
        yield running


def predict_url(base_url: str, model: str = "empty_model") -> str:
    return f"{base_url}/v1/models/{model}:predict"


def test_the_client_is_built_from_the_modules_predict_url_output():
    client = client_for("http://my-alb-123.eu-west-1.elb.amazonaws.com:9000/v1/models/empty_model:predict")
    assert (client.base_url, client.model_name) == ("http://my-alb-123.eu-west-1.elb.amazonaws.com:9000",
                                                    "empty_model")


@pytest.mark.parametrize("url", ["http://alb:9000/v1/models/empty_model", "http://alb:9000/predict",
                                 "http://alb:9000/v2/models/m:predict"])
def test_a_predict_url_of_another_shape_is_refused(url):
    with pytest.raises(ValueError, match="is not http://host:port/v1/models/<model>:predict"):
        client_for(url)


def test_the_article_request_gets_the_models_probability(stub):
    check = check_article_prediction(client_for(predict_url(stub.base_url)))
    assert 0.0 <= check.probability <= 1.0
    assert check.probability == pytest.approx(contract.reference_probability(contract.ARTICLE_INPUTS[0])[0])
    assert check.outcome == ("positive" if check.probability >= 0.5 else "negative")
    assert stub.requests[-1].method == "POST"


def test_a_different_model_behind_the_alb_is_caught():
    other = StubModel("empty_model", outputs={contract.OUTPUT_KEY: lambda example: [0.01]})
    with TFServingStub([other]) as stub, pytest.raises(PredictionMismatch, match="differs from the model's"):
        check_article_prediction(client_for(predict_url(stub.base_url)))


def test_an_answer_outside_zero_to_one_is_caught():
    broken = StubModel("empty_model", outputs={contract.OUTPUT_KEY: lambda example: [1.7]})
    with TFServingStub([broken]) as stub, pytest.raises(PredictionMismatch, match="outside \\[0, 1\\]"):
        check_article_prediction(client_for(predict_url(stub.base_url)))


def test_latency_over_n_requests_gives_ordered_percentiles(stub):
    stats = measure_latency(client_for(predict_url(stub.base_url)), 25)
    assert stats.requests == 25
    assert 0 < stats.min_ms <= stats.p50_ms <= stats.p95_ms <= stats.p99_ms <= stats.max_ms
    assert sum(1 for r in stub.requests if r.method == "POST") == 25
