"""Promises about the serving path inside the task: how the server runs, what the sidecar needs,
when the service may start, and that the deployment knows nothing of the suite testing it."""

from __future__ import annotations

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


@promise("server-stops-promptly", f"The {c.TFSERVING_CONTAINER} container runs tensorflow_model_server as its "
                                  "main process (SIGTERM reaches it) with the flags of the image's entrypoint")
def server_stops_promptly(config: Config):
    task, missing = required(config, *c.TASK_DEFINITION)
    yield from missing
    if not task:
        return
    for container in tfserving_containers(config, task):
        entry = [resolve(config, e) for e in _listed(container.get("entryPoint") or [])]
        command = [resolve(config, a) for a in _listed(container.get("command") or [])]
        direct = entry == ["tensorflow_model_server"]
        via_exec = entry[:2] == ["/bin/sh", "-c"] and any(
            isinstance(a, str) and a.lstrip().startswith("exec tensorflow_model_server") for a in command)
        if not (direct or via_exec):
            yield task.address, (f"{c.TFSERVING_CONTAINER} entryPoint is {entry!r}: the image's entrypoint shell "
                                 "does not forward SIGTERM; run tensorflow_model_server directly or with exec")
            continue
        flags = " ".join(a for a in command if isinstance(a, str))
        for flag in SERVER_FLAGS:
            if flag not in flags:
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
