"""What the deployed endpoint must answer: the article's request, a probability equal to the
model contract's, and the latency over N such requests."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from tfsuite.e2e.latency import LatencyStats, time_calls
from tfsuite.serving import contract
from tfsuite.serving.client import TFServingClient

TOLERANCE = 1e-4  # float32 arithmetic in TF Serving against the contract's float64 reference


class PredictionMismatch(AssertionError):
    """The endpoint answered, but not what the model promises."""


@dataclass(frozen=True)
class PredictionCheck:
    probability: float
    expected: float
    outcome: str  # "positive" (probability >= 0.5) or "negative"

    def to_dict(self) -> dict:
        return asdict(self)


def client_for(predict_url: str, timeout: float = 10.0) -> TFServingClient:
    """A client from the module's predict_url output: http://<alb>:<port>/v1/models/<model>:predict."""
    parts = urlsplit(predict_url)
    prefix, _, model_and_verb = parts.path.rpartition("/")
    if prefix != "/v1/models" or not model_and_verb.endswith(":predict"):
        raise ValueError(f"predict_url {predict_url!r} is not http://host:port/v1/models/<model>:predict")
    return TFServingClient(f"{parts.scheme}://{parts.netloc}", model_and_verb.removesuffix(":predict"),
                           timeout=timeout)


def check_article_prediction(client: TFServingClient) -> PredictionCheck:
    """POST the article's request; the probability must lie in [0, 1] and match the contract."""
    request = contract.article_request()
    answer = client.predict(inputs=request["inputs"], signature_name=request["signature_name"])
    try:
        (probability,), = answer  # one example, one probability (a single output comes back bare)
        probability = float(probability)
    except (TypeError, ValueError) as err:
        raise PredictionMismatch(f"expected [[probability]] for one example, got {answer!r}") from err
    if not (0.0 <= probability <= 1.0) or math.isnan(probability):
        raise PredictionMismatch(f"probability {probability} is outside [0, 1]")
    expected = contract.reference_probability(contract.ARTICLE_INPUTS[0])[0]
    if abs(probability - expected) > TOLERANCE:
        raise PredictionMismatch(f"probability {probability:.6f} differs from the model's {expected:.6f} "
                                 f"by more than {TOLERANCE} (a different model is being served?)")
    return PredictionCheck(probability, expected, "positive" if probability >= 0.5 else "negative")


def measure_latency(client: TFServingClient, requests: int) -> LatencyStats:
    inputs = contract.article_request()["inputs"]
    return LatencyStats.of(time_calls(lambda: client.predict(inputs=inputs), requests))
