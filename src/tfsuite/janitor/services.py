"""Deleters of the service resources: Application Auto Scaling targets, ECS services, task
definitions and clusters, and the load balancer with its listeners and target groups."""

from __future__ import annotations

from botocore.exceptions import ClientError

from tfsuite.janitor.calls import Clients, deleted_by, error_code, is_gone_error, listed

# --- application auto scaling: ident "<resource id>|<scalable dimension>" -------------------------

def _scalable_target_exists(clients: Clients, ident: str) -> bool:
    resource_id, dimension = ident.split("|")
    found = clients("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[resource_id], ScalableDimension=dimension)["ScalableTargets"]
    return bool(found)


def _deregister_scalable_target(clients: Clients, ident: str) -> None:
    resource_id, dimension = ident.split("|")
    clients("application-autoscaling").deregister_scalable_target(
        ServiceNamespace="ecs", ResourceId=resource_id, ScalableDimension=dimension)


# --- ECS: services by ARN, task definitions by ARN, clusters by ARN ----------------------------

def _cluster_of_service(service_arn: str) -> str:
    return service_arn.split(":service/", 1)[1].split("/")[0]


def _ecs_service_exists(clients: Clients, arn: str) -> bool:
    services = clients("ecs").describe_services(cluster=_cluster_of_service(arn), services=[arn])["services"]
    return any(s["status"] != "INACTIVE" for s in services)


def _delete_ecs_service(clients: Clients, arn: str) -> None:
    ecs, cluster = clients("ecs"), _cluster_of_service(arn)
    try:
        ecs.update_service(cluster=cluster, service=arn, desiredCount=0)
    except ClientError as err:
        if not is_gone_error(err):
            raise
    ecs.delete_service(cluster=cluster, service=arn, force=True)
    # DRAINING until its tasks stop; the cluster cannot go before that.
    ecs.get_waiter("services_inactive").wait(cluster=cluster, services=[arn],
                                             WaiterConfig={"Delay": 10, "MaxAttempts": 60})


def _task_definition_exists(clients: Clients, arn: str) -> bool:
    try:
        status = clients("ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"]["status"]
    except ClientError as err:
        if error_code(err) in ("ClientException", "InvalidParameterException"):  # ECS's "does not exist"
            return False
        raise
    return status != "DELETE_IN_PROGRESS"


def _delete_task_definition(clients: Clients, arn: str) -> None:
    ecs = clients("ecs")
    if ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["status"] == "ACTIVE":
        ecs.deregister_task_definition(taskDefinition=arn)
    failures = ecs.delete_task_definitions(taskDefinitions=[arn]).get("failures", [])
    if failures and "does not exist" not in failures[0].get("reason", ""):
        raise RuntimeError(f"ECS did not delete task definition {arn}: {failures[0].get('reason')}")


def _ecs_cluster_exists(clients: Clients, arn: str) -> bool:
    clusters = clients("ecs").describe_clusters(clusters=[arn])["clusters"]
    return any(c["status"] != "INACTIVE" for c in clusters)


_delete_ecs_cluster = deleted_by("ecs", "delete_cluster", "cluster")


# --- load balancing: everything by ARN ----------------------------------------------------------

_listener_exists = listed("elbv2", "describe_listeners", "ListenerArns", "Listeners")
_delete_listener = deleted_by("elbv2", "delete_listener", "ListenerArn")
_load_balancer_exists = listed("elbv2", "describe_load_balancers", "LoadBalancerArns", "LoadBalancers")


def _delete_load_balancer(clients: Clients, arn: str) -> None:
    elbv2 = clients("elbv2")
    elbv2.delete_load_balancer(LoadBalancerArn=arn)  # its listeners go with it
    elbv2.get_waiter("load_balancers_deleted").wait(LoadBalancerArns=[arn],
                                                    WaiterConfig={"Delay": 5, "MaxAttempts": 60})


_target_group_exists = listed("elbv2", "describe_target_groups", "TargetGroupArns", "TargetGroups")
_delete_target_group = deleted_by("elbv2", "delete_target_group", "TargetGroupArn")
