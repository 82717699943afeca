"""What an emulator (or account) still holds of one run, found by the run's name_prefix.

Every name in the configuration comes from var.name_prefix, and every run tags what it creates
with `tfsuite:name-prefix` through the deployment's `tags` input (tfsuite.aws.tagging.run_tags), so a
run's leftovers can be listed without its state.
"""

from __future__ import annotations

from collections.abc import Callable

from tfsuite.emulator.endpoint import Emulator

PREFIX_TAG = "tfsuite:name-prefix"


def _all(client, operation: str, key: str, **params) -> list:
    """Every item of a listing, page after page."""
    return [item for page in client.get_paginator(operation).paginate(**params) for item in page.get(key, [])]


def _vpcs(emulator: Emulator, prefix: str) -> list[str]:
    ec2 = emulator.client("ec2")
    found = _all(ec2, "describe_vpcs", "Vpcs", Filters=[{"Name": f"tag:{PREFIX_TAG}", "Values": [prefix]}])
    return [v["VpcId"] for v in found]


def _security_groups(emulator: Emulator, prefix: str) -> list[str]:
    ec2 = emulator.client("ec2")
    groups = _all(ec2, "describe_security_groups", "SecurityGroups")
    return [g["GroupId"] for g in groups
            if g["GroupName"].startswith(prefix) or _tagged(g.get("Tags"), prefix)]


def _load_balancers(emulator: Emulator, prefix: str) -> list[str]:
    elbv2 = emulator.client("elbv2")
    names = [lb["LoadBalancerName"] for lb in _all(elbv2, "describe_load_balancers", "LoadBalancers")]
    names += [tg["TargetGroupName"] for tg in _all(elbv2, "describe_target_groups", "TargetGroups")]
    return [n for n in names if n.startswith(prefix)]


def _ecs(emulator: Emulator, prefix: str) -> list[str]:
    ecs = emulator.client("ecs")
    clusters = [arn for arn in _all(ecs, "list_clusters", "clusterArns")
                if arn.rsplit("/", 1)[-1].startswith(prefix)]
    active = [c["clusterArn"] for c in ecs.describe_clusters(clusters=clusters)["clusters"]
              if c["status"] == "ACTIVE"] if clusters else []
    families = _all(ecs, "list_task_definitions", "taskDefinitionArns", familyPrefix=prefix, status="ACTIVE")
    return active + families


def _scalable_targets(emulator: Emulator, prefix: str) -> list[str]:
    autoscaling = emulator.client("application-autoscaling")
    targets = _all(autoscaling, "describe_scalable_targets", "ScalableTargets", ServiceNamespace="ecs")
    return [t["ResourceId"] for t in targets if prefix in t["ResourceId"]]


def _buckets(emulator: Emulator, prefix: str) -> list[str]:
    buckets = _all(emulator.client("s3"), "list_buckets", "Buckets")
    return [b["Name"] for b in buckets if b["Name"].startswith(prefix)]


def _iam(emulator: Emulator, prefix: str) -> list[str]:
    iam = emulator.client("iam")
    roles = [r["RoleName"] for r in _all(iam, "list_roles", "Roles")]
    policies = [p["PolicyName"] for p in _all(iam, "list_policies", "Policies", Scope="Local")]
    return [n for n in roles + policies if n.startswith(prefix)]


def _log_groups(emulator: Emulator, prefix: str) -> list[str]:
    logs = emulator.client("logs")
    names = [g["logGroupName"] for g in _all(logs, "describe_log_groups", "logGroups")]
    return [n for n in names if prefix in n]


def _alarms(emulator: Emulator, prefix: str) -> list[str]:
    cloudwatch = emulator.client("cloudwatch")
    return [a["AlarmName"] for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmNamePrefix=prefix)
            for a in page["MetricAlarms"]]


def _pull_through_cache_rules(emulator: Emulator, prefix: str) -> list[str]:
    rules = emulator.client("ecr").describe_pull_through_cache_rules()["pullThroughCacheRules"]
    return [r["ecrRepositoryPrefix"] for r in rules if r["ecrRepositoryPrefix"].startswith(prefix)]


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
    "cloudwatch alarms": ("cloudwatch", _alarms),
    "ecr pull through cache rules": ("ecr", _pull_through_cache_rules),
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
