"""The pinned tensorflow/serving image loads model/<model_name> mounted as the ECS task lays it
out, becomes AVAILABLE, and answers the README's request on 8501.

Each check runs twice: with the fake engine (containers backed by the stub, so everything after
the engine calls is exercised everywhere) and with the real Docker engine (marker `docker`; skips
naming what is missing: the engine or the image).
"""

from __future__ import annotations

import json

import pytest
from docker.errors import APIError, DockerException

from tfsuite.paths import TERRAFORM_DIR
from tfsuite.serving import contract
from tfsuite.serving.container import (
    ContainerFailed,
    DockerUnavailable,
    connect,
    ensure_image,
    run_tf_serving,
)
from tfsuite.serving.latency import write_report
from tfsuite.serving.prediction_check import check_readme_request
from tfsuite.static.contract import REST_PORT as TF_SERVING_REST_PORT
from tfsuite.testing.fake_docker import FakeDockerClient


def terraform_models_dir() -> str:
    """Where the ECS task definition puts the models (terraform/tensorflow.tf, local.models_dir)."""
    from tfsuite.static.hcl import load_config

    return load_config(TERRAFORM_DIR).locals()["models_dir"]


ENGINES = ["fake", pytest.param("docker", marks=pytest.mark.docker)]


@pytest.mark.parametrize("serving_engine", ENGINES, indirect=True)
def test_tf_serving_answers_the_readme_request(serving_engine, deployed, latency_requests):
    check = check_readme_request(serving_engine, image=deployed["image"], model_dir=deployed["model_dir"],
                                 model_name=deployed["model_name"], requests=latency_requests)

    assert "AVAILABLE" in check.version_states.values()
    assert check.signature == contract.expected_signature()
    assert check.prediction.probability == pytest.approx(contract.article_probability(), abs=1e-6)
    assert check.latency.requests == latency_requests
    assert check.latency.p50_ms <= check.latency.p95_ms

    report = write_report("serving-latency", check.latency, image=deployed["image"],
                          model_name=deployed["model_name"], url=check.base_url)
    assert json.loads(report.read_text())["image"] == deployed["image"]


# --- what the fake engine shows about the engine calls -----------------------------------------

def check_with(engine, deployed, **options):
    return check_readme_request(engine, image=deployed["image"], model_dir=deployed["model_dir"],
                                model_name=deployed["model_name"], requests=2, **options)


def test_the_model_is_mounted_where_the_ecs_task_puts_it(fake_engine, deployed):
    check_with(fake_engine, deployed)

    [container] = fake_engine.containers.started
    environment = container.run_kwargs["environment"]
    [(host_dir, mount)] = container.run_kwargs["volumes"].items()
    assert environment == {"MODEL_NAME": deployed["model_name"], "MODEL_BASE_PATH": terraform_models_dir()}
    assert mount == {"bind": f"/models/{deployed['model_name']}", "mode": "ro"}
    assert host_dir == str(deployed["model_dir"].resolve())
    assert (deployed["model_dir"] / contract.MODEL_VERSION / "saved_model.pb").is_file()


def test_the_pinned_image_is_run_with_8501_on_loopback(fake_engine, deployed):
    check_with(fake_engine, deployed)

    [container] = fake_engine.containers.started
    assert container.run_kwargs["image"] == deployed["image"]
    assert container.run_kwargs["ports"] == {f"{TF_SERVING_REST_PORT}/tcp": ("127.0.0.1", None)}
    assert container.run_kwargs["detach"] is True


def test_the_container_is_removed_after_a_good_run(fake_engine, deployed):
    check_with(fake_engine, deployed)

    assert [container.removed for container in fake_engine.containers.started] == [True]


def test_a_container_that_exits_at_start_fails_with_its_logs(deployed):
    engine = FakeDockerClient(images={deployed["image"]}, exit_code=1,
                              log_text="Failed to start server. Error: No versions of servable found")

    with pytest.raises(ContainerFailed, match=r"(?s)exited \(exit code 1\).*No versions of servable found"):
        check_with(engine, deployed)
    assert engine.containers.started[0].removed


def test_a_container_that_exits_while_loading_fails_with_its_logs(deployed, start_stub):
    stub = start_stub(model_name=deployed["model_name"], unavailable_calls=10**6)
    engine = FakeDockerClient(host_port=stub.port, images={deployed["image"]}, exit_code=137,
                              exit_after_reloads=3, log_text="Loading servable: version 1 ... Killed")

    with pytest.raises(ContainerFailed, match=r"(?s)exit code 137.*Killed"):
        check_with(engine, deployed)
    assert engine.containers.started[0].removed


def test_a_model_that_never_becomes_available_fails_with_the_logs(deployed, start_stub):
    stub = start_stub(model_name=deployed["model_name"], unavailable_calls=10**6)
    engine = FakeDockerClient(host_port=stub.port, images={deployed["image"]}, log_text="still loading")

    with pytest.raises(ContainerFailed, match=r"(?s)not AVAILABLE after .*still loading"):
        check_with(engine, deployed, wait_timeout=0.3)
    assert engine.containers.started[0].removed


def test_a_missing_model_folder_is_refused_before_any_container_starts(fake_engine, deployed, tmp_path):
    with pytest.raises(ValueError, match="no version folder with a saved_model.pb"):
        with run_tf_serving(fake_engine, image=deployed["image"], model_dir=tmp_path,
                            model_name=deployed["model_name"]):
            pass
    assert fake_engine.containers.started == []


# --- skip reasons name what is missing ----------------------------------------------------------

def test_no_engine_is_reported_as_such():
    def no_engine():
        raise DockerException("Error while fetching server API version: connection refused")

    with pytest.raises(DockerUnavailable, match="^no Docker engine: Error while fetching server API version"):
        connect(no_engine)


def test_an_engine_that_does_not_answer_a_ping_is_reported_as_no_engine():
    engine = FakeDockerClient(ping_error=APIError("500 Server Error: daemon is shutting down"))

    with pytest.raises(DockerUnavailable, match="^no Docker engine: 500 Server Error"):
        connect(lambda: engine)
    assert engine.closed


def test_an_absent_image_that_cannot_be_pulled_is_reported_with_its_name():
    engine = FakeDockerClient(pull_error=APIError("dial tcp: lookup registry-1.docker.io: no such host"))

    expected = r"^image tensorflow/serving:2\.99\.0 not present and cannot be pulled: .*no such host"
    with pytest.raises(DockerUnavailable, match=expected):
        ensure_image(engine, "tensorflow/serving:2.99.0")


def test_an_absent_image_is_pulled_when_it_can_be():
    engine = FakeDockerClient()

    assert ensure_image(engine, "tensorflow/serving:2.99.0") == "pulled"
    assert engine.images.pulled == ["tensorflow/serving:2.99.0"]
    assert ensure_image(engine, "tensorflow/serving:2.99.0") == "present"


def test_an_untagged_image_is_refused():
    with pytest.raises(ValueError, match="has no tag"):
        ensure_image(FakeDockerClient(), "tensorflow/serving")
