"""Bad input to the emulator harness gets a clear error: emulator descriptions, the embedded moto
server, LocalStack endpoints and health answers, and resource types without a known service."""

from __future__ import annotations

import pytest

from tfsuite.emulator import localstack
from tfsuite.emulator.endpoint import Emulator
from tfsuite.emulator.moto_server import EmbeddedMoto
from tfsuite.emulator.services import UnknownResourceType, service_of
from tfsuite.emulator.session import open_emulator


@pytest.mark.parametrize("kind, endpoint, message", [
    ("docker", "http://127.0.0.1:4566", "kind must be"),
    ("moto", "127.0.0.1:4566", "must look like http://host:port"),
    ("moto", "http://127.0.0.1", "must look like http://host:port"),
])
def test_emulator_refuses_a_bad_kind_or_endpoint(kind, endpoint, message):
    with pytest.raises(ValueError, match=message):
        Emulator(kind, endpoint)


def test_embedded_moto_listens_on_loopback_only():
    with pytest.raises(ValueError, match="only listens on loopback"):
        EmbeddedMoto(host="0.0.0.0")


def test_host_localstack_needs_a_positive_ready_timeout():
    with pytest.raises(ValueError, match="ready_timeout must be positive"):
        localstack.HostLocalStack(ready_timeout=0)


def test_unreachable_localstack_endpoint_is_reported_with_its_url(monkeypatch):
    dead = f"http://127.0.0.1:{localstack.free_loopback_port()}"
    monkeypatch.setenv("LOCALSTACK_ENDPOINT", dead)

    with pytest.raises(localstack.LocalStackUnavailable, match=f"no LocalStack health at {dead}"):
        with open_emulator():
            pass


def test_only_available_or_running_services_are_offered():
    health = {"services": {"s3": "available", "logs": "running", "ecs": "disabled", "kms": "error"}}
    assert localstack.offered_services(health) == {"s3", "logs"}


def test_health_without_services_is_refused():
    with pytest.raises(localstack.LocalStackUnavailable, match="no 'services' map"):
        localstack.offered_services({"version": "4.13.1"})


def test_every_resource_type_needs_a_known_service():
    assert service_of("aws_lb_target_group") == "elbv2"
    assert service_of("aws_vpc_security_group_ingress_rule") == "ec2"
    with pytest.raises(UnknownResourceType, match="add its prefix"):
        service_of("aws_sagemaker_endpoint")
    with pytest.raises(UnknownResourceType, match="not an AWS provider resource type"):
        service_of("terraform_data")
