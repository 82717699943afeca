"""What the rehearsal runs, read back from the emulator's APIs after apply (never from the HCL or
the plan): the ECS service's task definition and load-balancer wiring, the target group's health
check, the listener, the load balancer's DNS name and the model bucket.

Terraform outputs only name where to look (cluster, service, bucket); every value comes from the
emulator.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfsuite.rehearsal.alb import HealthCheck
from tfsuite.rehearsal.containers import ContainerSpec


class ReadBackError(RuntimeError):
    """The applied deployment lacks something the rehearsal needs: the message says what."""


@dataclass(frozen=True)
class DeployedTask:
    task_definition_arn: str
    containers: tuple[ContainerSpec, ...]
    volumes: tuple[str, ...]
    task_role_arn: str
    target_container: str
    target_port: int
    target_group_arn: str
    health_check: HealthCheck
    listener_port: int
    load_balancer_dns: str
    bucket: str
    region: str

    def container(self, name: str) -> ContainerSpec:
        for spec in self.containers:
            if spec.name == name:
                return spec
        raise ReadBackError(f"no container {name} in {self.task_definition_arn}")

    @property
    def model_name(self) -> str:
        env = self.container(self.target_container).environment
        if "MODEL_NAME" not in env:
            raise ReadBackError(f"container {self.target_container} has no MODEL_NAME in its environment")
        return env["MODEL_NAME"]

    @property
    def sidecars(self) -> list[ContainerSpec]:
        return [c for c in self.containers if c.name != self.target_container]


def read_back(clients, outputs: dict, region: str) -> DeployedTask:
    """`clients(service)` gives a boto3 client on the emulator; `outputs` the Terraform outputs."""
    ecs, elbv2 = clients("ecs"), clients("elbv2")
    cluster, service_name = outputs["ecs_cluster_name"], outputs["ecs_service_name"]
    services = ecs.describe_services(cluster=cluster, services=[service_name])["services"]
    if not services:
        raise ReadBackError(f"ECS service {service_name} not found in cluster {cluster}")
    service = services[0]
    if len(service.get("loadBalancers") or []) != 1:
        raise ReadBackError(f"service {service_name} must have one load balancer target group, "
                            f"has {service.get('loadBalancers')}")
    wiring = service["loadBalancers"][0]
    task_definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    if not task_definition.get("taskRoleArn"):
        raise ReadBackError(f"task definition {task_definition['taskDefinitionArn']} has no task role")
    containers = tuple(ContainerSpec.from_definition(c) for c in task_definition["containerDefinitions"])
    groups = elbv2.describe_target_groups(TargetGroupArns=[wiring["targetGroupArn"]])["TargetGroups"]
    group = groups[0]
    if group.get("Port") != wiring["containerPort"]:
        raise ReadBackError(f"target group port {group.get('Port')} differs from the service's container port "
                            f"{wiring['containerPort']}")
    balancers = group.get("LoadBalancerArns") or []
    if len(balancers) != 1:
        raise ReadBackError(f"target group {group['TargetGroupName']} is attached to {len(balancers)} load "
                            "balancers, expected 1")
    listeners = [listener for listener in elbv2.describe_listeners(LoadBalancerArn=balancers[0])["Listeners"]
                 if any(a.get("TargetGroupArn") == group["TargetGroupArn"] for a in listener["DefaultActions"])]
    if len(listeners) != 1:
        raise ReadBackError(f"expected one listener forwarding to {group['TargetGroupName']}, found {len(listeners)}")
    balancer = elbv2.describe_load_balancers(LoadBalancerArns=balancers[0:1])["LoadBalancers"][0]
    bucket = outputs["model_bucket_name"]
    clients("s3").head_bucket(Bucket=bucket)
    target = next((c for c in containers if c.name == wiring["containerName"]), None)
    if target is None or wiring["containerPort"] not in target.ports:
        raise ReadBackError(f"the service sends traffic to container {wiring['containerName']} port "
                            f"{wiring['containerPort']}, which the task definition does not expose")
    return DeployedTask(
        task_definition_arn=task_definition["taskDefinitionArn"], containers=containers,
        volumes=tuple(v["name"] for v in task_definition.get("volumes") or ()),
        task_role_arn=task_definition["taskRoleArn"], target_container=wiring["containerName"],
        target_port=int(wiring["containerPort"]), target_group_arn=group["TargetGroupArn"],
        health_check=HealthCheck.from_target_group(group), listener_port=int(listeners[0]["Port"]),
        load_balancer_dns=balancer["DNSName"], bucket=bucket, region=region)
