"""A small TF Serving REST client: model status, metadata, predict, and wait-until-available.

    client = TFServingClient("http://my-alb.example.com:9000", "empty_model")
    client.wait_until_available(timeout=300)
    client.predict(inputs=[[[0.3], [0.2]]])          # columnar: the answer's "outputs"
    client.predict(instances=[[[0.3], [0.2]]])       # row: the answer's "predictions"

Every failure of a call is a TFServingError with the HTTP status (None when no answer came),
TF Serving's `{"error": ...}` message and the URL. Bad arguments raise ValueError.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

DEFAULT_SIGNATURE = "serving_default"
# 502/504 come from a load balancer in front of TF Serving while its targets are not healthy yet.
RETRYABLE_STATUS = frozenset({502, 503, 504})
_MODEL_NAME = re.compile(r"^[A-Za-z0-9_-]+$")  # what terraform's model_name validation accepts
_NO_VALUE = object()


class TFServingError(Exception):
    """A TF Serving call failed: `status_code` (None: no HTTP answer), `message`, `url`."""

    def __init__(self, message: str, *, url: str, status_code: int | None = None) -> None:
        self.message = message
        self.url = url
        self.status_code = status_code
        answer = f"HTTP {status_code}" if status_code is not None else "no answer"
        super().__init__(f"{answer} from {url}: {message}")

    @property
    def retryable(self) -> bool:
        return self.status_code is None or self.status_code in RETRYABLE_STATUS


class _NotAvailableYet(TFServingError):
    """The status answered, but no version is AVAILABLE yet."""

    @property
    def retryable(self) -> bool:
        return True


class TFServingClient:
    def __init__(self, base_url: str, model_name: str, *, timeout: float = 10.0,
                 session: requests.Session | None = None) -> None:
        self.base_url = _checked_base_url(base_url)
        if not isinstance(model_name, str) or not model_name:
            raise ValueError("model_name must be a non-empty string")
        if not _MODEL_NAME.match(model_name):
            raise ValueError(f"model_name {model_name!r} may only hold letters, digits, '_' and '-'")
        _check_positive("timeout", timeout)
        self.model_name = model_name
        self.timeout = float(timeout)
        self._session = session or requests.Session()

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> TFServingClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def model_url(self, version: int | str | None = None) -> str:
        url = f"{self.base_url}/v1/models/{self.model_name}"
        if version is not None:
            if not re.fullmatch(r"[1-9][0-9]*", str(version)):
                raise ValueError(f"version must be a positive integer, got {version!r}")
            url += f"/versions/{version}"
        return url

    def status(self, version: int | str | None = None) -> dict:
        """GET /v1/models/{m}: TF Serving's `model_version_status` answer."""
        return self._call("GET", self.model_url(version))

    def version_states(self) -> dict[str, str]:
        """{version: state}, e.g. {"1": "AVAILABLE"}."""
        status = self.status()
        try:
            return {str(entry["version"]): entry["state"] for entry in status["model_version_status"]}
        except (KeyError, TypeError) as err:
            raise TFServingError(f"status answer is not TF Serving's model_version_status: {status!r}",
                                 url=self.model_url(), status_code=200) from err

    def metadata(self, version: int | str | None = None) -> dict:
        """GET /v1/models/{m}/metadata: 200 only once a version is loaded."""
        return self._call("GET", self.model_url(version) + "/metadata")

    def signature(self, signature_name: str = DEFAULT_SIGNATURE) -> dict:
        """The signature from the metadata, as {"inputs"|"outputs": {key: {"dtype", "shape"}}}."""
        return describe_signature(self.metadata(), signature_name)

    def predict(self, *, instances: Any = _NO_VALUE, inputs: Any = _NO_VALUE,
                signature_name: str = DEFAULT_SIGNATURE, version: int | str | None = None) -> Any:
        """POST :predict with exactly one of `instances` (row form, returns the answer's
        "predictions") or `inputs` (columnar form, returns "outputs": a single output comes back
        bare, several as {name: values})."""
        candidates = (("instances", instances), ("inputs", inputs))
        given = [name for name, value in candidates if value is not _NO_VALUE]
        if len(given) != 1:
            raise ValueError("predict needs exactly one of instances= (row form) or inputs= (columnar form), "
                             f"got {' and '.join(given) or 'neither'}")
        if not isinstance(signature_name, str) or not signature_name:
            raise ValueError("signature_name must be a non-empty string")
        form = given[0]
        body = {"signature_name": signature_name, form: instances if form == "instances" else inputs}
        url = self.model_url(version) + ":predict"
        answer = self._call("POST", url, body)
        result_key = "predictions" if form == "instances" else "outputs"
        if result_key not in answer:
            raise TFServingError(f"answer has no {result_key!r}: {answer!r}", url=url, status_code=200)
        return answer[result_key]

    def wait_until_available(self, *, timeout: float = 120.0, max_interval: float = 5.0,
                             keep_waiting: Callable[[], None] | None = None) -> dict[str, str]:
        """Poll the status, with exponential backoff, until a version is AVAILABLE.

        Retries while there is no answer (port not open yet), on 502/503/504 and while no version
        is AVAILABLE; any other error is raised at once. `keep_waiting` is called before each try
        and may raise to stop early (e.g. when the container has exited). Returns version states.
        """
        _check_positive("timeout", timeout)
        _check_positive("max_interval", max_interval)
        started = time.monotonic()
        retrying = Retrying(
            stop=stop_after_delay(timeout),
            wait=wait_exponential(multiplier=0.05, max=max_interval),
            retry=retry_if_exception(lambda err: isinstance(err, TFServingError) and err.retryable),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    if keep_waiting is not None:
                        keep_waiting()
                    states = self.version_states()
                    if "AVAILABLE" not in states.values():
                        raise _NotAvailableYet(f"no version AVAILABLE yet (states: {states})",
                                               url=self.model_url(), status_code=200)
        except TFServingError as err:
            if not err.retryable:
                raise
            waited = time.monotonic() - started
            message = (f"model {self.model_name!r} not AVAILABLE after {waited:.1f} s; "
                       f"last answer: {err.message}")
            raise TFServingError(message, url=err.url, status_code=err.status_code) from err
        return states

    def _call(self, method: str, url: str, body: dict | None = None) -> dict:
        try:
            response = self._session.request(method, url, json=body, timeout=self.timeout)
        except requests.Timeout as err:
            raise TFServingError(f"no answer within {self.timeout:g} s ({err})", url=url) from err
        except requests.RequestException as err:
            raise TFServingError(f"request failed: {err}", url=url) from err
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code >= 400:
            if isinstance(answer, dict) and "error" in answer:
                message = str(answer["error"])
            else:
                message = response.text.strip()[:500] or response.reason or "(empty body)"
            raise TFServingError(message, url=url, status_code=response.status_code)
        if not isinstance(answer, dict):
            raise TFServingError(f"answer is not a JSON object: {response.text[:500]!r}",
                                 url=url, status_code=response.status_code)
        return answer


def describe_signature(metadata: dict, signature_name: str = DEFAULT_SIGNATURE) -> dict:
    """Reduce TF Serving's metadata answer to {"inputs"|"outputs": {key: {"dtype", "shape"}}}.

    Unknown dimensions stay -1, as TF Serving writes them; an unknown rank gives shape None.
    """
    try:
        signatures = metadata["metadata"]["signature_def"]["signature_def"]
    except (KeyError, TypeError) as err:
        raise ValueError(f"not a TF Serving metadata answer: {metadata!r:.300}") from err
    if signature_name not in signatures:
        raise ValueError(f"signature {signature_name!r} not in metadata (has: {sorted(signatures)})")
    signature = signatures[signature_name]

    def tensor(info: dict) -> dict:
        shape = info.get("tensor_shape", {})
        dims = None if shape.get("unknown_rank") else [int(dim["size"]) for dim in shape.get("dim", [])]
        return {"dtype": info.get("dtype"), "shape": dims}

    return {side: {key: tensor(info) for key, info in signature.get(side, {}).items()}
            for side in ("inputs", "outputs")}


def _checked_base_url(base_url: str) -> str:
    if not isinstance(base_url, str) or not base_url:
        raise ValueError("base_url must be a non-empty string such as http://host:8501")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"base_url {base_url!r} must start with http:// or https://")
    if not parts.hostname:
        raise ValueError(f"base_url {base_url!r} has no host")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError as err:
        raise ValueError(f"base_url {base_url!r} has a bad port: {err}") from err
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ValueError(f"base_url {base_url!r} must be scheme://host[:port] only, without a path "
                         "(the client adds /v1/models/...)")
    return f"{parts.scheme}://{parts.netloc}"


def _check_positive(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
