"""The ALB stand-in (tfsuite.rehearsal.alb): health-check state machine and the listener's answers.
The target is the serving layer's TF Serving stub (a test double of the target's REST API)."""

from __future__ import annotations

import pytest
import requests

from tfsuite.rehearsal.alb import AlbStandIn, HealthCheck, TargetHealth
from tfsuite.testing.stub import TFServingStub

MODEL = "empty_model"


def check(**changes) -> HealthCheck:
    values = dict(path=f"/v1/models/{MODEL}/metadata", matcher="200", interval=1, timeout=1,
                  healthy_threshold=2, unhealthy_threshold=2)
    return HealthCheck(**{**values, **changes})


@pytest.fixture
def stand_in():
    started = []

    def start(health: HealthCheck, port: int) -> AlbStandIn:
        alb = AlbStandIn("127.0.0.1", 0, TargetHealth(health, "127.0.0.1", port))
        alb.target.start()
        alb.start()
        alb.listener_port = alb._server.server_address[1]
        started.append(alb)
        return alb

    yield start
    for alb in started:
        alb.stop()


def test_target_group_read_back_becomes_a_health_check():
    group = {"HealthCheckPath": "/p", "Matcher": {"HttpCode": "200-299"}, "HealthCheckIntervalSeconds": 15,
             "HealthCheckTimeoutSeconds": 5, "HealthyThresholdCount": 2, "UnhealthyThresholdCount": 3,
             "HealthCheckProtocol": "HTTP", "HealthCheckPort": "traffic-port"}

    health = HealthCheck.from_target_group(group)

    assert (health.path, health.interval, health.timeout, health.healthy_threshold, health.unhealthy_threshold) \
        == ("/p", 15, 5, 2, 3)
    assert health.matches(204) and not health.matches(301)


@pytest.mark.parametrize(("changes", "message"), [
    ({"matcher": "ok"}, "matcher"), ({"protocol": "TCP"}, "protocol"), ({"interval": 0}, "interval")])
def test_bad_health_checks_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        check(**changes)


def test_healthy_after_the_threshold_then_traffic_flows():
    with TFServingStub(model_name=MODEL) as stub:
        target = TargetHealth(check(), "127.0.0.1", stub.port).start()
        try:
            assert target.state == "initial"
            assert target.wait_for("healthy", 10)
            assert target.checks >= 2
        finally:
            target.stop()


def test_listener_answers_503_until_healthy(stand_in):
    with TFServingStub(model_name=MODEL) as stub:
        alb = stand_in(check(interval=3, healthy_threshold=2), stub.port)
        first = requests.get(f"{alb.base_url}/v1/models/{MODEL}", timeout=5)
        assert alb.target.wait_for("healthy", 15)

        then = requests.get(f"{alb.base_url}/v1/models/{MODEL}", timeout=5)

    assert first.status_code == 503
    assert then.status_code == 200 and then.json()["model_version_status"][0]["state"] == "AVAILABLE"


def test_a_wrong_matcher_keeps_the_target_unhealthy(stand_in):
    with TFServingStub(model_name=MODEL) as stub:
        alb = stand_in(check(matcher="204"), stub.port)

        assert alb.target.wait_for("unhealthy", 10)
        assert requests.get(f"{alb.base_url}/v1/models/{MODEL}", timeout=5).status_code == 503


def test_https_health_check_on_a_plain_http_target_fails(stand_in):
    with TFServingStub(model_name=MODEL) as stub:
        alb = stand_in(check(protocol="HTTPS"), stub.port)

        assert alb.target.wait_for("unhealthy", 10)


def test_a_healthy_target_that_stops_answering_turns_unhealthy():
    stub = TFServingStub(model_name=MODEL).start()
    target = TargetHealth(check(), "127.0.0.1", stub.port).start()
    try:
        assert target.wait_for("healthy", 10)
        stub.stop()
        assert target.wait_for("unhealthy", 10)
    finally:
        target.stop()
        stub.stop()
    assert [state for _, state, _ in target.transitions] == ["initial", "healthy", "unhealthy"]
