"""One deleter per resource kind, in the order AWS lets them go.

Each deleter knows whether its resource still exists (`exists`) and how to delete it (`delete`),
including what must go first inside the resource (scale a service to 0, empty a bucket of every
object version, remove a role's policies, detach an internet gateway, drop a route table's
associations). Dependencies *between* resources are handled by the order of DELETERS and by
retrying a deletion while AWS reports a dependency (ENIs of a deleted ALB or Fargate task linger
for minutes before the subnets and security groups can go).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from botocore.exceptions import ClientError
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

from tfsuite.aws.clients import AwsTarget

# Error codes that mean "not yet: something still depends on it" (or AWS asks us to slow down).
DEPENDENCY_CODES = frozenset({
    "DependencyViolation", "ResourceInUse", "ResourceInUseException", "DeleteConflict",
    "ClusterContainsServicesException", "ClusterContainsTasksException",
    "ClusterContainsContainerInstancesException", "BucketNotEmpty", "OperationAborted",
    "InvalidNetworkInterface.InUse", "ConcurrentModificationException", "ConcurrentUpdateException",
    "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
})
_GONE = re.compile(r"NotFound|^NoSuch|NotActive|^404$")


def error_code(err: BaseException) -> str:
    return err.response.get("Error", {}).get("Code", "") if isinstance(err, ClientError) else ""


def is_gone_error(err: BaseException) -> bool:
    return bool(_GONE.search(error_code(err)))


def is_dependency_error(err: BaseException) -> bool:
    return error_code(err) in DEPENDENCY_CODES


class Clients:
    """boto3 clients for one target, made on first use."""

    def __init__(self, target: AwsTarget) -> None:
        self.target = target

    @cache  # noqa: B019 - one Clients per janitor run; the cache dies with it
    def __call__(self, service: str):
        return self.target.client(service)


@dataclass(frozen=True)
class Deleter:
    kind: str
    exists: Callable[[Clients, str], bool]
    delete: Callable[[Clients, str], None]


def delete_with_retries(deleter: Deleter, clients: Clients, ident: str, *, retry_seconds: float) -> bool:
    """Delete, retrying on dependency errors for up to retry_seconds. False when it was already gone."""
    retrying = Retrying(stop=stop_after_delay(retry_seconds), retry=retry_if_exception(is_dependency_error),
                        wait=wait_exponential(multiplier=1, min=1, max=20), reraise=True)
    try:
        for attempt in retrying:
            with attempt:
                deleter.delete(clients, ident)
    except ClientError as err:
        if is_gone_error(err):
            return False
        raise
    return True


def still_exists(deleter: Deleter, clients: Clients, ident: str) -> bool:
    try:
        return deleter.exists(clients, ident)
    except ClientError as err:
        if is_gone_error(err):
            return False
        raise


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


def _delete_ecs_cluster(clients: Clients, arn: str) -> None:
    clients("ecs").delete_cluster(cluster=arn)


# --- load balancing: everything by ARN ----------------------------------------------------------

def _listener_exists(clients: Clients, arn: str) -> bool:
    return bool(clients("elbv2").describe_listeners(ListenerArns=[arn])["Listeners"])


def _delete_listener(clients: Clients, arn: str) -> None:
    clients("elbv2").delete_listener(ListenerArn=arn)


def _load_balancer_exists(clients: Clients, arn: str) -> bool:
    return bool(clients("elbv2").describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"])


def _delete_load_balancer(clients: Clients, arn: str) -> None:
    elbv2 = clients("elbv2")
    elbv2.delete_load_balancer(LoadBalancerArn=arn)  # its listeners go with it
    elbv2.get_waiter("load_balancers_deleted").wait(LoadBalancerArns=[arn],
                                                    WaiterConfig={"Delay": 5, "MaxAttempts": 60})


def _target_group_exists(clients: Clients, arn: str) -> bool:
    return bool(clients("elbv2").describe_target_groups(TargetGroupArns=[arn])["TargetGroups"])


def _delete_target_group(clients: Clients, arn: str) -> None:
    clients("elbv2").delete_target_group(TargetGroupArn=arn)


# --- logs, S3, IAM ------------------------------------------------------------------------------

def _log_group_exists(clients: Clients, name: str) -> bool:
    groups = clients("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return any(g["logGroupName"] == name for g in groups)


def _delete_log_group(clients: Clients, name: str) -> None:
    clients("logs").delete_log_group(logGroupName=name)


def _bucket_exists(clients: Clients, name: str) -> bool:
    try:
        clients("s3").head_bucket(Bucket=name)
    except ClientError as err:
        if error_code(err) in ("404", "NoSuchBucket"):
            return False
        raise
    return True


def _empty_and_delete_bucket(clients: Clients, name: str) -> None:
    s3 = clients("s3")
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                  for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if doomed:  # a page holds at most 1000 entries, delete_objects' limit
            answer = s3.delete_objects(Bucket=name, Delete={"Objects": doomed, "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise RuntimeError(f"could not delete {len(answer['Errors'])} object version(s) in {name}, "
                                   f"e.g. {first.get('Key')}: {first.get('Code')} {first.get('Message')}")
    s3.delete_bucket(Bucket=name)


def _role_exists(clients: Clients, name: str) -> bool:
    clients("iam").get_role(RoleName=name)
    return True


def _delete_role(clients: Clients, name: str) -> None:
    iam = clients("iam")
    for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=policy)
    for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
    for profile in iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"]:
        iam.remove_role_from_instance_profile(InstanceProfileName=profile["InstanceProfileName"],
                                              RoleName=name)
    iam.delete_role(RoleName=name)


# --- VPC and what lives in it: everything by id ---------------------------------------------------

def _vpc_endpoint_exists(clients: Clients, ident: str) -> bool:
    endpoints = clients("ec2").describe_vpc_endpoints(VpcEndpointIds=[ident])["VpcEndpoints"]
    return any(e["State"].lower() not in ("deleted", "deleting") for e in endpoints)


def _delete_vpc_endpoint(clients: Clients, ident: str) -> None:
    _raise_unsuccessful(clients("ec2").delete_vpc_endpoints(VpcEndpointIds=[ident]), "DeleteVpcEndpoints")


def _raise_unsuccessful(answer: dict, operation: str) -> None:
    """EC2's batch deletes answer 200 and list failures: raise the first as the ClientError it is."""
    for failure in answer.get("Unsuccessful", []):
        error = failure.get("Error", {})
        code, message = error.get("Code", "Unsuccessful"), error.get("Message", "")
        raise ClientError({"Error": {"Code": code, "Message": message}}, operation)


def _flow_log_exists(clients: Clients, ident: str) -> bool:
    return bool(clients("ec2").describe_flow_logs(FlowLogIds=[ident])["FlowLogs"])


def _delete_flow_log(clients: Clients, ident: str) -> None:
    _raise_unsuccessful(clients("ec2").delete_flow_logs(FlowLogIds=[ident]), "DeleteFlowLogs")


def _nat_gateway_exists(clients: Clients, ident: str) -> bool:
    gateways = clients("ec2").describe_nat_gateways(NatGatewayIds=[ident])["NatGateways"]
    return any(g["State"] not in ("deleted", "deleting") for g in gateways)


def _delete_nat_gateway(clients: Clients, ident: str) -> None:
    ec2 = clients("ec2")
    ec2.delete_nat_gateway(NatGatewayId=ident)
    # its Elastic IP and subnet stay in use until it is gone
    ec2.get_waiter("nat_gateway_deleted").wait(NatGatewayIds=[ident],
                                               WaiterConfig={"Delay": 15, "MaxAttempts": 40})


def _address_exists(clients: Clients, ident: str) -> bool:
    return bool(clients("ec2").describe_addresses(AllocationIds=[ident])["Addresses"])


def _release_address(clients: Clients, ident: str) -> None:
    clients("ec2").release_address(AllocationId=ident)


def _security_group(clients: Clients, ident: str) -> dict:
    return clients("ec2").describe_security_groups(GroupIds=[ident])["SecurityGroups"][0]


def _has_rules(clients: Clients, ident: str) -> bool:
    group = _security_group(clients, ident)
    return bool(group.get("IpPermissions") or group.get("IpPermissionsEgress"))


def _revoke_rules(clients: Clients, ident: str) -> None:
    # Our two groups refer to each other (ALB egress -> tasks, tasks ingress <- ALB): every rule
    # of every group goes first, then the groups.
    ec2, group = clients("ec2"), _security_group(clients, ident)
    if group.get("IpPermissions"):
        ec2.revoke_security_group_ingress(GroupId=ident, IpPermissions=group["IpPermissions"])
    if group.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(GroupId=ident, IpPermissions=group["IpPermissionsEgress"])


def _security_group_exists(clients: Clients, ident: str) -> bool:
    return bool(_security_group(clients, ident))


def _delete_security_group(clients: Clients, ident: str) -> None:
    clients("ec2").delete_security_group(GroupId=ident)


def _network_interface_exists(clients: Clients, ident: str) -> bool:
    return bool(clients("ec2").describe_network_interfaces(NetworkInterfaceIds=[ident])["NetworkInterfaces"])


def _delete_network_interface(clients: Clients, ident: str) -> None:
    clients("ec2").delete_network_interface(NetworkInterfaceId=ident)


def _subnet_exists(clients: Clients, ident: str) -> bool:
    return bool(clients("ec2").describe_subnets(SubnetIds=[ident])["Subnets"])


def _delete_subnet(clients: Clients, ident: str) -> None:
    clients("ec2").delete_subnet(SubnetId=ident)


def _route_table_exists(clients: Clients, ident: str) -> bool:
    return bool(clients("ec2").describe_route_tables(RouteTableIds=[ident])["RouteTables"])


def _delete_route_table(clients: Clients, ident: str) -> None:
    ec2 = clients("ec2")
    table = ec2.describe_route_tables(RouteTableIds=[ident])["RouteTables"][0]
    for association in table.get("Associations", []):
        if not association.get("Main"):
            ec2.disassociate_route_table(AssociationId=association["RouteTableAssociationId"])
    ec2.delete_route_table(RouteTableId=ident)


def _internet_gateway_exists(clients: Clients, ident: str) -> bool:
    return bool(clients("ec2").describe_internet_gateways(InternetGatewayIds=[ident])["InternetGateways"])


def _detach_and_delete_internet_gateway(clients: Clients, ident: str) -> None:
    ec2 = clients("ec2")
    gateway = ec2.describe_internet_gateways(InternetGatewayIds=[ident])["InternetGateways"][0]
    for attachment in gateway.get("Attachments", []):
        ec2.detach_internet_gateway(InternetGatewayId=ident, VpcId=attachment["VpcId"])
    ec2.delete_internet_gateway(InternetGatewayId=ident)


def _vpc_exists(clients: Clients, ident: str) -> bool:
    return bool(clients("ec2").describe_vpcs(VpcIds=[ident])["Vpcs"])


def _delete_vpc(clients: Clients, ident: str) -> None:
    clients("ec2").delete_vpc(VpcId=ident)


DELETERS: tuple[Deleter, ...] = (
    Deleter("scalable_target", _scalable_target_exists, _deregister_scalable_target),
    Deleter("ecs_service", _ecs_service_exists, _delete_ecs_service),
    Deleter("listener", _listener_exists, _delete_listener),
    Deleter("load_balancer", _load_balancer_exists, _delete_load_balancer),
    Deleter("target_group", _target_group_exists, _delete_target_group),
    Deleter("task_definition", _task_definition_exists, _delete_task_definition),
    Deleter("ecs_cluster", _ecs_cluster_exists, _delete_ecs_cluster),
    Deleter("log_group", _log_group_exists, _delete_log_group),
    Deleter("s3_bucket", _bucket_exists, _empty_and_delete_bucket),
    Deleter("iam_role", _role_exists, _delete_role),
    Deleter("flow_log", _flow_log_exists, _delete_flow_log),
    Deleter("vpc_endpoint", _vpc_endpoint_exists, _delete_vpc_endpoint),
    Deleter("nat_gateway", _nat_gateway_exists, _delete_nat_gateway),
    Deleter("elastic_ip", _address_exists, _release_address),
    Deleter("security_group_rules", _has_rules, _revoke_rules),
    Deleter("network_interface", _network_interface_exists, _delete_network_interface),
    Deleter("security_group", _security_group_exists, _delete_security_group),
    Deleter("subnet", _subnet_exists, _delete_subnet),
    Deleter("route_table", _route_table_exists, _delete_route_table),
    Deleter("internet_gateway", _internet_gateway_exists, _detach_and_delete_internet_gateway),
    Deleter("vpc", _vpc_exists, _delete_vpc),
)
BY_KIND = {deleter.kind: deleter for deleter in DELETERS}
