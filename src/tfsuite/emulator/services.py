"""Which AWS service each resource type of the configuration talks to.

One table serves three purposes: the override file gets an endpoint for every service the
configuration uses, an emulator that lacks a service has that service's resources left out of
apply (LocalStack community), and a test reports the service it skips for.
Service names are boto3's (and LocalStack's /_localstack/health keys).
"""

from __future__ import annotations

# resource-type prefix -> service; the longest matching prefix wins.
RESOURCE_SERVICES: dict[str, str] = {
    "aws_vpc": "ec2",
    "aws_default_": "ec2",  # aws_default_security_group, aws_default_route_table, ...
    "aws_subnet": "ec2",
    "aws_internet_gateway": "ec2",
    "aws_nat_gateway": "ec2",
    "aws_eip": "ec2",
    "aws_route": "ec2",  # aws_route, aws_route_table, aws_route_table_association
    "aws_security_group": "ec2",
    "aws_vpc_security_group_": "ec2",
    "aws_vpc_endpoint": "ec2",
    "aws_flow_log": "ec2",
    "aws_lb": "elbv2",  # aws_lb, aws_lb_listener, aws_lb_target_group
    "aws_alb": "elbv2",
    "aws_ecs_": "ecs",
    "aws_ecr_": "ecr",
    "aws_appautoscaling_": "application-autoscaling",
    "aws_iam_": "iam",
    "aws_s3_": "s3",
    "aws_cloudwatch_log_": "logs",
    "aws_cloudwatch_metric_alarm": "cloudwatch",
    "aws_kms_": "kms",
}

# Services the provider calls besides the ones its resources manage (account lookups).
SUPPORT_SERVICES = ("sts",)

# boto3 service name -> key of the provider's `endpoints` block (hashicorp/aws 6.x).
PROVIDER_ENDPOINT_KEYS: dict[str, str] = {
    "application-autoscaling": "applicationautoscaling",
    "cloudwatch": "cloudwatch",
    "ec2": "ec2",
    "ecr": "ecr",
    "ecs": "ecs",
    "elbv2": "elbv2",
    "iam": "iam",
    "kms": "kms",
    "logs": "logs",
    "s3": "s3",
    "sts": "sts",
}


class UnknownResourceType(LookupError):
    """A resource type the table above does not place: add it to RESOURCE_SERVICES."""


def service_of(resource_type: str) -> str:
    if not resource_type.startswith("aws_"):
        raise UnknownResourceType(f"{resource_type!r} is not an AWS provider resource type")
    matches = [prefix for prefix in RESOURCE_SERVICES if resource_type.startswith(prefix)]
    if not matches:
        raise UnknownResourceType(
            f"no AWS service known for resource type {resource_type!r}: "
            "add its prefix to tfsuite.emulator.services.RESOURCE_SERVICES")
    return RESOURCE_SERVICES[max(matches, key=len)]


def endpoint_services() -> list[str]:
    """Every service the override file points at the emulator."""
    return sorted(set(RESOURCE_SERVICES.values()) | set(SUPPORT_SERVICES))
