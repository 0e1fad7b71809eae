"""Bastion: IMDSv2, encrypted root volume, SSM role; public only when admins may SSH to it."""

from __future__ import annotations

from tests.infra.program import run

INSTANCE = "aws:ec2/instance:Instance"


def test_bastion_without_admin_cidrs_is_private_and_ssm_only() -> None:
    result = run("dev")
    inputs = result.one(INSTANCE, "postings-dev-bastion-instance").inputs
    assert inputs["metadataOptions"]["httpTokens"] == "required"
    assert inputs["metadataOptions"]["httpPutResponseHopLimit"] == 1
    assert inputs["rootBlockDevice"] == {"encrypted": True, "volumeType": "gp3", "volumeSize": 8}
    assert inputs["associatePublicIpAddress"] is False
    assert inputs["subnetId"] == result.one("aws:ec2/subnet:Subnet", "postings-dev-app-eu-west-1a").id
    assert inputs["instanceType"] == "t4g.nano"
    assert inputs["tags"] == {"Name": "postings-dev-bastion", "Role": "bastion"}
    ssm = result.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "postings-dev-bastion-ssm").inputs
    assert ssm["policyArn"] == "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"


def test_bastion_with_admin_cidrs_sits_in_a_public_subnet() -> None:
    result = run("dev", adminCidrs=["203.0.113.0/24"], bastionKeyName="ops")
    inputs = result.one(INSTANCE, "postings-dev-bastion-instance").inputs
    assert inputs["associatePublicIpAddress"] is True
    assert inputs["subnetId"] == result.one("aws:ec2/subnet:Subnet", "postings-dev-public-eu-west-1a").id
    assert inputs["keyName"] == "ops"
    # Intended exposure: the policy pack lists it as a suppression with this reason.
    assert inputs["tags"] == {
        "Name": "postings-dev-bastion",
        "Role": "bastion",
        "policy:suppress:ec2-no-public-ip": "SSH bastion: public only when postings:adminCidrs are set",
    }


def test_ami_is_looked_up_not_hard_coded() -> None:
    result = run("dev")
    assert result.one(INSTANCE, "postings-dev-bastion-instance").inputs["ami"].startswith("ami-")
