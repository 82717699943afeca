"""moto gap 11 (applied by moto_compat.apply(), tested in tests/integration/test_moto_compat_deploy.py):
CloudWatch over the Smithy RPCv2 CBOR protocol.

The AWS SDK for Go v2 (cloudwatch v1.57, in hashicorp/aws 6.47) speaks only RPCv2 CBOR to
CloudWatch: POST /service/GraniteServiceVersion20100801/operation/<Operation>, a CBOR body, the
`smithy-protocol: rpc-v2-cbor` header both ways. moto 5.2.5 routes CloudWatch's query and JSON
protocols only, so every `aws_cloudwatch_metric_alarm` call answers 404 and cannot be applied.
(boto3 is unaffected: botocore 1.44 resolves CloudWatch to its JSON protocol.)

Fix: a route for that path which decodes the CBOR request, hands it to moto's own CloudWatch
handler as the equivalent AWS JSON 1.0 request, and encodes the answer (and errors) back as CBOR,
timestamps as CBOR tag 1 (epoch seconds) where the operation's output shape has them.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

import cbor2
from botocore.session import get_session
from moto.cloudwatch import urls as cloudwatch_urls
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.request import Request
from werkzeug.test import EnvironBuilder

TARGET_PREFIX = "GraniteServiceVersion20100801"
ROUTE = "{0}/service/" + TARGET_PREFIX + "/operation/(?P<operation>[A-Za-z0-9]+)$"
# Read before anything is patched: does this moto release route CloudWatch's CBOR path itself?
UPSTREAM_ROUTES_CLOUDWATCH_CBOR = any("/operation/" in path for path in cloudwatch_urls.url_paths)
_DROPPED_HEADERS = {"content-type", "content-length", "smithy-protocol", "accept", "x-amz-target"}
_MODEL: list = []


def _service_model():
    if not _MODEL:
        _MODEL.append(get_session().get_service_model("cloudwatch"))
    return _MODEL[0]


def _jsonable(value: Any) -> Any:
    """A decoded CBOR request as the AWS JSON protocol sends it (timestamps as epoch seconds)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _cborable(value: Any, shape: Any) -> Any:
    """A JSON-protocol answer as RPCv2 CBOR carries it, following the output shape."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {k: _cborable(v, shape.members.get(k)) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_cborable(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _cborable(v, shape.value) for k, v in value.items()}
    if kind == "timestamp":
        seconds = value if isinstance(value, int | float) else datetime.fromisoformat(
            str(value).replace("Z", "+00:00")).timestamp()
        return cbor2.CBORTag(1, float(seconds))
    if kind == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    return value


def cbor_dispatch(request: Any, full_url: str, headers: Any) -> tuple[int, dict, bytes]:
    operation = full_url.rstrip("/").rsplit("/", 1)[-1]
    decoded = cbor2.loads(request.data) if request.data else {}
    json_headers = {k: v for k, v in dict(headers).items() if k.lower() not in _DROPPED_HEADERS}
    json_headers.update({"Content-Type": "application/x-amz-json-1.0",
                         "X-Amz-Target": f"{TARGET_PREFIX}.{operation}"})
    base_url = full_url.split("/service/", 1)[0] + "/"
    json_request = Request(EnvironBuilder(method="POST", base_url=base_url, headers=json_headers,
                                          data=json.dumps(_jsonable(decoded))).get_environ())
    status, answer_headers, body = CloudWatchResponse.dispatch(json_request, base_url, json_request.headers)
    text = body.decode() if isinstance(body, bytes) else body
    answer = json.loads(text) if text else {}
    if status < 300:
        answer = _cborable(answer, _service_model().operation_model(operation).output_shape)
    headers_out = {k: v for k, v in dict(answer_headers).items() if k.lower() not in ("content-type", "content-length")}
    headers_out.update({"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"})
    return status, headers_out, cbor2.dumps(answer)


def apply() -> None:
    if UPSTREAM_ROUTES_CLOUDWATCH_CBOR:
        return  # the release routes it: use its own
    cloudwatch_urls.url_paths[ROUTE] = cbor_dispatch
