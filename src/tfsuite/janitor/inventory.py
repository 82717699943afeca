"""Find what the suite created: resources tagged tfsuite:managed=true, and what lives inside them.

The Resource Groups Tagging API lists most tagged resources of a region. It does not list IAM
roles, listeners, VPC endpoints or scalable targets everywhere, and it keeps returning deleted
ECS clusters and services for a while, so discovery adds per-service listings (IAM roles by tag,
an ECS service's scalable target, everything inside a suite VPC) and keeps only what still exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from botocore.exceptions import ClientError

from tfsuite.aws.tagging import TAG_CREATED_AT, TAG_MANAGED, TAG_NAME_PREFIX, TAG_RUN_ID, parse_created_at
from tfsuite.janitor.calls import listing
from tfsuite.janitor.deleters import BY_KIND, Clients, error_code, still_exists
from tfsuite.janitor.network import DEFAULT_GROUP_NAME, is_default_group

# "<service>:<resource type>" of an ARN -> deleter kind; types we delete through a parent map to None.
_ARN_KINDS = {
    "ec2:vpc": "vpc", "ec2:subnet": "subnet", "ec2:security-group": "security_group",
    "ec2:internet-gateway": "internet_gateway", "ec2:route-table": "route_table",
    "ec2:vpc-endpoint": "vpc_endpoint", "ec2:network-interface": "network_interface",
    "ec2:vpc-flow-log": "flow_log", "ec2:natgateway": "nat_gateway", "ec2:elastic-ip": "elastic_ip",
    "ec2:security-group-rule": None,  # goes with its group
    "elasticloadbalancing:loadbalancer": "load_balancer", "elasticloadbalancing:targetgroup": "target_group",
    "elasticloadbalancing:listener": "listener", "elasticloadbalancing:listener-rule": None,
    "ecs:cluster": "ecs_cluster", "ecs:service": "ecs_service", "ecs:task-definition": "task_definition",
    "ecs:task": None,  # stops with its service
    "s3:": "s3_bucket", "logs:log-group": "log_group", "iam:role": "iam_role",
    "application-autoscaling:scalable-target": None,  # found through its ECS service instead
}


@dataclass(frozen=True)
class Owner:
    """Which run made a resource (from its tags, or its parent's)."""

    run_id: str | None
    created_at: datetime | None
    name_prefix: str | None = None
    problem: str | None = None  # why created_at is None

    @classmethod
    def from_tags(cls, tags: dict[str, str]) -> Owner:
        text, problem, created = tags.get(TAG_CREATED_AT), None, None
        if text is None:
            problem = f"no {TAG_CREATED_AT} tag"
        else:
            try:
                created = parse_created_at(text)
            except ValueError:
                problem = f"{TAG_CREATED_AT}={text!r} is not an ISO-8601 time"
        return cls(tags.get(TAG_RUN_ID), created, tags.get(TAG_NAME_PREFIX), problem)


@dataclass(frozen=True)
class Found:
    kind: str
    ident: str  # what the deleter takes: an id, ARN or name
    owner: Owner = field(compare=False)

    def describe(self) -> str:
        return f"{self.kind} {self.ident}"

    def names(self) -> frozenset[str]:
        """The identifiers a Terraform state may hold this resource under: its ident, and for a
        scalable target (ident "<resource id>|<dimension>") the resource id alone."""
        if self.kind == "scalable_target":
            return frozenset({self.ident, self.ident.split("|", 1)[0]})
        return frozenset({self.ident})


def kind_and_ident(arn: str) -> tuple[str | None, str]:
    """Deleter kind and identifier for an ARN; kind None for resources deleted with a parent."""
    parts = arn.split(":", 5)
    if len(parts) != 6:
        raise ValueError(f"not an ARN: {arn!r}")
    service, resource = parts[2], parts[5]
    if service == "s3":
        return "s3_bucket", resource
    if service == "logs":  # log-group:<name>[:*]
        return "log_group", resource.split(":", 1)[1].removesuffix(":*")
    resource_type, _, rest = resource.partition("/")
    key = f"{service}:{resource_type}"
    if key not in _ARN_KINDS:
        return None, arn
    kind = _ARN_KINDS[key]
    if service == "ec2":
        return kind, rest
    if service == "iam":
        return kind, rest.rsplit("/", 1)[-1]
    return kind, arn


def discover(clients: Clients, *, run_id: str | None = None, run_created_at: datetime | None = None) -> list[Found]:
    """Every suite resource that still exists in the target's region (plus suite IAM roles).

    `run_created_at`: when the caller knows when run `run_id` began (the run itself does), so
    that resources found by name only can be dated.
    """
    candidates: dict[tuple[str, str], Found] = {}

    def add(items: Iterable[Found]) -> None:
        for item in items:
            candidates.setdefault((item.kind, item.ident), item)

    add(item for item in _tagged(clients, run_id) if not _is_default_group(clients, item))
    add(_roles(clients, run_id))
    add(_untagged_buckets(clients, _runs(candidates.values(), run_id, run_created_at), candidates))
    for cluster in [item for item in candidates.values() if item.kind == "ecs_cluster"]:
        add(_services_in(clients, cluster))
    for parent in list(candidates.values()):
        if parent.kind == "ecs_service":
            add(_scalable_targets(clients, parent))
        elif parent.kind == "security_group":  # every group's rules go before any group
            add([Found("security_group_rules", parent.ident, parent.owner)])
        elif parent.kind == "vpc" and still_exists(BY_KIND["vpc"], clients, parent.ident):
            add(_inside_vpc(clients, parent))
    alive = [item for item in candidates.values() if _alive(clients, item)]
    order = {kind: index for index, kind in enumerate(BY_KIND)}
    return sorted(alive, key=lambda item: (order[item.kind], item.ident))


def _is_default_group(clients: Clients, item: Found) -> bool:
    """A VPC's default security group, tagged through the provider's default tags when the
    configuration manages it (aws_default_security_group): AWS deletes it with its VPC only."""
    if item.kind != "security_group":
        return False
    try:
        return is_default_group(clients, item.ident)
    except ClientError:
        return False  # gone, or not readable: the deleter decides


def _alive(clients: Clients, item: Found) -> bool:
    """Still there? When AWS will not say (e.g. access denied), keep it: its deletion reports why."""
    try:
        return still_exists(BY_KIND[item.kind], clients, item.ident)
    except ClientError:
        return True


def _tag_filters(run_id: str | None) -> list[dict]:
    filters = [{"Key": TAG_MANAGED, "Values": ["true"]}]
    if run_id:
        filters.append({"Key": TAG_RUN_ID, "Values": [run_id]})
    return filters


def _tagged(clients: Clients, run_id: str | None) -> Iterable[Found]:
    paginator = clients("resourcegroupstaggingapi").get_paginator("get_resources")
    for page in paginator.paginate(TagFilters=_tag_filters(run_id)):
        for mapping in page["ResourceTagMappingList"]:
            kind, ident = kind_and_ident(mapping["ResourceARN"])
            if kind is not None:
                tags = {t["Key"]: t["Value"] for t in mapping.get("Tags", [])}
                yield Found(kind, ident, Owner.from_tags(tags))


def _roles(clients: Clients, run_id: str | None) -> Iterable[Found]:
    for role in listing(clients, "iam", "list_roles", "Roles"):
        if role["Path"].startswith(("/aws-service-role/", "/aws-reserved/")):
            continue  # service-linked and SSO roles are AWS's, never ours
        tags = {t["Key"]: t["Value"] for t in listing(clients, "iam", "list_role_tags", "Tags",
                                                      RoleName=role["RoleName"])}
        if tags.get(TAG_MANAGED) == "true" and (run_id is None or tags.get(TAG_RUN_ID) == run_id):
            yield Found("iam_role", role["RoleName"], Owner.from_tags(tags))


def _runs(found: Iterable[Found], run_id: str | None, run_created_at: datetime | None) -> dict:
    """run id -> when it began (None: unknown), for the runs found by tag and the one asked for."""
    runs = {item.owner.run_id: item.owner.created_at for item in found
            if item.owner.run_id and item.owner.created_at}
    if run_id:
        runs[run_id] = run_created_at or runs.get(run_id)
    return runs


def _untagged_buckets(clients: Clients, runs: dict, known: dict) -> Iterable[Found]:
    """Buckets named after a run but not tagged. The provider creates a bucket and tags it in two
    calls, so an apply interrupted between them leaves a bucket neither in the state nor tagged;
    its name still starts with the run's name_prefix (= run id)."""
    if not runs:
        return
    s3 = clients("s3")
    for bucket in listing(clients, "s3", "list_buckets", "Buckets"):
        name = bucket["Name"]
        owner = next((rid for rid in runs if name.startswith(f"{rid}-")), None)
        if owner is None or ("s3_bucket", name) in known:
            continue
        try:
            region = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
            tags = _bucket_tags(s3, name)
        except ClientError:
            continue  # gone meanwhile, or not ours to read
        if tags.get(TAG_RUN_ID, owner) != owner or region != clients.target.region:
            continue
        created = runs[owner]
        problem = None if created else f"untagged, named after run {owner} whose start is unknown"
        yield Found("s3_bucket", name, Owner(owner, created, owner, problem))


def _bucket_tags(s3, name: str) -> dict[str, str]:
    try:
        return {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=name)["TagSet"]}
    except ClientError as err:
        if error_code(err) == "NoSuchTagSet":
            return {}
        raise


def _services_in(clients: Clients, cluster: Found) -> Iterable[Found]:
    if not still_exists(BY_KIND["ecs_cluster"], clients, cluster.ident):
        return
    for arn in listing(clients, "ecs", "list_services", "serviceArns", cluster=cluster.ident):
        yield Found("ecs_service", arn, cluster.owner)


def _scalable_targets(clients: Clients, service: Found) -> Iterable[Found]:
    cluster_and_name = service.ident.split(":service/", 1)[1]
    resource_id = f"service/{cluster_and_name}"
    for target in listing(clients, "application-autoscaling", "describe_scalable_targets", "ScalableTargets",
                          ServiceNamespace="ecs", ResourceIds=[resource_id]):
        yield Found("scalable_target", f"{resource_id}|{target['ScalableDimension']}", service.owner)


def _inside_vpc(clients: Clients, vpc: Found) -> Iterable[Found]:
    """Everything in a suite VPC is the suite's, tagged or not: the VPC cannot go before it. Not the
    VPC's default security group (AWS deletes it with the VPC and refuses to delete it before), nor
    the network interfaces AWS manages for a load balancer, NAT gateway, endpoint or task (they go
    when their owner goes; until then the subnet's and groups' deletions wait, see network.py)."""
    def each(operation: str, key: str, filters: list[dict]) -> Iterable[dict]:
        return listing(clients, "ec2", operation, key, Filters=filters)

    in_vpc = [{"Name": "vpc-id", "Values": [vpc.ident]}]
    for subnet in each("describe_subnets", "Subnets", in_vpc):
        yield Found("subnet", subnet["SubnetId"], vpc.owner)
    for group in each("describe_security_groups", "SecurityGroups", in_vpc):
        if group["GroupName"] != DEFAULT_GROUP_NAME:
            yield Found("security_group_rules", group["GroupId"], vpc.owner)
            yield Found("security_group", group["GroupId"], vpc.owner)
    for table in each("describe_route_tables", "RouteTables", in_vpc):
        if not any(a.get("Main") for a in table.get("Associations", [])):
            yield Found("route_table", table["RouteTableId"], vpc.owner)
    attached = [{"Name": "attachment.vpc-id", "Values": [vpc.ident]}]
    for gateway in each("describe_internet_gateways", "InternetGateways", attached):
        yield Found("internet_gateway", gateway["InternetGatewayId"], vpc.owner)
    for endpoint in each("describe_vpc_endpoints", "VpcEndpoints", in_vpc):
        yield Found("vpc_endpoint", endpoint["VpcEndpointId"], vpc.owner)
    for flow_log in each("describe_flow_logs", "FlowLogs", [{"Name": "resource-id", "Values": [vpc.ident]}]):
        yield Found("flow_log", flow_log["FlowLogId"], vpc.owner)
    for gateway in each("describe_nat_gateways", "NatGateways", in_vpc):
        if gateway["State"] == "deleted":
            continue
        yield Found("nat_gateway", gateway["NatGatewayId"], vpc.owner)
        for address in gateway.get("NatGatewayAddresses", []):
            if address.get("AllocationId"):
                yield Found("elastic_ip", address["AllocationId"], vpc.owner)
    available = [*in_vpc, {"Name": "status", "Values": ["available"]}]
    for interface in each("describe_network_interfaces", "NetworkInterfaces", available):
        if not interface.get("RequesterManaged"):
            yield Found("network_interface", interface["NetworkInterfaceId"], vpc.owner)
