"""What a program reads rather than creates: another stack's outputs and existing resources."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import valid


@valid("pulumi", fully_emulated=False)
def outputs_of_another_stack_and_an_existing_role() -> None:
    network = pulumi.StackReference("acme/network/prod")
    role = aws.iam.Role.get("deployer", "deployer")
    group = aws.ec2.SecurityGroup("group", description="default VPC unless the network stack says")
    aws.ec2.SecurityGroup("peer", vpc_id=network.get_output("vpcId"), description="beside it")
    aws.ssm.Parameter("deployer", name="/postings/deployer", type="String", value=role.arn)
    pulumi.export("group", group.id)
