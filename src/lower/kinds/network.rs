//! The network: a VPC with private subnets (services) and isolated subnets
//! (data) in each availability zone; no internet gateway unless `egress nat`
//! asks for one; VPC endpoints to reach AWS services; flow logs to an
//! encrypted log group; and the helpers for per-component security groups.

use crate::check::model::Component;
use crate::check::view::{Egress, Network};
use crate::lower::json::json;
use crate::lower::template::{availability_zone, get_att, reference, sub, Fn, Resource};
use crate::lower::Lowering;
use serde_json::Value;

pub const VPC: &str = "Vpc";
pub const ENDPOINT_SECURITY_GROUP: &str = "EndpointSecurityGroup";

/// The number of availability zones the network spans.
/// Every program has a network (an implicit kind), so none means no zones.
pub fn zones(lowering: &Lowering<'_>) -> u32 {
    lowering.network.map_or(0, |n| n.azs)
}

pub fn private_subnets(lowering: &Lowering<'_>) -> Vec<Value> {
    (1..=zones(lowering)).map(|i| reference(&format!("PrivateSubnet{i}"))).collect()
}

pub fn isolated_subnets(lowering: &Lowering<'_>) -> Vec<Value> {
    (1..=zones(lowering)).map(|i| reference(&format!("IsolatedSubnet{i}"))).collect()
}

/// The `index`th /20 of the VPC's range: private subnets first, then
/// isolated, then public.
fn subnet_cidr(index: u32) -> Value {
    Fn::Select(index, Box::new(Fn::Cidr(get_att(VPC, "CidrBlock"), 12, 12).into())).into()
}

pub fn resources(lowering: &mut Lowering<'_>, view: &Network<'_>) {
    let network = view.component;
    let cidr = lowering.string_or_parameter(view.cidr, "the VPC's IPv4 address range (CIDR)");
    let zones = zones(lowering);
    lowering.add(
        VPC,
        Resource::new(
            "AWS::EC2::VPC",
            json!({ "CidrBlock": cidr, "EnableDnsHostnames": true, "EnableDnsSupport": true }),
        ),
    );
    lowering.record_waivers(VPC, network);

    lowering.add("IsolatedRouteTable", Resource::new("AWS::EC2::RouteTable", json!({ "VpcId": reference(VPC) })));
    let mut route_tables = vec![reference("IsolatedRouteTable")];
    for zone in 1..=zones {
        let az = availability_zone(zone - 1);
        for (tier, index) in [("Private", zone - 1), ("Isolated", zones + zone - 1)] {
            lowering.add(
                &format!("{tier}Subnet{zone}"),
                Resource::new(
                    "AWS::EC2::Subnet",
                    json!({
                        "VpcId": reference(VPC),
                        "AvailabilityZone": &az,
                        "CidrBlock": subnet_cidr(index),
                        "MapPublicIpOnLaunch": view.public,
                    }),
                ),
            );
        }
        let private_table = format!("PrivateRouteTable{zone}");
        lowering.add(&private_table, Resource::new("AWS::EC2::RouteTable", json!({ "VpcId": reference(VPC) })));
        route_tables.push(reference(&private_table));
        associate(lowering, &format!("PrivateSubnet{zone}"), &private_table);
        associate(lowering, &format!("IsolatedSubnet{zone}"), "IsolatedRouteTable");
    }

    lowering.add(
        "S3GatewayEndpoint",
        Resource::new(
            "AWS::EC2::VPCEndpoint",
            json!({
                "VpcId": reference(VPC),
                "ServiceName": sub("com.amazonaws.${AWS::Region}.s3"),
                "VpcEndpointType": "Gateway",
                "RouteTableIds": route_tables,
            }),
        ),
    );
    interface_endpoints(lowering);
    match view.egress {
        Egress::Nat => nat(lowering, view.component, zones),
        Egress::None => {}
    }
    if view.flow_logs {
        flow_logs(lowering);
    }
}

fn associate(lowering: &mut Lowering<'_>, subnet: &str, table: &str) {
    lowering.add(
        &format!("{subnet}RouteTableAssociation"),
        Resource::new(
            "AWS::EC2::SubnetRouteTableAssociation",
            json!({ "SubnetId": reference(subnet), "RouteTableId": reference(table) }),
        ),
    );
}

/// The AWS services the pipeline's services call, reached without the internet.
fn interface_endpoints(lowering: &mut Lowering<'_>) {
    let views = lowering.views;
    let services: Vec<_> = views.services().collect();
    if services.is_empty() {
        return;
    }
    let mut endpoints = vec![
        ("EcrApi", "ecr.api"),
        ("EcrDocker", "ecr.dkr"),
        ("Logs", "logs"),
        ("SecretsManager", "secretsmanager"),
        ("Kms", "kms"),
    ];
    // The endpoints of the AWS services behind what the services use, once
    // each, in the order of their kinds.
    let mut used: Vec<(&'static str, &'static str)> = Vec::new();
    for service in &services {
        let named = service.connects.iter().chain(&service.reads).chain(&service.writes);
        let named = named.copied().chain(service.mounts.iter().map(|m| m.storage));
        for endpoint in named.filter_map(|c| views.get(&c.name)).filter_map(super::interface_endpoint) {
            if !used.contains(&endpoint) {
                used.push(endpoint);
            }
        }
    }
    endpoints.extend(used);
    security_group(
        lowering,
        ENDPOINT_SECURITY_GROUP,
        "VPC interface endpoints: HTTPS from the pipeline's services",
        false,
    );
    for (id, service) in endpoints {
        lowering.add(
            &format!("{id}Endpoint"),
            Resource::new(
                "AWS::EC2::VPCEndpoint",
                json!({
                    "VpcId": reference(VPC),
                    "ServiceName": sub(format!("com.amazonaws.${{AWS::Region}}.{service}")),
                    "VpcEndpointType": "Interface",
                    "PrivateDnsEnabled": true,
                    "SubnetIds": private_subnets(lowering),
                    "SecurityGroupIds": [reference(ENDPOINT_SECURITY_GROUP)],
                }),
            ),
        );
    }
}

/// Declared internet egress: public subnets, an internet gateway and a NAT
/// gateway per zone, each private subnet routing through its zone's NAT.
fn nat(lowering: &mut Lowering<'_>, network: &Component, zones: u32) {
    lowering.add("InternetGateway", Resource::new("AWS::EC2::InternetGateway", json!({})));
    lowering.add(
        "InternetGatewayAttachment",
        Resource::new(
            "AWS::EC2::VPCGatewayAttachment",
            json!({ "VpcId": reference(VPC), "InternetGatewayId": reference("InternetGateway") }),
        ),
    );
    lowering.add("PublicRouteTable", Resource::new("AWS::EC2::RouteTable", json!({ "VpcId": reference(VPC) })));
    lowering.add(
        "PublicDefaultRoute",
        Resource::new(
            "AWS::EC2::Route",
            json!({
                "RouteTableId": reference("PublicRouteTable"),
                "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": reference("InternetGateway"),
            }),
        )
        .depends_on("InternetGatewayAttachment"),
    );
    lowering.record_waivers("PublicDefaultRoute", network);
    for zone in 1..=zones {
        let subnet = format!("PublicSubnet{zone}");
        lowering.add(
            &subnet,
            Resource::new(
                "AWS::EC2::Subnet",
                json!({
                    "VpcId": reference(VPC),
                    "AvailabilityZone": availability_zone(zone - 1),
                    "CidrBlock": subnet_cidr(2 * zones + zone - 1),
                    "MapPublicIpOnLaunch": false,
                }),
            ),
        );
        associate(lowering, &subnet, "PublicRouteTable");
        let eip = format!("NatAddress{zone}");
        lowering.add(
            &eip,
            Resource::new("AWS::EC2::EIP", json!({ "Domain": "vpc" })).depends_on("InternetGatewayAttachment"),
        );
        let gateway = format!("NatGateway{zone}");
        lowering.add(
            &gateway,
            Resource::new(
                "AWS::EC2::NatGateway",
                json!({ "AllocationId": get_att(&eip, "AllocationId"), "SubnetId": reference(&subnet) }),
            ),
        );
        lowering.add(
            &format!("PrivateDefaultRoute{zone}"),
            Resource::new(
                "AWS::EC2::Route",
                json!({
                    "RouteTableId": reference(&format!("PrivateRouteTable{zone}")),
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "NatGatewayId": reference(&gateway),
                }),
            ),
        );
    }
}

fn flow_logs(lowering: &mut Lowering<'_>) {
    let log_group = "FlowLogsLogGroup";
    let name = sub(format!("/medc/{}/flow-logs", lowering.name_pattern(&[])));
    lowering.log_group(log_group, name);
    let role = "FlowLogsRole";
    lowering.add(
        role,
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "Description": "Lets VPC flow logs write to their encrypted log group",
                // Only this account's flow logs may assume it (confused deputy).
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": { "Service": "vpc-flow-logs.amazonaws.com" },
                        "Condition": {
                            "StringEquals": { "aws:SourceAccount": reference("AWS::AccountId") },
                            "ArnLike": { "aws:SourceArn": sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*") },
                        },
                    }],
                },
            }),
        ),
    );
    lowering.add(
        "FlowLogsPolicy",
        Resource::new(
            "AWS::IAM::ManagedPolicy",
            json!({
                "Description": "VPC flow logs: write to the flow-log group only",
                "Roles": [reference(role)],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        "Effect": "Allow",
                        "Resource": [get_att(log_group, "Arn")],
                    }],
                },
            }),
        ),
    );
    lowering.add(
        "VpcFlowLog",
        Resource::new(
            "AWS::EC2::FlowLog",
            json!({
                "ResourceId": reference(VPC),
                "ResourceType": "VPC",
                "TrafficType": "ALL",
                "LogDestinationType": "cloud-watch-logs",
                "LogGroupName": reference(log_group),
                "DeliverLogsPermissionArn": get_att(role, "Arn"),
            }),
        )
        .depends_on("FlowLogsPolicy"),
    );
}

/// EC2 accepts only some characters in security-group descriptions.
fn ec2_description(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(*c)).collect()
}

/// An assume-role policy for one AWS service.
pub fn assume(service: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{ "Action": "sts:AssumeRole", "Effect": "Allow", "Principal": { "Service": service } }],
    })
}

/// A security group with no ingress (rules are added per client) and, unless
/// `open_egress`, no egress either.
pub fn security_group(lowering: &mut Lowering<'_>, logical_id: &str, description: &str, open_egress: bool) {
    let egress = if open_egress {
        json!([{ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0", "Description": "HTTPS to AWS services through the VPC endpoints" }])
    } else {
        // The conventional rule that matches no traffic: no egress at all.
        json!([{ "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86, "CidrIp": "255.255.255.255/32", "Description": "no outbound traffic" }])
    };
    lowering.add(
        logical_id,
        Resource::new(
            "AWS::EC2::SecurityGroup",
            json!({ "GroupDescription": ec2_description(description), "VpcId": reference(VPC), "SecurityGroupEgress": egress }),
        ),
    );
}

/// Lets `source`'s members reach `target`'s on one TCP port.
pub fn allow(lowering: &mut Lowering<'_>, target: &str, source: &str, port: u64, description: &str) {
    lowering.add(
        &format!("{target}From{source}"),
        Resource::new(
            "AWS::EC2::SecurityGroupIngress",
            json!({
                "GroupId": get_att(target, "GroupId"),
                "SourceSecurityGroupId": get_att(source, "GroupId"),
                "IpProtocol": "tcp",
                "FromPort": port,
                "ToPort": port,
                "Description": ec2_description(description),
            }),
        ),
    );
}

/// Lets `source`'s members send to `target`'s on one TCP port.
pub fn allow_egress(lowering: &mut Lowering<'_>, source: &str, target: &str, port: u64, description: &str) {
    lowering.add(
        &format!("{source}To{target}"),
        Resource::new(
            "AWS::EC2::SecurityGroupEgress",
            json!({
                "GroupId": get_att(source, "GroupId"),
                "DestinationSecurityGroupId": get_att(target, "GroupId"),
                "IpProtocol": "tcp",
                "FromPort": port,
                "ToPort": port,
                "Description": ec2_description(description),
            }),
        ),
    );
}

/// Opens one TCP port from a client's security group to a server's: the
/// server's ingress and the client's egress, each with its description.
pub fn connect(
    lowering: &mut Lowering<'_>,
    client: &str,
    server: &str,
    port: u64,
    ingress_description: &str,
    egress_description: &str,
) {
    allow(lowering, server, client, port, ingress_description);
    allow_egress(lowering, client, server, port, egress_description);
}
