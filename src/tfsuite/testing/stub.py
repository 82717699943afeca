"""A local stand-in for TF Serving's REST API: a real HTTP server on 127.0.0.1 (random port).

It answers the way TF Serving 2.x does, so the client, the README example and the e2e code can
be tested without the real server:

- GET  /v1/models/{m}[/versions/{v}]           status: {"model_version_status": [...]}
- GET  /v1/models/{m}[/versions/{v}]/metadata  signature metadata
- POST /v1/models/{m}[/versions/{v}]:predict   `instances` -> "predictions", `inputs` -> "outputs"
  (a single output comes back bare, several as {name: values})
- errors as {"error": "..."}: 400 bad request, 404 unknown model or path, 503 not available

`unavailable_calls=N` answers 503 to the first N requests; `delay_seconds` delays every answer.
Predictions come from plain functions, by default the model contract's reference function.

    with TFServingStub() as stub:
        requests.post(stub.base_url + "/v1/models/empty_model:predict", json=...)
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tfsuite.serving import contract


@dataclass(frozen=True)
class StubModel:
    """One served model: each output is a function of one example (a nested list)."""

    name: str
    version: str = contract.MODEL_VERSION
    signature_name: str = contract.SIGNATURE_NAME
    input_key: str = contract.INPUT_KEY
    example_shape: tuple[int, ...] = tuple(contract.INPUT_SHAPE[1:])
    outputs: dict[str, Callable[[Any], Any]] = field(
        default_factory=lambda: {contract.OUTPUT_KEY: contract.reference_probability})
    output_shape: tuple[int, ...] = tuple(contract.OUTPUT_SHAPE[1:])


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    body: Any


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


_PATH = re.compile(
    r"^/v1/models/(?P<name>[^/:]+)(?:/versions/(?P<version>[^/:]+))?(?P<action>/metadata|:predict)?$")


class TFServingStub:
    def __init__(self, models: list[StubModel] | None = None, *, model_name: str = "empty_model",
                 unavailable_calls: int = 0, delay_seconds: float = 0.0) -> None:
        if unavailable_calls < 0:
            raise ValueError(f"unavailable_calls must be >= 0, got {unavailable_calls}")
        if delay_seconds < 0:
            raise ValueError(f"delay_seconds must be >= 0, got {delay_seconds}")
        models = models if models is not None else [StubModel(model_name)]
        self.models = {model.name: model for model in models}
        self.unavailable_calls = unavailable_calls
        self.delay_seconds = delay_seconds
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle -------------------------------------------------------------------------
    def start(self) -> TFServingStub:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.block_on_close = False  # a delayed answer must not hold up stop()
        server.stub = self  # type: ignore[attr-defined]
        self._server = server
        # a short poll interval keeps stop() quick: shutdown() waits for the loop's next poll
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="tfserving-stub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> TFServingStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the stub is not running: call start() first")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- answers ----------------------------------------------------------------------------
    def answer(self, method: str, path: str, raw_body: bytes) -> tuple[int, dict]:
        body = raw_body.decode("utf-8", "replace") if raw_body else None
        with self._lock:
            self.requests.append(RecordedRequest(method, path, body))
            unavailable = len(self.requests) <= self.unavailable_calls
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        if unavailable:
            return 503, {"error": "Servable not available yet: the model is still loading"}
        try:
            return 200, self._route(method, path, body)
        except _BadRequest as err:
            return err.status, {"error": str(err)}

    def _route(self, method: str, path: str, body: str | None) -> dict:
        match = _PATH.match(path)
        if not match:
            raise _BadRequest(404, f"Malformed request: {method} {path}")
        model = self.models.get(match["name"])
        version = match["version"]
        if model is None or (version is not None and version != model.version):
            wanted = f"Specific({match['name']}, {version})" if version else f"Latest({match['name']})"
            raise _BadRequest(404, f"Servable not found for request: {wanted}")
        action = match["action"]
        if action is None and method == "GET":
            return {"model_version_status": [{"version": model.version, "state": "AVAILABLE",
                                              "status": {"error_code": "OK", "error_message": ""}}]}
        if action == "/metadata" and method == "GET":
            return _metadata(model)
        if action == ":predict" and method == "POST":
            return _predict(model, body)
        raise _BadRequest(404, f"Malformed request: {method} {path}")


class _Handler(BaseHTTPRequestHandler):
    server_version = "TFServingStub"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._reply()

    def do_POST(self) -> None:  # noqa: N802
        self._reply()

    def _reply(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        status, answer = self.server.stub.answer(self.command, self.path, self.rfile.read(length))
        payload = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing left to answer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


def _metadata(model: StubModel) -> dict:
    def tensor(name: str, shape: tuple[int, ...], tensor_name: str) -> dict:
        dims = [{"size": "-1", "name": ""}] + [{"size": str(size), "name": ""} for size in shape]
        return {"dtype": contract.DTYPE, "tensor_shape": {"dim": dims, "unknown_rank": False},
                "name": tensor_name}

    outputs = {name: tensor(name, model.output_shape, f"StatefulPartitionedCall:{index}")
               for index, name in enumerate(model.outputs)}
    signature = {
        "inputs": {model.input_key: tensor(model.input_key, model.example_shape,
                                           f"{model.signature_name}_{model.input_key}:0")},
        "outputs": outputs,
        "method_name": "tensorflow/serving/predict",
        "defaults": {},
    }
    return {"model_spec": {"name": model.name, "signature_name": "", "version": model.version},
            "metadata": {"signature_def": {"signature_def": {model.signature_name: signature}}}}


def _predict(model: StubModel, body: str | None) -> dict:
    try:
        request = json.loads(body or "")
    except ValueError as err:
        raise _BadRequest(400, f"JSON Parse error: {err}") from err
    if not isinstance(request, dict):
        raise _BadRequest(400, "JSON Value: request body is not an object")
    signature_name = request.get("signature_name", model.signature_name)
    if signature_name != model.signature_name:
        raise _BadRequest(400, f'Serving signature name: "{signature_name}" not found in signature def')
    has_instances, has_inputs = "instances" in request, "inputs" in request
    if has_instances == has_inputs:
        raise _BadRequest(400, "Missing 'inputs' or 'instances' key" if not has_instances
                          else "Not allowed to have both 'inputs' and 'instances' keys")
    if has_instances:
        examples = [_unwrap(model, instance) for instance in _as_list(request["instances"], "instances")]
    else:
        examples = _as_list(_unwrap(model, request["inputs"]), "inputs")
    for example in examples:
        shape = _shape(example)
        if shape != model.example_shape:
            raise _BadRequest(400, f"Input to reshape is a tensor with shape {list(shape or [])}, "
                                   f"but the signature wants {list(model.example_shape)} per example")
    rows = [{name: output(example) for name, output in model.outputs.items()} for example in examples]
    if has_instances:
        return {"predictions": [next(iter(row.values())) if len(row) == 1 else row for row in rows]}
    columns = {name: [row[name] for row in rows] for name in model.outputs}
    return {"outputs": next(iter(columns.values())) if len(columns) == 1 else columns}


def _unwrap(model: StubModel, value: Any) -> Any:
    """An input given by name ({"input": tensor}) or bare, as TF Serving accepts for one input."""
    if isinstance(value, dict):
        if set(value) != {model.input_key}:
            raise _BadRequest(400, f"Failed to process element: inputs must be {{{model.input_key!r}: ...}}, "
                                   f"got keys {sorted(value)}")
        return value[model.input_key]
    return value


def _as_list(value: Any, key: str) -> list:
    if not isinstance(value, list) or not value:
        raise _BadRequest(400, f"'{key}' must be a non-empty list")
    return value


def _shape(value: Any) -> tuple[int, ...] | None:
    """The shape of a nested list of numbers, None when ragged or not numeric."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return ()
    if not isinstance(value, list) or not value:
        return None
    shapes = {_shape(item) for item in value}
    if len(shapes) != 1 or None in shapes:
        return None
    return (len(value), *shapes.pop())
