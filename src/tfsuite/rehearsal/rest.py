"""The REST half of the TF Serving stand-in: TF Serving 2.x's REST API over a VersionManager.

- GET  /v1/models/{m}[/versions/{v}]           {"model_version_status": [...]}
- GET  /v1/models/{m}[/versions/{v}]/metadata  the SignatureDefs of the served SavedModel
- POST /v1/models/{m}[/versions/{v}]:predict   `instances` -> "predictions", `inputs` -> "outputs"
  (computed by TensorFlow from the loaded SavedModel; one output comes back bare)
- errors as {"error": "..."}: 400 bad input, 404 unknown model, path or servable.
"""

from __future__ import annotations

import json
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tfsuite.rehearsal.servables import Loaded, ModelNotFound, VersionManager

_PATH = re.compile(
    r"^/v1/models/(?P<name>[^/:]+)(?:/versions/(?P<version>[0-9]+))?(?P<action>/metadata|:predict)?$")


class RestError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def answer(manager: VersionManager, method: str, path: str, raw: bytes) -> tuple[int, dict]:
    try:
        return 200, _route(manager, method, path, raw)
    except RestError as err:
        return err.status, {"error": str(err)}
    except ModelNotFound as err:
        return 404, {"error": str(err)}


def _route(manager: VersionManager, method: str, path: str, raw: bytes) -> dict:
    match = _PATH.match(path.split("?", 1)[0])
    if not match:
        raise RestError(404, f"Malformed request: {method} {path}")
    if match["name"] != manager.name:
        raise RestError(404, f"Servable not found for request: Latest({match['name']})")
    version = int(match["version"]) if match["version"] else None
    action = match["action"]
    if action is None and method == "GET":
        status = manager.status()
        if version is not None:
            status = [s for s in status if s["version"] == str(version)]
        if not status:
            raise RestError(404, f"Could not find any versions of model {manager.name}")
        return {"model_version_status": status}
    if action == "/metadata" and method == "GET":
        return metadata(manager.servable(version), manager.name)
    if action == ":predict" and method == "POST":
        return predict(manager.servable(version), raw)
    raise RestError(404, f"Malformed request: {method} {path}")


def metadata(loaded: Loaded, name: str) -> dict:
    from google.protobuf import json_format

    def as_dict(proto: Any) -> dict:
        try:
            return json_format.MessageToDict(proto, preserving_proto_field_name=True,
                                             always_print_fields_with_no_presence=True)
        except TypeError:  # protobuf < 5.26
            return json_format.MessageToDict(proto, preserving_proto_field_name=True,
                                             including_default_value_fields=True)

    signatures = {key: as_dict(value) for key, value in loaded.signature_defs.items()}
    return {"model_spec": {"name": name, "signature_name": "", "version": str(loaded.version)},
            "metadata": {"signature_def": {"signature_def": signatures}}}


def predict(loaded: Loaded, raw: bytes) -> dict:
    import tensorflow as tf

    try:
        request = json.loads(raw or b"")
    except ValueError as err:
        raise RestError(400, f"JSON Parse error: {err}") from err
    if not isinstance(request, dict):
        raise RestError(400, "JSON Value: request body is not an object")
    name = request.get("signature_name", "serving_default")
    if name not in loaded.model.signatures:
        raise RestError(400, f'Serving signature name: "{name}" not found in signature def')
    function = loaded.model.signatures[name]
    _, specs = function.structured_input_signature
    has_instances, has_inputs = "instances" in request, "inputs" in request
    if has_instances == has_inputs:
        raise RestError(400, "Missing 'inputs' or 'instances' key" if not has_instances
                        else "Not allowed to have both 'inputs' and 'instances' keys")
    if has_instances:
        rows = request["instances"]
        if not isinstance(rows, list) or not rows:
            raise RestError(400, "'instances' must be a non-empty list")
        if len(specs) == 1 and not isinstance(rows[0], dict):
            columns = {next(iter(specs)): rows}
        else:
            columns = {key: [row[key] for row in rows] for key in specs}
    else:
        given = request["inputs"]
        columns = given if isinstance(given, dict) else {next(iter(specs)): given}
    if set(columns) != set(specs):
        raise RestError(400, f"Failed to process element: inputs {sorted(columns)} do not match the "
                             f"signature's {sorted(specs)}")
    try:
        tensors = {key: tf.constant(value, dtype=specs[key].dtype) for key, value in columns.items()}
        for key, tensor in tensors.items():
            if not specs[key].shape.is_compatible_with(tensor.shape):
                raise RestError(400, f"Input {key} has shape {tensor.shape.as_list()}, the signature "
                                     f"wants {specs[key].shape.as_list()}")
        outputs = {key: value.numpy().tolist() for key, value in function(**tensors).items()}
    except RestError:
        raise
    except (ValueError, TypeError, tf.errors.InvalidArgumentError) as err:
        raise RestError(400, str(err).splitlines()[0]) from err
    if has_instances:
        count = len(next(iter(outputs.values())))
        if len(outputs) == 1:
            return {"predictions": next(iter(outputs.values()))}
        return {"predictions": [{key: values[i] for key, values in outputs.items()} for i in range(count)]}
    return {"outputs": next(iter(outputs.values())) if len(outputs) == 1 else outputs}


class _Handler(BaseHTTPRequestHandler):
    server_version = "TFServingStandIn"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._reply()

    def do_POST(self) -> None:  # noqa: N802
        self._reply()

    def _reply(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        status, body = answer(self.server.manager, self.command, self.path, self.rfile.read(length))
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(manager: VersionManager, host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), _Handler)
    server.daemon_threads = True
    server.manager = manager  # type: ignore[attr-defined]
    return server
