"""The serving check: start TF Serving, wait for AVAILABLE, send the README's request, time it.

Used by the Docker test (with a real engine) and by its rehearsal with the fake engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfsuite.serving import contract
from tfsuite.serving.client import TFServingClient, TFServingError
from tfsuite.serving.container import ContainerFailed, run_tf_serving
from tfsuite.serving.latency import LatencySummary, measure


@dataclass(frozen=True)
class PredictionCheck:
    base_url: str
    version_states: dict
    signature: dict
    outputs: Any
    latency: LatencySummary


def check_readme_request(engine: Any, *, image: str, model_dir: Path, model_name: str,
                         requests: int = 100, wait_timeout: float = 180.0) -> PredictionCheck:
    """Run the check in a fresh container (always removed). ContainerFailed carries its logs."""
    with (run_tf_serving(engine, image=image, model_dir=model_dir, model_name=model_name) as serving,
          TFServingClient(serving.base_url, model_name, timeout=10) as client):
        request = contract.article_request()

        def predict() -> Any:
            return client.predict(inputs=request["inputs"], signature_name=request["signature_name"])

        try:
            states = client.wait_until_available(timeout=wait_timeout, keep_waiting=serving.raise_if_exited)
            signature = client.signature(request["signature_name"])
            outputs = predict()
            latency = measure(predict, requests)
        except TFServingError as err:
            raise ContainerFailed(f"{err}\nTF Serving container logs:\n{serving.logs()}") from err
        return PredictionCheck(serving.base_url, states, signature, outputs, latency)
