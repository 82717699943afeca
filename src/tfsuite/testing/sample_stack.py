"""The deployment's resource shape built directly with boto3 and tagged like an e2e run, so the
janitor can be exercised on an emulator without Terraform: what a run that died mid-way leaves.

    stack = build_sample_stack(target, RunIdentity.new())
    stack.created   # [(kind, ident)] in creation order
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from tfsuite.aws.clients import AwsTarget
from tfsuite.aws.tagging import TAG_NAME_PREFIX, RunIdentity
from tfsuite.static.contract import REST_PORT

_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@dataclass
class SampleStack:
    run: RunIdentity
    created: list[tuple[str, str]] = field(default_factory=list)
    default_group: str = ""  # the VPC's default security group, tagged like the rest

    def ident(self, kind: str) -> str:
        return next(ident for k, ident in self.created if k == kind)


def build_sample_stack(
    target: AwsTarget, run: RunIdentity, *, tags: dict[str, str] | None = None
) -> SampleStack:
    """Every kind the janitor deletes, wired as the module wires them. `tags` replaces the run's tags."""
    prefix = run.name_prefix
    tags = {**run.tags(), TAG_NAME_PREFIX: prefix} if tags is None else tags
    tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
    stack = SampleStack(run)

    def spec(resource_type: str) -> list[dict]:
        return [{"ResourceType": resource_type, "Tags": tag_list}]

    ec2 = target.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=spec("vpc"))["Vpc"]["VpcId"]
    stack.created.append(("vpc", vpc))
    subnets = []
    for index, zone in enumerate(("a", "b")):
        subnet = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"10.0.{index}.0/24",
            AvailabilityZone=f"{target.region}{zone}",
            TagSpecifications=spec("subnet"),
        )["Subnet"]["SubnetId"]
        subnets.append(subnet)
        stack.created.append(("subnet", subnet))
    gateway = ec2.create_internet_gateway(TagSpecifications=spec("internet-gateway"))["InternetGateway"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=vpc)
    stack.created.append(("internet_gateway", gateway["InternetGatewayId"]))
    table = ec2.create_route_table(VpcId=vpc, TagSpecifications=spec("route-table"))["RouteTable"][
        "RouteTableId"
    ]
    ec2.create_route(
        RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway["InternetGatewayId"]
    )
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    stack.created.append(("route_table", table))
    # The configuration manages the VPC's default group (aws_default_security_group), so the
    # provider's default tags mark it as the run's. It is not in `created`: AWS deletes it with the VPC.
    [default_group] = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    ec2.create_tags(Resources=[default_group["GroupId"]], Tags=tag_list)
    stack.default_group = default_group["GroupId"]
    # the production profile's NAT gateway, with its Elastic IP
    address = ec2.allocate_address(Domain="vpc", TagSpecifications=spec("elastic-ip"))["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=address,
                                 TagSpecifications=spec("natgateway"))["NatGateway"]["NatGatewayId"]
    stack.created += [("nat_gateway", nat), ("elastic_ip", address)]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{target.region}.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[table],
        TagSpecifications=spec("vpc-endpoint"),
    )["VpcEndpoint"]["VpcEndpointId"]
    stack.created.append(("vpc_endpoint", endpoint))
    alb_sg = ec2.create_security_group(
        GroupName=f"{prefix}-alb", Description="alb", VpcId=vpc, TagSpecifications=spec("security-group")
    )["GroupId"]
    tasks_sg = ec2.create_security_group(
        GroupName=f"{prefix}-tasks", Description="tasks", VpcId=vpc, TagSpecifications=spec("security-group")
    )["GroupId"]
    # The module's groups refer to each other: ALB egress to the tasks, tasks ingress from the ALB.
    ec2.authorize_security_group_ingress(
        GroupId=tasks_sg,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": REST_PORT, "ToPort": REST_PORT, "UserIdGroupPairs": [{"GroupId": alb_sg}]}
        ],
    )
    ec2.authorize_security_group_egress(
        GroupId=alb_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": REST_PORT,
                "ToPort": REST_PORT,
                "UserIdGroupPairs": [{"GroupId": tasks_sg}],
            }
        ],
    )
    ec2.authorize_security_group_ingress(
        GroupId=alb_sg,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 9000, "ToPort": 9000, "IpRanges": [{"CidrIp": "192.0.2.0/24"}]}
        ],
    )
    stack.created += [("security_group", alb_sg), ("security_group", tasks_sg)]
    eni = ec2.create_network_interface(SubnetId=subnets[0], Groups=[tasks_sg])["NetworkInterface"]
    stack.created.append(("network_interface", eni["NetworkInterfaceId"]))  # as a stopped Fargate task leaves

    elbv2 = target.client("elbv2")
    alb = elbv2.create_load_balancer(
        Name=f"{prefix}-alb", Subnets=subnets, SecurityGroups=[alb_sg], Type="application", Tags=tag_list
    )["LoadBalancers"][0]["LoadBalancerArn"]
    group = elbv2.create_target_group(
        Name=f"{prefix}-tg", Protocol="HTTP", Port=REST_PORT, VpcId=vpc, TargetType="ip", Tags=tag_list
    )["TargetGroups"][0]["TargetGroupArn"]
    listener = elbv2.create_listener(
        LoadBalancerArn=alb,
        Protocol="HTTP",
        Port=9000,
        Tags=tag_list,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    stack.created += [
        ("load_balancer", alb),
        ("target_group", group),
        ("listener", listener["Listeners"][0]["ListenerArn"]),
    ]

    iam = target.client("iam")
    for role in ("execution", "task"):
        name = f"{prefix}-{role}"
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=_TRUST, Tags=tag_list)
        role_arn = role["Role"]["Arn"]
        iam.put_role_policy(
            RoleName=name,
            PolicyName=f"{name}-policy",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "s3:GetObject",
                            "Resource": f"arn:aws:s3:::{prefix}-models/*",
                        }
                    ],
                }
            ),
        )
        stack.created.append(("iam_role", name))

    logs = target.client("logs")
    logs.create_log_group(logGroupName=f"/ecs/{prefix}", tags=tags)
    stack.created.append(("log_group", f"/ecs/{prefix}"))
    flow_log = ec2.create_flow_logs(
        ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogGroupName=f"/ecs/{prefix}",
        DeliverLogsPermissionArn=role_arn,
        TagSpecifications=spec("vpc-flow-log"))["FlowLogIds"][0]
    stack.created.append(("flow_log", flow_log))

    ecs, ecs_tags = target.client("ecs"), [{"key": k, "value": v} for k, v in tags.items()]
    cluster = ecs.create_cluster(clusterName=prefix, tags=ecs_tags)["cluster"]["clusterArn"]
    task_definition = ecs.register_task_definition(
        family=prefix,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="1024",
        memory="2048",
        containerDefinitions=[
            {
                "name": "tfserving",
                "image": "tensorflow/serving:2.18.0",
                "portMappings": [{"containerPort": REST_PORT}],
            }
        ],
        tags=ecs_tags,
    )["taskDefinition"]["taskDefinitionArn"]
    service = ecs.create_service(
        cluster=prefix,
        serviceName=prefix,
        taskDefinition=task_definition,
        desiredCount=1,
        launchType="FARGATE",
        loadBalancers=[{"targetGroupArn": group, "containerName": "tfserving", "containerPort": REST_PORT}],
        networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [tasks_sg]}},
        tags=ecs_tags,
    )["service"]["serviceArn"]
    stack.created += [
        ("ecs_cluster", cluster),
        ("task_definition", task_definition),
        ("ecs_service", service),
    ]
    resource_id = f"service/{prefix}/{prefix}"
    target.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=resource_id,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=2,
    )
    stack.created.append(("scalable_target", f"{resource_id}|ecs:service:DesiredCount"))

    s3, bucket = target.client("s3"), f"{prefix}-models"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": target.region})
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tag_list})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"v1", b"v2"):  # two versions of one key, then a delete marker on top
        s3.put_object(Bucket=bucket, Key="empty_model/1/saved_model.pb", Body=body)
    s3.delete_object(Bucket=bucket, Key="empty_model/1/saved_model.pb")
    stack.created.append(("s3_bucket", bucket))
    return stack


@dataclass(frozen=True)
class ServiceParts:
    """What one throw-away Fargate service needs on an emulator: a cluster and a task definition
    named `name`, and a subnet and security group in a VPC of their own (`network`)."""

    ecs: object  # boto3 ECS client
    name: str
    network: dict

    def create_service(self, **extra) -> None:
        self.ecs.create_service(cluster=self.name, serviceName=self.name, taskDefinition=self.name, desiredCount=1,
                                launchType="FARGATE", networkConfiguration=self.network, **extra)

    def delete(self) -> None:
        self.ecs.delete_service(cluster=self.name, service=self.name, force=True)
        self.ecs.delete_cluster(cluster=self.name)


def service_parts(emulator, cidr: str) -> ServiceParts:
    """ServiceParts on `emulator` (anything with .client(name)), its VPC in `cidr` (a /16)."""
    ec2, ecs = emulator.client("ec2"), emulator.client("ecs")
    name = f"compat-{uuid.uuid4().hex[:8]}"
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace(".0.0/16", ".1.0/24"))["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=name, Description="compat", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName=name)
    ecs.register_task_definition(family=name, requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
                                 cpu="256", memory="512",
                                 containerDefinitions=[{"name": "app", "image": "busybox:1.36"}])
    return ServiceParts(ecs, name, {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}})
