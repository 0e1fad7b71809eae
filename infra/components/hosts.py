"""EC2 hosts: the bastion (ops host) with IMDSv2, an encrypted root volume, SSM, and SSH only from admins."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.iam import assume_role_policy
from infra.policies.suppressions import suppress

SSM_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
AMI_NAME_PATTERN = "al2023-ami-2023.*-kernel-*-arm64"


@dataclass(frozen=True, kw_only=True)
class BastionArgs:
    public_subnet_id: pulumi.Input[str]
    """Where the bastion lives when admins SSH to it."""
    private_subnet_id: pulumi.Input[str]
    """Where it lives when it is reached through SSM only (no admin CIDRs)."""
    security_group_id: pulumi.Input[str]
    """The bastion security group."""
    instance_type: str
    """EC2 instance type (arm64: t4g and the like)."""
    ssh_reachable: bool
    """Admin CIDRs are configured: give it a public address for SSH."""
    key_name: str | None = None
    """EC2 key pair for SSH; None when only SSM or EC2 Instance Connect is used."""


class Bastion(pulumi.ComponentResource):
    """The one host operators reach the data tier through (tunnels, migrations by hand, checks)."""

    instance_id: pulumi.Output[str]
    private_ip: pulumi.Output[str]
    public_ip: pulumi.Output[str]

    def __init__(self, name: str, args: BastionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:Bastion", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-role", assume_role_policy=assume_role_policy("ec2.amazonaws.com"), opts=child
        )
        aws.iam.RolePolicyAttachment(f"{name}-ssm", role=role.name, policy_arn=SSM_POLICY, opts=child)
        profile = aws.iam.InstanceProfile(f"{name}-profile", role=role.name, opts=child)
        ami = aws.ec2.get_ami_output(
            most_recent=True,
            owners=["amazon"],
            filters=[aws.ec2.GetAmiFilterArgs(name="name", values=[AMI_NAME_PATTERN])],
            opts=pulumi.InvokeOptions(parent=self),
        )
        instance = aws.ec2.Instance(
            f"{name}-instance",
            ami=ami.id,
            instance_type=args.instance_type,
            subnet_id=args.public_subnet_id if args.ssh_reachable else args.private_subnet_id,
            associate_public_ip_address=args.ssh_reachable,
            vpc_security_group_ids=[args.security_group_id],
            iam_instance_profile=profile.name,
            key_name=args.key_name,
            monitoring=True,
            ebs_optimized=True,
            metadata_options=aws.ec2.InstanceMetadataOptionsArgs(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
            ),
            root_block_device=aws.ec2.InstanceRootBlockDeviceArgs(
                encrypted=True, volume_type="gp3", volume_size=8
            ),
            tags={
                "Name": name,
                "Role": "bastion",
                **(
                    suppress("ec2-no-public-ip", "SSH bastion: public only when postings:adminCidrs are set")
                    if args.ssh_reachable
                    else {}
                ),
            },
            # A newer AMI must not replace the host under someone's open session; roll it deliberately.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["ami"]),
        )
        self.instance_id = instance.id
        self.private_ip = instance.private_ip
        self.public_ip = instance.public_ip
        self.register_outputs(
            {"instance_id": self.instance_id, "private_ip": self.private_ip, "public_ip": self.public_ip}
        )
