"""One deleter per resource kind, in the order AWS lets them go.

Each deleter knows whether its resource still exists (`exists`) and how to delete it (`delete`),
including what must go first inside the resource (scale a service to 0, empty a bucket of every
object version, remove a role's policies, detach an internet gateway, drop a route table's
associations). Dependencies *between* resources are handled by the order of DELETERS and by
retrying a deletion while AWS reports a dependency (ENIs of a deleted ALB or Fargate task linger
for minutes before the subnets and security groups can go).

The deleters of the service resources are in tfsuite.janitor.services, those of the network in
tfsuite.janitor.network; logs, S3 and IAM are here.
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

from tfsuite.janitor.calls import (
    DEPENDENCY_CODES,
    Clients,
    Deleter,
    error_code,
    is_dependency_error,
    is_gone_error,
)
from tfsuite.janitor.network import (
    _address_exists,
    _delete_flow_log,
    _delete_nat_gateway,
    _delete_network_interface,
    _delete_route_table,
    _delete_security_group,
    _delete_subnet,
    _delete_vpc,
    _delete_vpc_endpoint,
    _detach_and_delete_internet_gateway,
    _flow_log_exists,
    _has_rules,
    _internet_gateway_exists,
    _nat_gateway_exists,
    _network_interface_exists,
    _release_address,
    _revoke_rules,
    _route_table_exists,
    _security_group_exists,
    _subnet_exists,
    _vpc_endpoint_exists,
    _vpc_exists,
)
from tfsuite.janitor.services import (
    _delete_ecs_cluster,
    _delete_ecs_service,
    _delete_listener,
    _delete_load_balancer,
    _delete_target_group,
    _delete_task_definition,
    _deregister_scalable_target,
    _ecs_cluster_exists,
    _ecs_service_exists,
    _listener_exists,
    _load_balancer_exists,
    _scalable_target_exists,
    _target_group_exists,
    _task_definition_exists,
)


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

# The family modules (services, network) hold the deleters; the janitor, the inventory and the e2e
# run import everything from here.
__all__ = ["BY_KIND", "DELETERS", "DEPENDENCY_CODES", "Clients", "Deleter", "delete_with_retries", "error_code",
           "is_dependency_error", "is_gone_error", "still_exists"]
