"""The TF Serving-compatible model server (tfsuite.rehearsal.model_server), run as a process the
way the rehearsal runs it, on copies of the repository's SavedModel."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys

import numpy as np
import pytest
import requests

from tfsuite.paths import MODEL_DIR, REPO_ROOT
from tfsuite.rehearsal.checks import expected_outputs, wait_until
from tfsuite.rehearsal.model_server import FlagError, parse_flags
from tfsuite.serving import contract
from tfsuite.serving.client import TFServingClient

MODEL = "empty_model"
SAVED_MODEL = MODEL_DIR / MODEL / contract.MODEL_VERSION
FIRST_LOAD = 120  # seconds for a new server to import TensorFlow and load version 1 on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _servers(tmp_path):
    """start(*extra flags) -> (REST base URL, base path, process), and the processes to stop."""
    processes = []

    def start(*extra: str):
        base = tmp_path / "models" / MODEL
        base.mkdir(parents=True, exist_ok=True)
        port = free_port()
        flags = [f"--rest_api_port={port}", f"--model_name={MODEL}", f"--model_base_path={base}",
                 "--file_system_poll_wait_seconds=1", *extra]
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src"), "TFSUITE_TASK_ADDRESS": "127.0.0.1"}
        process = subprocess.Popen([sys.executable, "-m", "tfsuite.rehearsal.model_server", *flags], env=env,
                                   stdout=subprocess.DEVNULL, stderr=open(tmp_path / "server.log", "ab"))
        processes.append(process)
        return f"http://127.0.0.1:{port}", base, process

    return start, processes


def _stop(processes) -> None:
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def start_server(tmp_path):
    """start_server(*extra flags) -> (REST base URL, base path, process); stopped after the test."""
    start, processes = _servers(tmp_path)
    yield start
    _stop(processes)


@pytest.fixture(scope="module")
def serving_v1(tmp_path_factory):
    """One server with version 1 loaded, for the tests that only send requests to it."""
    start, processes = _servers(tmp_path_factory.mktemp("serving-v1"))
    url, base, _ = start()
    shutil.copytree(SAVED_MODEL, base / "1")
    wait_until(lambda: status(url), FIRST_LOAD, "version 1 served")
    yield url
    _stop(processes)


def status(url: str) -> dict:
    try:
        answer = requests.get(f"{url}/v1/models/{MODEL}", timeout=5)
    except requests.ConnectionError:
        return {}
    return {s["version"]: s["state"] for s in answer.json().get("model_version_status", [])}


@pytest.mark.parametrize(("flags", "message"), [
    (["--model_base_path=/m", "--rest_api_port=8501", "--file_system_poll_wait_seconds=soon"], "Illegal value"),
    (["--rest_api_port=8501"], "--model_base_path is required"),
    (["--model_base_path=/m"], "--rest_api_port must be a port"),
    (["--model_base_path=/m", "--rest_api_port=8501", "--model_config_file=/c"], "does not implement"),
])
def test_bad_flags_are_refused_with_the_reason(flags, message):
    with pytest.raises(FlagError, match=message):
        parse_flags(flags)


def test_unknown_arguments_are_reported_and_ignored_as_tf_serving_does():
    options = parse_flags(["--model_base_path=/m", "--rest_api_port=8501", "--file_system_poll_wait_secs=2"])

    assert options.unknown == ["--file_system_poll_wait_secs=2"]
    assert options.file_system_poll_wait_seconds == 1


def test_a_bad_flag_value_exits_255_with_a_message_not_a_trace():
    result = subprocess.run([sys.executable, "-m", "tfsuite.rehearsal.model_server", "--rest_api_port=1",
                             "--model_base_path=/m", "--file_system_poll_wait_seconds=30s"], capture_output=True,
                            text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")})
    assert result.returncode == 255
    assert "Illegal value '30s'" in result.stderr
    assert "Traceback" not in result.stderr


def test_rest_port_opens_only_after_the_first_version_loads(start_server):
    url, base, process = start_server()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/v1/models/{MODEL}", timeout=5)

    shutil.copytree(SAVED_MODEL, base / "1")

    assert wait_until(lambda: status(url), FIRST_LOAD, "version 1 served") == {"1": "AVAILABLE"}
    assert process.poll() is None


def test_predictions_come_from_the_saved_model(serving_v1):
    url = serving_v1
    examples = [[[0.3], [0.2]], [[-4.0], [3.0]]]
    client = TFServingClient(url, MODEL)

    columnar = client.predict(inputs=examples)
    rows = client.predict(instances=examples)

    np.testing.assert_allclose(columnar, expected_outputs(json.dumps(examples)), atol=1e-6)
    assert rows == columnar
    assert client.signature() == contract.expected_signature()


@pytest.mark.parametrize(("body", "expected"), [
    ({"inputs": [[0.3, 0.2]]}, 400),
    ({"instances": [[[0.3], [0.2]]], "inputs": [[[0.3], [0.2]]]}, 400),
    ({"signature_name": "nope", "inputs": [[[0.3], [0.2]]]}, 400),
    ({}, 400),
])
def test_bad_requests_get_400_with_an_error(serving_v1, body, expected):
    answer = requests.post(f"{serving_v1}/v1/models/{MODEL}:predict", json=body, timeout=10)

    assert answer.status_code == expected
    assert "error" in answer.json()


def test_unknown_model_is_404(serving_v1):
    assert requests.get(f"{serving_v1}/v1/models/other/metadata", timeout=5).status_code == 404


def test_newest_version_replaces_the_old_and_a_deleted_one_is_unloaded(start_server):
    url, base, _ = start_server()
    shutil.copytree(SAVED_MODEL, base / "1")
    wait_until(lambda: status(url) == {"1": "AVAILABLE"}, FIRST_LOAD, "version 1 served")

    shutil.copytree(SAVED_MODEL, base / "2")
    wait_until(lambda: status(url) == {"2": "AVAILABLE"}, 30, "version 2 served alone")
    shutil.rmtree(base / "2")

    assert wait_until(lambda: status(url) == {"1": "AVAILABLE"}, 30, "back to version 1")


def test_a_version_that_fails_to_load_is_given_up_after_the_retries(start_server):
    url, base, _ = start_server("--max_num_load_retries=1", "--load_retry_interval_micros=100000")
    shutil.copytree(SAVED_MODEL, base / "1")
    wait_until(lambda: status(url) == {"1": "AVAILABLE"}, FIRST_LOAD, "version 1 served")
    (base / "2").mkdir()
    shutil.copy(SAVED_MODEL / "saved_model.pb", base / "2")  # no variables: an upload still in progress

    states = wait_until(lambda: (lambda s: s if s.get("2") == "END" else None)(status(url)), 30, "version 2 given up")

    assert states["1"] == "AVAILABLE"
    answer = requests.get(f"{url}/v1/models/{MODEL}/metadata", timeout=5).json()
    assert answer["model_spec"]["version"] == "1"


def test_an_s3_base_path_is_read_as_tf_serving_s3_file_system_reads_it(emulator, monkeypatch):
    """native_s3 mode: versions listed under s3://<bucket>/<model>, a version's objects fetched."""
    from tfsuite.rehearsal.checks import upload_version
    from tfsuite.rehearsal.identities import set_enforcement
    from tfsuite.rehearsal.s3_source import S3Source, SourceError

    set_enforcement(emulator.endpoint, False)  # the emulator's root keys; another test may have left it on
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket="native-models", CreateBucketConfiguration={"LocationConstraint": emulator.region})
    for name, value in {"AWS_ENDPOINT_URL": emulator.endpoint, "AWS_REGION": emulator.region,
                        "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(name, value)
    source = S3Source(f"s3://native-models/{MODEL}")
    try:
        with pytest.raises(SourceError, match="Could not find base path"):
            source.versions()
        upload_version(s3, "native-models", MODEL, 3)

        versions = source.versions()
        folder = source.fetch(3)
        fetched = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    finally:
        source.close()

    assert versions == [3]
    assert fetched == sorted(
        [p.relative_to(SAVED_MODEL).as_posix() for p in SAVED_MODEL.rglob("*") if p.is_file()] + ["_COMPLETE"])
