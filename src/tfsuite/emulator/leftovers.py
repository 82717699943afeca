"""What an emulator (or account) still holds of one run, found by the run's name_prefix.

Every name in the configuration comes from var.name_prefix, and every run tags what it creates
with `tfsuite:name-prefix` through the deployment's `tags` input (tfsuite.aws.tagging.run_tags), so a
run's leftovers can be listed without its state.
"""

from __future__ import annotations

from collections.abc import Callable

from tfsuite.emulator.endpoint import Emulator

PREFIX_TAG = "tfsuite:name-prefix"


def _vpcs(emulator: Emulator, prefix: str) -> list[str]:
    ec2 = emulator.client("ec2")
    found = ec2.describe_vpcs(Filters=[{"Name": f"tag:{PREFIX_TAG}", "Values": [prefix]}])["Vpcs"]
    return [v["VpcId"] for v in found]


def _security_groups(emulator: Emulator, prefix: str) -> list[str]:
    ec2 = emulator.client("ec2")
    groups = ec2.describe_security_groups()["SecurityGroups"]
    return [g["GroupId"] for g in groups
            if g["GroupName"].startswith(prefix) or _tagged(g.get("Tags"), prefix)]


def _load_balancers(emulator: Emulator, prefix: str) -> list[str]:
    elbv2 = emulator.client("elbv2")
    names = [lb["LoadBalancerName"] for page in elbv2.get_paginator("describe_load_balancers").paginate()
             for lb in page["LoadBalancers"]]
    names += [tg["TargetGroupName"] for page in elbv2.get_paginator("describe_target_groups").paginate()
              for tg in page["TargetGroups"]]
    return [n for n in names if n.startswith(prefix)]


def _ecs(emulator: Emulator, prefix: str) -> list[str]:
    ecs = emulator.client("ecs")
    clusters = [arn for arn in ecs.list_clusters()["clusterArns"]
                if arn.rsplit("/", 1)[-1].startswith(prefix)]
    active = [c["clusterArn"] for c in ecs.describe_clusters(clusters=clusters)["clusters"]
              if c["status"] == "ACTIVE"] if clusters else []
    families = ecs.list_task_definitions(familyPrefix=prefix, status="ACTIVE")["taskDefinitionArns"]
    return active + families


def _scalable_targets(emulator: Emulator, prefix: str) -> list[str]:
    autoscaling = emulator.client("application-autoscaling")
    targets = autoscaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    return [t["ResourceId"] for t in targets if prefix in t["ResourceId"]]


def _buckets(emulator: Emulator, prefix: str) -> list[str]:
    buckets = emulator.client("s3").list_buckets()["Buckets"]
    return [b["Name"] for b in buckets if b["Name"].startswith(prefix)]


def _iam(emulator: Emulator, prefix: str) -> list[str]:
    iam = emulator.client("iam")
    roles = [r["RoleName"] for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]]
    policies = [p["PolicyName"] for page in iam.get_paginator("list_policies").paginate(Scope="Local")
                for p in page["Policies"]]
    return [n for n in roles + policies if n.startswith(prefix)]


def _log_groups(emulator: Emulator, prefix: str) -> list[str]:
    logs = emulator.client("logs")
    names = [g["logGroupName"] for page in logs.get_paginator("describe_log_groups").paginate()
             for g in page["logGroups"]]
    return [n for n in names if prefix in n]


def _tagged(tags: list | None, prefix: str) -> bool:
    return any(t.get("Key") == PREFIX_TAG and t.get("Value") == prefix for t in tags or [])


# kind -> (service it needs, lister)
LISTERS: dict[str, tuple[str, Callable[[Emulator, str], list[str]]]] = {
    "vpcs": ("ec2", _vpcs),
    "security groups": ("ec2", _security_groups),
    "load balancers and target groups": ("elbv2", _load_balancers),
    "ecs clusters and task definitions": ("ecs", _ecs),
    "scalable targets": ("application-autoscaling", _scalable_targets),
    "buckets": ("s3", _buckets),
    "iam roles and policies": ("iam", _iam),
    "log groups": ("logs", _log_groups),
}


def leftovers(emulator: Emulator, name_prefix: str) -> dict[str, list[str]]:
    """Kind -> names still present; only kinds with something left, only services the emulator offers."""
    if len(name_prefix) < 3:
        raise ValueError(f"name_prefix {name_prefix!r} is too short to search by (3 characters at least)")
    found = {}
    for kind, (service, lister) in LISTERS.items():
        if emulator.offers(service):
            names = lister(emulator, name_prefix)
            if names:
                found[kind] = sorted(names)
    return found
