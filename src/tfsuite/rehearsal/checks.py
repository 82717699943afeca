"""The rehearsal's building blocks for scenarios: model uploads by the completion protocol, the
expected answer computed by TensorFlow from the SavedModel itself, bounded waits, and the one check
every deployment must pass (a model uploaded -> healthy target -> the article's answer on the
listener port).

Upload-completeness protocol: version N of model M is complete when the object `M/N/_COMPLETE`
exists; uploaders write it last, and nothing may load N before it exists.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import requests
from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_fixed

from tfsuite.paths import MODEL_DIR
from tfsuite.serving import contract

COMPLETE_MARKER = "_COMPLETE"


class RehearsalFailed(AssertionError):
    """The deployment did not serve as it must; the message carries what was seen and the logs."""


def model_files(model_dir: Path = MODEL_DIR / "empty_model" / contract.MODEL_VERSION) -> list[Path]:
    return sorted(p for p in Path(model_dir).rglob("*") if p.is_file())


def upload_version(s3, bucket: str, model_name: str, version: int, *, complete: bool = True,
                   only: list[str] | None = None, model_dir: Path | None = None) -> list[str]:
    """Upload a SavedModel as version `version`; `_COMPLETE` last when `complete`. `only` limits the
    upload to those relative paths (an upload still in progress). Returns the keys written."""
    base = Path(model_dir or MODEL_DIR / "empty_model" / contract.MODEL_VERSION)
    keys = []
    for path in model_files(base):
        relative = path.relative_to(base).as_posix()
        if only is not None and relative not in only:
            continue
        key = f"{model_name}/{version}/{relative}"
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
        keys.append(key)
    if complete:
        key = f"{model_name}/{version}/{COMPLETE_MARKER}"
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
        keys.append(key)
    return keys


def delete_prefix(s3, bucket: str, prefix: str) -> int:
    """Delete every object under prefix (current versions: what a user's `aws s3 rm --recursive` does)."""
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
            for o in page.get("Contents", [])]
    for start in range(0, len(keys), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[start:start + 1000]]})
    return len(keys)


@cache
def expected_outputs(inputs_json: str, model_dir: str = str(MODEL_DIR / "empty_model" / contract.MODEL_VERSION)):
    """What TensorFlow itself answers for the request's inputs, run on the SavedModel directly."""
    import json

    import tensorflow as tf

    model = tf.saved_model.load(model_dir)
    function = model.signatures[contract.SIGNATURE_NAME]
    _, specs = function.structured_input_signature
    (key, spec), = specs.items()
    result = function(**{key: tf.constant(json.loads(inputs_json), dtype=spec.dtype)})
    (values,) = result.values()
    return values.numpy().tolist()


def wait_until(predicate, timeout: float, what: str, interval: float = 0.25, details=None):
    """Wait until predicate() returns something truthy (returned); RehearsalFailed after timeout,
    with details() (e.g. the containers' logs) in the message."""
    try:
        return Retrying(stop=stop_after_delay(timeout), wait=wait_fixed(interval),
                        retry=retry_if_result(lambda value: not value))(predicate)
    except RetryError:
        extra = f"\n{details()}" if details else ""
        raise RehearsalFailed(f"{what}: not within {timeout:g}s{extra}") from None


def stays_false(predicate, seconds: float, interval: float = 0.25) -> bool:
    """Watch predicate() for `seconds`: True when it never became truthy (a bounded observation)."""
    try:
        Retrying(stop=stop_after_delay(seconds), wait=wait_fixed(interval),
                 retry=retry_if_result(lambda value: not value))(predicate)
    except RetryError:
        return True
    return False


@dataclass
class Traffic:
    """The article's request sent through the listener again and again from a thread: every status."""

    url: str
    statuses: list[int] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Traffic:
        self._thread = threading.Thread(target=self._send, daemon=True)
        self._thread.start()
        return self

    def _send(self) -> None:
        with requests.Session() as session:
            while not self._stop.is_set():
                try:
                    answer = session.post(self.url, json=contract.article_request(), timeout=10)
                    self.statuses.append(answer.status_code)
                except requests.RequestException:
                    self.statuses.append(0)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    @property
    def failures(self) -> list[int]:
        return [s for s in self.statuses if s != 200]


def predict_on_listener(listener_url: str, model_name: str) -> tuple[float, list]:
    """POST the article's request on the listener: (seconds taken, the outputs)."""
    started = time.monotonic()
    answer = requests.post(f"{listener_url}/v1/models/{model_name}:predict", json=contract.article_request(),
                           timeout=30)
    if answer.status_code != 200:
        raise RehearsalFailed(f"the article's request got HTTP {answer.status_code}: {answer.text[:300]}")
    return time.monotonic() - started, answer.json()["outputs"]


def served_versions(listener_url: str, model_name: str) -> dict[str, str]:
    """{version: state} from TF Serving's status answer on the listener ({} when it does not answer 200)."""
    try:
        answer = requests.get(f"{listener_url}/v1/models/{model_name}", timeout=10)
    except requests.RequestException:
        return {}
    if answer.status_code != 200:
        return {}
    return {s["version"]: s["state"] for s in answer.json().get("model_version_status", [])}


def serve_check(world, timeout: float, upload: bool = True) -> str | None:
    """The check every deployment must pass: version 1 uploaded by the protocol (upload=False: as
    the deployment itself uploaded it), the task started, the target healthy within `timeout`, the
    article's request answered on the listener with what TensorFlow computes from the SavedModel.
    None when it passed, else what went wrong (with the last health check and the containers' logs)."""
    import json

    import numpy as np

    from tfsuite.rehearsal.run import Rehearsal

    deployed = world.deployed
    if upload:
        s3 = world.client("s3")
        delete_prefix(s3, deployed.bucket, f"{deployed.model_name}/")
        upload_version(s3, deployed.bucket, deployed.model_name, 1)
    run = Rehearsal.start(deployed, world.endpoint, world.task_credentials)
    try:
        try:
            wait_until(lambda: run.alb.target.state == "healthy" or run.task.stopped, timeout, "healthy target")
        except RehearsalFailed:
            return (f"target {run.alb.target.state} after {timeout:g}s; last health check: "
                    f"{run.alb.target.last_detail}\n{run.logs()}")
        if run.task.stopped:
            return f"task stopped: {run.task.stopped_reason}\n{run.logs()}"
        try:
            _, outputs = predict_on_listener(run.listener_url, deployed.model_name)
        except RehearsalFailed as err:
            return str(err)
        expected = expected_outputs(json.dumps(contract.article_request()["inputs"]))
        if not np.allclose(outputs, expected, atol=1e-6):
            return f"the article's request answered {outputs}, the SavedModel computes {expected}"
        return None
    finally:
        run.stop()
