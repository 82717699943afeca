"""The prediction check, one implementation for every place that asks TF Serving the article's
question: the Docker test (with a real engine, or the fake one) and the e2e run (the ALB on 9000).

The answer must be [[probability]] with the probability in [0, 1] and equal to the model
contract's; check_readme_request adds the container around it: start TF Serving, wait for
AVAILABLE, read the signature, check the prediction, time N more.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tfsuite.serving import contract
from tfsuite.serving.client import TFServingClient, TFServingError
from tfsuite.serving.container import ContainerFailed, run_tf_serving
from tfsuite.serving.latency import LatencyStats, measure

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


@dataclass(frozen=True)
class ServingCheck:
    """What check_readme_request saw of one container."""

    base_url: str
    version_states: dict
    signature: dict
    prediction: PredictionCheck
    latency: LatencyStats


def client_for(predict_url: str, timeout: float = 10.0) -> TFServingClient:
    """A client from the module's predict_url output: http://<alb>:<port>/v1/models/<model>:predict."""
    parts = urlsplit(predict_url)
    prefix, _, model_and_verb = parts.path.rpartition("/")
    if prefix != "/v1/models" or not model_and_verb.endswith(":predict"):
        raise ValueError(f"predict_url {predict_url!r} is not http://host:port/v1/models/<model>:predict")
    return TFServingClient(f"{parts.scheme}://{parts.netloc}", model_and_verb.removesuffix(":predict"),
                           timeout=timeout)


def predict_article(client: TFServingClient) -> Any:
    """POST the article's request (columnar `inputs`, the serving_default signature)."""
    request = contract.article_request()
    return client.predict(inputs=request["inputs"], signature_name=request["signature_name"])


def check_article_prediction(client: TFServingClient) -> PredictionCheck:
    """POST the article's request; the probability must lie in [0, 1] and match the contract."""
    answer = predict_article(client)
    try:
        (probability,), = answer  # one example, one probability (a single output comes back bare)
        probability = float(probability)
    except (TypeError, ValueError) as err:
        raise PredictionMismatch(f"expected [[probability]] for one example, got {answer!r}") from err
    if not (0.0 <= probability <= 1.0) or math.isnan(probability):
        raise PredictionMismatch(f"probability {probability} is outside [0, 1]")
    expected = contract.article_probability()
    if abs(probability - expected) > TOLERANCE:
        raise PredictionMismatch(f"probability {probability:.6f} differs from the model's {expected:.6f} "
                                 f"by more than {TOLERANCE} (a different model is being served?)")
    return PredictionCheck(probability, expected, "positive" if probability >= 0.5 else "negative")


def measure_latency(client: TFServingClient, requests: int) -> LatencyStats:
    """Percentiles over `requests` more article requests."""
    return measure(lambda: predict_article(client), requests)


def check_readme_request(engine: Any, *, image: str, model_dir: Path, model_name: str,
                         requests: int = 100, wait_timeout: float = 180.0) -> ServingCheck:
    """Run the check in a fresh container (always removed). ContainerFailed carries its logs."""
    with (run_tf_serving(engine, image=image, model_dir=model_dir, model_name=model_name) as serving,
          TFServingClient(serving.base_url, model_name, timeout=10) as client):
        try:
            states = client.wait_until_available(timeout=wait_timeout, keep_waiting=serving.raise_if_exited)
            signature = client.signature(contract.SIGNATURE_NAME)
            prediction = check_article_prediction(client)
            latency = measure_latency(client, requests)
        except TFServingError as err:
            raise ContainerFailed(f"{err}\nTF Serving container logs:\n{serving.logs()}") from err
        return ServingCheck(serving.base_url, states, signature, prediction, latency)
