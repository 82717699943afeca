"""The deployment's task definition run as ECS would, behind the ALB stand-in: the scenarios of
issue 12. Each scenario is a test; timings go to reports/rehearsal.json.

Windows come from what was deployed: the sidecar's interval is the model_poll_interval_seconds the
world applied, TF Serving's is its --file_system_poll_wait_seconds flag as read back, the health
check's from the target group as read back.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
import requests

from tfsuite.rehearsal.checks import (
    RehearsalFailed,
    Traffic,
    delete_prefix,
    expected_outputs,
    predict_on_listener,
    served_versions,
    stays_false,
    upload_version,
    wait_until,
)
from tfsuite.rehearsal.run import Rehearsal
from tfsuite.rehearsal.world import POLL_SECONDS
from tfsuite.serving import contract

LOAD_SLACK = 15  # seconds for TensorFlow to load a SavedModel on a busy 2-core machine


def tf_poll_seconds(world) -> int:
    spec = world.deployed.container(world.deployed.target_container)
    flags = [a for a in spec.argv() if a.startswith("--file_system_poll_wait_seconds=")]
    return int(flags[-1].split("=", 1)[1]) if flags else 1


def version_window(world) -> float:
    """One sidecar interval + one TF Serving poll + loading."""
    return POLL_SECONDS + tf_poll_seconds(world) + LOAD_SLACK


def healthy_window(world) -> float:
    check = world.deployed.health_check
    return version_window(world) + check.interval * (check.healthy_threshold + 1)


def expected_probability() -> list:
    return expected_outputs(json.dumps(contract.article_request()["inputs"]))


@pytest.fixture(scope="module")
def live(world, engine):
    """A task serving version 1, shared by the scenarios that change versions from there."""
    world.enforce()
    s3 = world.client("s3")
    delete_prefix(s3, world.deployed.bucket, f"{world.deployed.model_name}/")
    upload_version(s3, world.deployed.bucket, world.deployed.model_name, 1)
    run = Rehearsal.start(world.deployed, world.endpoint, world.task_credentials, engine=engine)
    started = time.monotonic()
    try:
        if not run.alb.target.wait_for("healthy", healthy_window(world)):
            raise RehearsalFailed(f"target not healthy within {healthy_window(world):g}s\n{run.logs()}")
        run.healthy_after = time.monotonic() - started
        yield run
    finally:
        run.stop()


def next_version(world) -> int:
    s3, deployed = world.client("s3"), world.deployed
    listing = s3.list_objects_v2(Bucket=deployed.bucket, Prefix=f"{deployed.model_name}/")
    versions = {int(o["Key"].split("/")[1]) for o in listing.get("Contents", []) if o["Key"].split("/")[1].isdigit()}
    return max(versions, default=0) + 1


def test_empty_bucket_target_unhealthy_and_listener_answers_503(world, start_rehearsal, scenario):
    run = start_rehearsal()
    check = world.deployed.health_check
    window = check.interval * (check.unhealthy_threshold + 1)

    became_unhealthy = run.alb.target.wait_for("unhealthy", window)

    answer = requests.post(f"{run.listener_url}/v1/models/{world.deployed.model_name}:predict",
                           json=contract.article_request(), timeout=10)
    scenario(health_checks=run.alb.target.checks, listener_status=answer.status_code)
    assert became_unhealthy, f"target state {run.alb.target.state} after {window}s\n{run.logs()}"
    assert answer.status_code == 503
    assert run.served_versions_on_disk() == []


@pytest.mark.gate  # the gate's rehearsal: apply, sync under the task role, healthy, the article's answer
def test_model_uploaded_target_healthy_and_article_request_answered(world, live, scenario):
    seconds, outputs = predict_on_listener(live.listener_url, world.deployed.model_name)

    scenario(time_to_healthy_seconds=round(live.healthy_after, 1),
             time_to_first_prediction_seconds=round(live.healthy_after + seconds, 1),
             probability=outputs[0][0], health_checks=live.alb.target.checks)
    np.testing.assert_allclose(outputs, expected_probability(), atol=1e-6)
    assert served_versions(live.listener_url, world.deployed.model_name) == {"1": "AVAILABLE"}


def test_nightly_http_steps_pass_on_the_listener(world, live, scenario):
    """Item 6: the e2e run's own HTTP steps (tfsuite.serving.prediction_check), on the module's predict_url
    output sent to the ALB stand-in. ("Target healthy" is the stand-in's health check here: the
    e2e's elbv2 waiter needs a registered Fargate task, which the emulator never runs.)"""
    from tfsuite.serving.prediction_check import check_article_prediction, client_for, measure_latency

    client = client_for(live.via_listener(world.outputs["predict_url"]))
    states = client.wait_until_available(timeout=version_window(world))
    check = check_article_prediction(client)
    latency = measure_latency(client, 20)

    scenario(model_versions=states, prediction=check.to_dict(), latency=latency.to_dict())
    assert "AVAILABLE" in states.values()
    assert check.probability == pytest.approx(expected_probability()[0][0], abs=1e-6)
    assert latency.requests == 20


def test_second_version_served_after_one_poll_without_a_failed_request(world, live, scenario):
    s3, deployed = world.client("s3"), world.deployed
    version = next_version(world)
    with Traffic(f"{live.listener_url}/v1/models/{deployed.model_name}:predict") as traffic:
        uploaded = time.monotonic()
        upload_version(s3, deployed.bucket, deployed.model_name, version)
        wait_until(lambda: served_versions(live.listener_url, deployed.model_name) == {str(version): "AVAILABLE"},
                   version_window(world), f"version {version} served alone", details=live.logs)
        took = time.monotonic() - uploaded
        wait_until(lambda: len(traffic.statuses) > 0, 10, "a request answered after the switch")
    scenario(version=version, seconds_to_serve=round(took, 1), requests=len(traffic.statuses),
             failed_requests=len(traffic.failures))
    assert traffic.failures == []
    assert took <= version_window(world)


def test_incomplete_upload_is_never_loaded(world, live, scenario):
    s3, deployed = world.client("s3"), world.deployed
    version = next_version(world)
    before = served_versions(live.listener_url, deployed.model_name)
    upload_version(s3, deployed.bucket, deployed.model_name, version, complete=False,
                   only=["saved_model.pb", "variables/variables.index"])

    def appeared() -> bool:
        return str(version) in live.served_versions_on_disk() or \
            str(version) in served_versions(live.listener_url, deployed.model_name)

    never = stays_false(appeared, 2 * version_window(world))
    scenario(version=version, on_disk=live.served_versions_on_disk())
    try:
        assert never, f"version {version} reached TF Serving before its _COMPLETE marker"
        assert served_versions(live.listener_url, deployed.model_name) == before
    finally:  # leave a complete version behind for the next scenarios
        upload_version(s3, deployed.bucket, deployed.model_name, version)
    wait_until(lambda: served_versions(live.listener_url, deployed.model_name) == {str(version): "AVAILABLE"},
               version_window(world), f"version {version} served once complete", details=live.logs)


def test_deleted_version_is_unloaded(world, live, scenario):
    s3, deployed = world.client("s3"), world.deployed
    newest = next_version(world)
    upload_version(s3, deployed.bucket, deployed.model_name, newest)
    wait_until(lambda: served_versions(live.listener_url, deployed.model_name) == {str(newest): "AVAILABLE"},
               version_window(world), f"version {newest} served", details=live.logs)
    deleted = time.monotonic()

    delete_prefix(s3, deployed.bucket, f"{deployed.model_name}/{newest}/")

    def unloaded() -> dict | None:  # the deleted version gone, and the one served again done loading
        states = served_versions(live.listener_url, deployed.model_name)
        return states if states and str(newest) not in states and "LOADING" not in states.values() else None

    states = wait_until(unloaded, version_window(world), f"version {newest} unloaded", details=live.logs)
    scenario(version=newest, seconds_to_unload=round(time.monotonic() - deleted, 1), now_served=states)
    assert str(newest) not in live.served_versions_on_disk()
    assert list(states.values()) == ["AVAILABLE"]


def test_sidecar_killed_is_restarted_while_serving_continues(world, live, scenario):
    deployed = world.deployed
    sidecar = next(s for s in deployed.sidecars if s.restart_enabled)
    run = live.task.runs[sidecar.name]
    wait_until(lambda: run.uptime() >= sidecar.restart_attempt_period, sidecar.restart_attempt_period + 5,
               f"{sidecar.name} running for its restartAttemptPeriod ({sidecar.restart_attempt_period}s)")
    starts = run.starts
    with Traffic(f"{live.listener_url}/v1/models/{deployed.model_name}:predict") as traffic:
        killed = time.monotonic()
        live.task.kill_container(sidecar.name)
        wait_until(lambda: run.starts > starts and run.running, 30, f"{sidecar.name} restarted")
        restarted = time.monotonic() - killed
        version = next_version(world)
        upload_version(world.client("s3"), deployed.bucket, deployed.model_name, version)
        wait_until(lambda: served_versions(live.listener_url, deployed.model_name) == {str(version): "AVAILABLE"},
                   version_window(world), f"version {version} synced after the restart", details=live.logs)
    scenario(restart_seconds=round(restarted, 1), restart_attempt_period=sidecar.restart_attempt_period,
             requests=len(traffic.statuses), failed_requests=len(traffic.failures), exits=run.exits)
    assert not live.task.stopped
    assert traffic.failures == []


def test_s3_access_denied_sync_reports_retries_and_target_stays_red(world, start_rehearsal, scenario):
    iam, deployed = world.client("iam"), world.deployed
    delete_prefix(world.client("s3"), deployed.bucket, f"{deployed.model_name}/")
    role = deployed.task_role_arn.rsplit("/", 1)[-1]
    (name,) = iam.list_role_policies(RoleName=role)["PolicyNames"]
    original = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
    narrowed = json.loads(json.dumps(original).replace(f"{deployed.model_name}/", "someone-else/"))
    upload_version(world.client("s3"), deployed.bucket, deployed.model_name, 1)
    iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(narrowed))
    try:
        run = start_rehearsal(clear=False)
        sidecar = deployed.sidecars[0].name
        check = deployed.health_check
        reports = wait_until(lambda: run.task.runs[sidecar].logs().count("cannot list") >= 2 or None,
                             4 * POLL_SECONDS + 30, "two failed listings reported by the sync")
        stayed_red = not run.alb.target.wait_for("healthy", check.interval * (check.healthy_threshold + 1))
        answer = requests.get(f"{run.listener_url}/v1/models/{deployed.model_name}", timeout=10)
    finally:
        iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(original))
    scenario(failed_listings=run.task.runs[sidecar].logs().count("cannot list"), target=run.alb.target.state)
    assert reports
    assert "AccessDenied" in run.task.runs[sidecar].logs()
    assert stayed_red and answer.status_code == 503
    assert run.served_versions_on_disk() == []


def test_the_deployed_task_role_reads_its_prefix_and_cannot_write(world, scenario):
    """The task role as deployed (its policies evaluated by moto with the condition-key patch)."""
    from botocore.exceptions import ClientError

    world.enforce()
    deployed = world.deployed
    s3 = world.task_credentials.client("s3", world.endpoint, deployed.region)

    def denied(call) -> bool:
        try:
            call()
        except ClientError as err:
            return err.response["Error"]["Code"] == "AccessDenied"
        return False

    listed = s3.list_objects_v2(Bucket=deployed.bucket, Prefix=f"{deployed.model_name}/")
    write = denied(lambda: s3.put_object(Bucket=deployed.bucket, Key=f"{deployed.model_name}/9/x", Body=b"x"))
    other = denied(lambda: s3.list_objects_v2(Bucket=deployed.bucket, Prefix="other/"))
    scenario(write_denied=write, other_prefix_denied=other)
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert write and other
