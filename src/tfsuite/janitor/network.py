"""Deleters of the network: the VPC and what lives in it (endpoints, flow logs, NAT gateways,
Elastic IPs, security groups and their rules, network interfaces, subnets, route tables, the
internet gateway), everything by id."""

from __future__ import annotations

from botocore.exceptions import ClientError

from tfsuite.janitor.calls import Clients, deleted_by, listed

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


_flow_log_exists = listed("ec2", "describe_flow_logs", "FlowLogIds", "FlowLogs")


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


_address_exists = listed("ec2", "describe_addresses", "AllocationIds", "Addresses")
_release_address = deleted_by("ec2", "release_address", "AllocationId")


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


_delete_security_group = deleted_by("ec2", "delete_security_group", "GroupId")
_network_interface_exists = listed("ec2", "describe_network_interfaces", "NetworkInterfaceIds", "NetworkInterfaces")
_delete_network_interface = deleted_by("ec2", "delete_network_interface", "NetworkInterfaceId")
_subnet_exists = listed("ec2", "describe_subnets", "SubnetIds", "Subnets")
_delete_subnet = deleted_by("ec2", "delete_subnet", "SubnetId")
_route_table_exists = listed("ec2", "describe_route_tables", "RouteTableIds", "RouteTables")


def _delete_route_table(clients: Clients, ident: str) -> None:
    ec2 = clients("ec2")
    table = ec2.describe_route_tables(RouteTableIds=[ident])["RouteTables"][0]
    for association in table.get("Associations", []):
        if not association.get("Main"):
            ec2.disassociate_route_table(AssociationId=association["RouteTableAssociationId"])
    ec2.delete_route_table(RouteTableId=ident)


_internet_gateway_exists = listed("ec2", "describe_internet_gateways", "InternetGatewayIds", "InternetGateways")


def _detach_and_delete_internet_gateway(clients: Clients, ident: str) -> None:
    ec2 = clients("ec2")
    gateway = ec2.describe_internet_gateways(InternetGatewayIds=[ident])["InternetGateways"][0]
    for attachment in gateway.get("Attachments", []):
        ec2.detach_internet_gateway(InternetGatewayId=ident, VpcId=attachment["VpcId"])
    ec2.delete_internet_gateway(InternetGatewayId=ident)


_vpc_exists = listed("ec2", "describe_vpcs", "VpcIds", "Vpcs")
_delete_vpc = deleted_by("ec2", "delete_vpc", "VpcId")
