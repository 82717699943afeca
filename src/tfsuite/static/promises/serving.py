"""Promises about the serving path inside the task: how the server runs, what the sidecar needs,
when the service may start, and that the deployment knows nothing of the suite testing it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfsuite.static import contract as c
from tfsuite.static.expressions import mentions, objects, resolve, strings
from tfsuite.static.hcl import Config
from tfsuite.static.promises import promise, required
from tfsuite.static.promises.traffic import tfserving_containers

# The flags the image's entrypoint script passes to tensorflow_model_server.
SERVER_FLAGS = ("--port=", "--rest_api_port=", "--model_name=", "--model_base_path=")
MODEL_SYNC_CONTAINER = "model-sync"
UPLOAD = ("aws_s3_object", "model_files")
MARKERS = ("aws_s3_object", "model_complete")
_LOCAL = re.compile(r"\blocal\.([A-Za-z_][A-Za-z0-9_-]*)")


def _keys_and_strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _keys_and_strings(item)
    else:
        yield from strings(value)


@promise("knows-no-harness", "The configuration names no test harness: no tfsuite tag or text (the suite "
                             "passes its tags through the ordinary `tags` input)")
def knows_no_harness(config: Config):
    for file, document in sorted(config.files.items()):
        for text in _keys_and_strings(document):
            if "tfsuite" in text.lower():
                yield file, f"mentions the harness: {text[:80]!r}"


def _listed(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _text(config: Config, value: Any, seen: set[str] | None = None) -> str:
    """Every string of a value and of the locals it refers to (transitively), joined."""
    seen = set() if seen is None else seen
    parts = []
    for text in strings(value):
        parts.append(text)
        for name in _LOCAL.findall(text):
            if name not in seen and name in config.locals():
                seen.add(name)
                parts.append(_text(config, config.locals()[name], seen))
    return " ".join(parts)


@promise("server-stops-promptly", f"The {c.TFSERVING_CONTAINER} container runs tensorflow_model_server as its "
                                  "main process (SIGTERM reaches it) with the flags of the image's entrypoint")
def server_stops_promptly(config: Config):
    task, missing = required(config, *c.TASK_DEFINITION)
    yield from missing
    if not task:
        return
    for container in tfserving_containers(config, task):
        entry = _text(config, container.get("entryPoint"))
        command = _text(config, container.get("command"))
        if "tensorflow_model_server" not in entry and "/bin/sh" not in entry:
            yield task.address, (f"{c.TFSERVING_CONTAINER} entryPoint is {entry!r}: the image's entrypoint shell "
                                 "does not forward SIGTERM; run tensorflow_model_server directly or with exec")
            continue
        if "/bin/sh" in entry and not re.search(r"\bexec tensorflow_model_server\b", command):
            yield task.address, (f"{c.TFSERVING_CONTAINER} starts through /bin/sh without `exec "
                                 "tensorflow_model_server`: SIGTERM would stop at the shell")
        for flag in SERVER_FLAGS:
            if flag not in command:
                yield task.address, f"{c.TFSERVING_CONTAINER} command lacks {flag} (the image's entrypoint passes it)"


@promise("sidecar-writable-home", f"The {MODEL_SYNC_CONTAINER} container's HOME is on a writable volume "
                                  "(its root file system is read-only)")
def sidecar_writable_home(config: Config):
    task, missing = required(config, *c.TASK_DEFINITION)
    yield from missing
    if not task:
        return
    for container in objects(config, task.get("container_definitions")):
        if container.get("name") != MODEL_SYNC_CONTAINER or "image" not in container:
            continue
        environment = {e.get("name"): resolve(config, e.get("value"))
                       for e in _listed(container.get("environment") or []) if isinstance(e, dict)}
        writable = [m.get("containerPath") for m in _listed(container.get("mountPoints") or [])
                    if isinstance(m, dict) and m.get("readOnly") is False]
        home = environment.get("HOME")
        if not isinstance(home, str) or not any(home == p or home.startswith(f"{p}/") for p in writable):
            yield task.address, f"{MODEL_SYNC_CONTAINER} HOME is {home!r}, not under a writable mount {writable!r}"


@promise("model-complete-before-service", "Terraform's model upload writes each version's _COMPLETE marker "
                                          "after every file, and the ECS service starts after both")
def model_complete_before_service(config: Config):
    upload, missing = required(config, *UPLOAD)
    markers, missing_markers = required(config, *MARKERS)
    service, missing_service = required(config, *c.SERVICE)
    yield from missing + missing_markers + missing_service
    if markers:
        key = " ".join(strings(markers.get("key")))
        marker = resolve(config, "${local.model_complete_marker}")
        if "_COMPLETE" not in key and marker != "_COMPLETE":
            yield markers.address, f"key {key!r} is not <model_name>/<N>/_COMPLETE"
        if upload and not mentions(markers.get("depends_on"), upload.address):
            yield markers.address, f"does not depend on {upload.address}: the marker may land before the files"
    if service:
        for needed in (upload, markers):
            if needed and not mentions(service.get("depends_on"), needed.address):
                yield service.address, (f"does not depend on {needed.address}: tasks may start before the model "
                                        "is complete")
