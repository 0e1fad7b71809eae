"""Pieces many corpus cases need: a VPC with subnets in two zones, a role a service can assume."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi_aws as aws

REGION = "eu-west-1"
ZONES = ("eu-west-1a", "eu-west-1b")


@dataclass(frozen=True)
class Net:
    vpc: aws.ec2.Vpc
    subnets: tuple[aws.ec2.Subnet, aws.ec2.Subnet]
    group: aws.ec2.SecurityGroup


def network(prefix: str = "net", cidr: str = "10.0.0.0/16") -> Net:
    """A VPC, one /24 subnet in each of two zones and a security group."""
    vpc = aws.ec2.Vpc(f"{prefix}-vpc", cidr_block=cidr)
    base = cidr.split(".")
    subnets = tuple(
        aws.ec2.Subnet(
            f"{prefix}-subnet-{index}",
            vpc_id=vpc.id,
            cidr_block=f"{base[0]}.{base[1]}.{index}.0/24",
            availability_zone=zone,
        )
        for index, zone in enumerate(ZONES)
    )
    group = aws.ec2.SecurityGroup(f"{prefix}-sg", vpc_id=vpc.id, description="corpus")
    return Net(vpc=vpc, subnets=(subnets[0], subnets[1]), group=group)


def role(name: str, service: str) -> aws.iam.Role:
    """A role `service` (e.g. lambda.amazonaws.com) may assume."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }
    return aws.iam.Role(name, assume_role_policy=json.dumps(policy))
