"""The serving path on the emulator: the article profile applies with the repository's model and a
complete version in the bucket before the service exists, and the task role allows exactly the S3
requests its model readers make (evaluated with conditions by tfsuite.iamsim), in both modes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import warnings
from contextlib import contextmanager

import pytest

from tfsuite.emulator.leftovers import leftovers
from tfsuite.iamsim import evaluate
from tfsuite.model_readers import (
    native_only_requests,
    requests_beyond_the_model,
    sidecar_requests,
    tf_serving_s3_requests,
)
from tfsuite.modelsync import COMPLETE_MARKER
from tfsuite.paths import MODEL_DIR
from tfsuite.runner import Workspace, unique_name_prefix
from tfsuite.runner.emulator_diffs import split_tolerated
from tfsuite.runner.guard import GUARD
from tfsuite.static import contract
from tfsuite.testing import recording_server

pytestmark = pytest.mark.timeout(900)

ARTICLE = "examples/article.tfvars"
NATIVE_S3 = {"model_loading_mode": "native_s3", "tfserving_image": "tensorflow/serving:2.6.0"}
POLICY_TARGET = "aws_iam_role_policy.task_model_read"
TASK_DEFINITION_TARGET = "aws_ecs_task_definition.tfserving"


def _local_versions() -> dict[str, list[str]]:
    """Version -> files (as the readers see them, marker included) of the repository's model."""
    root = MODEL_DIR / "empty_model"
    versions = {p.name: sorted(f.relative_to(p).as_posix() for f in p.rglob("*") if f.is_file())
                for p in root.iterdir() if p.is_dir() and p.name.isdigit()}
    assert versions, f"no version folder under {root}: run model/make_model.py"
    return {v: [*files, COMPLETE_MARKER] for v, files in versions.items()}


@contextmanager
def _applied(toolchain, emulator, lead: str, variables: dict, targets=()):
    workspace = Workspace.create(toolchain, emulator, unique_name_prefix(lead=lead))
    GUARD.protect(workspace)
    try:
        workspace.init()
        workspace.apply(workspace.plan([ARTICLE], variables, targets=targets))
        yield workspace
    finally:
        try:
            workspace.destroy()
        finally:
            GUARD.release(workspace)
            workspace.remove()


@pytest.fixture(scope="module")
def article(toolchain, default_emulator):
    """The article profile as shipped (it uploads model/empty_model), applied whole; a bucket
    that destroy may empty."""
    with _applied(toolchain, default_emulator, "a", {"force_destroy_bucket": True}) as workspace:
        yield workspace


@pytest.fixture(scope="module")
def native(toolchain, default_emulator):
    """native_s3 mode with Prometheus metrics on, applied up to the task role policy and the task
    definition (a targeted apply: those and what they need)."""
    with _applied(toolchain, default_emulator, "n", {**NATIVE_S3, "prometheus_metrics_enabled": True,
                                                     "force_destroy_bucket": True},
                  targets=[POLICY_TARGET, TASK_DEFINITION_TARGET]) as workspace:
        yield workspace


@pytest.fixture(scope="module")
def native_policy(native) -> tuple[dict, str, str]:
    return _state_values(native)


def _state_values(workspace) -> tuple[dict, str, str]:
    """(policy document, bucket, model name) of the applied task role policy, read back from IAM."""
    iam = workspace.emulator.client("iam")
    role = f"{workspace.name_prefix}-task"
    names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    assert names == [f"{workspace.name_prefix}-model-read"], names
    document = iam.get_role_policy(RoleName=role, PolicyName=names[0])["PolicyDocument"]
    document = json.loads(document) if isinstance(document, str) else document
    buckets = [b["Name"] for b in workspace.emulator.client("s3").list_buckets()["Buckets"]
               if b["Name"].startswith(f"{workspace.name_prefix}-models-")]
    assert len(buckets) == 1, buckets
    return document, buckets[0], "empty_model"


def _refused(document: dict, requests) -> list[str]:
    return [d.request.describe() for d in evaluate([document], requests) if not d.allowed]


def _granted(document: dict, requests) -> list[str]:
    return [d.request.describe() for d in evaluate([document], requests) if d.allowed]


# the article profile ------------------------------------------------------------------------------

def test_article_uploads_a_complete_model_version(article):
    outputs = article.outputs()
    s3, bucket = article.emulator.client("s3"), outputs["model_bucket_name"]
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    root = MODEL_DIR / "empty_model"

    for version, files in _local_versions().items():
        assert {f"empty_model/{version}/{f}" for f in files} <= listed, sorted(listed)
        marker = s3.get_object(Bucket=bucket, Key=f"empty_model/{version}/{COMPLETE_MARKER}")["Body"].read().decode()
        sums = dict(reversed(line.split("  ", 1)) for line in marker.splitlines())
        assert sums == {f: hashlib.md5((root / version / f).read_bytes()).hexdigest()  # noqa: S324 (S3's ETag sum)
                        for f in files if f != COMPLETE_MARKER}


def test_article_service_is_created_after_the_model_is_complete(article):
    outputs = article.outputs()
    s3, bucket = article.emulator.client("s3"), outputs["model_bucket_name"]
    markers = [s3.head_object(Bucket=bucket, Key=f"empty_model/{v}/{COMPLETE_MARKER}")["LastModified"]
               for v in _local_versions()]
    service = article.emulator.client("ecs").describe_services(
        cluster=outputs["ecs_cluster_name"], services=[outputs["ecs_service_name"]])["services"][0]

    # moto reports the time on the service's first deployment only (AWS on both)
    created = service.get("createdAt") or service["deployments"][0]["createdAt"]

    assert created >= max(markers), (created, markers)


# the task role against its readers' requests ----------------------------------------------------------

def test_task_role_allows_every_request_of_the_sync_sidecar(article):
    document, bucket, model = _state_values(article)
    refused = _refused(document, sidecar_requests(bucket, model, _local_versions()))
    assert not refused, "the task role refuses requests the model-sync sidecar makes:\n" + "\n".join(refused)


def test_task_role_in_sync_mode_allows_nothing_beyond_the_sidecar(article):
    document, bucket, model = _state_values(article)
    granted = _granted(document, requests_beyond_the_model(bucket, model) + native_only_requests(bucket, model))
    assert not granted, "the task role allows more than the sidecar needs:\n" + "\n".join(granted)


def test_task_role_allows_every_request_of_tf_serving_s3_file_system(native_policy):
    document, bucket, model = native_policy
    refused = _refused(document, tf_serving_s3_requests(bucket, model, _local_versions()))
    assert not refused, ("the task role refuses requests TF Serving's S3 file system makes (each 403 is "
                         "'AWS Credentials have not been set properly'):\n" + "\n".join(refused))


def test_task_role_in_native_s3_mode_allows_nothing_beyond_the_model(native_policy):
    document, bucket, model = native_policy
    granted = _granted(document, requests_beyond_the_model(bucket, model))
    assert not granted, "the task role allows more than TF Serving needs:\n" + "\n".join(granted)


# how TF Serving is started ------------------------------------------------------------------------

def test_monitored_server_is_execd_with_the_entrypoint_flags_and_a_prometheus_config(native, tmp_path):
    """The container's real start command under /bin/sh, with a recording stand-in for the server:
    the shell must exec it (same process, so ECS's SIGTERM reaches it) with the flags of the
    image's entrypoint and a monitoring config that turns on Prometheus."""
    document, bucket, model = _state_values(native)
    definition = native.emulator.client("ecs").describe_task_definition(
        taskDefinition=f"{native.name_prefix}-tfserving")["taskDefinition"]
    serving = next(c for c in definition["containerDefinitions"] if c["name"] == contract.TFSERVING_CONTAINER)
    bin_dir = recording_server.install(tmp_path)

    process = subprocess.Popen([*serving["entryPoint"], *serving["command"]],
                               env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    assert process.wait(timeout=60) == 0
    started = recording_server.read(tmp_path)

    assert started.pid == process.pid, "the server runs as a child of the shell: SIGTERM stops at the shell"
    assert started.flag("rest_api_port") == str(contract.REST_PORT)
    assert (started.flag("port") or "").isdigit()
    assert started.flag("model_name") == model
    assert started.flag("model_base_path") == f"s3://{bucket}/{model}"
    config = started.monitoring_config or ""
    assert re.fullmatch(r'\s*prometheus_config\s*\{\s*enable:\s*true,?\s*path:\s*"/[^"]+"\s*\}\s*', config), config


# last: the article's converge and destroy (the tests above read its live state) -------------------

def test_article_converges_and_destroys_to_nothing(article):
    changes, gaps = split_tolerated(article.second_plan_changes(), article.emulator.kind)
    for change, reason in gaps:
        warnings.warn(f"tolerated on {article.emulator.kind}: {change} ({reason})", stacklevel=1)
    assert not changes, "the article profile does not converge:\n" + "\n".join(map(str, changes))

    article.destroy()

    assert article.state_addresses() == []
    assert leftovers(article.emulator, article.name_prefix) == {}
