"""Real mistakes the emulated account refuses offline, reported with the URN, the property and AWS's words."""

from __future__ import annotations

import pytest

from infra.cli import main
from infra.exit_codes import Exit
from infra.rehearsal.emulated import InvokeNotEmulatedError
from infra.rehearsal.engine import DuplicateUrnError, ProgramError
from infra.rehearsal.rehearse import RehearsalFailed, rehearse
from tests.infra.rehearsal.conftest import FIXTURES

MISTAKES = FIXTURES / "mistakes"
STACK_URN = "urn:pulumi:{stack}::mistakes::pulumi:pulumi:Stack$"


def _refusal(stack: str) -> RehearsalFailed:
    with pytest.raises(RehearsalFailed) as caught:
        rehearse(MISTAKES, stack)
    return caught.value


def test_the_correct_network_rehearses_cleanly() -> None:
    with rehearse(MISTAKES, "none") as rehearsal:
        groups = rehearsal.session.client("rds").describe_db_subnet_groups()["DBSubnetGroups"]
        assert [len(g["Subnets"]) for g in groups] == [2]
        assert rehearsal.coverage.not_emulated == []


def test_subnet_outside_its_vpc_cidr() -> None:
    error = _refusal("subnet-outside-vpc").error
    assert error.urn == STACK_URN.format(stack="subnet-outside-vpc") + "aws:ec2/subnet:Subnet::stray"
    assert (error.prop, error.code) == ("cidrBlock", "InvalidSubnet.Range")
    assert error.aws_message == "The CIDR '10.1.0.0/24' is invalid."


def test_rule_referencing_a_group_in_another_vpc() -> None:
    error = _refusal("rule-from-other-vpc").error
    token = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
    assert error.urn == STACK_URN.format(stack="rule-from-other-vpc") + f"{token}::from-foreign"
    assert (error.prop, error.code) == ("referencedSecurityGroupId", "InvalidGroup.NotFound")
    assert error.aws_message.startswith("You have specified two resources that belong to different networks")


def test_database_subnet_group_in_a_single_az() -> None:
    error = _refusal("single-az-db-subnets").error
    assert error.urn == STACK_URN.format(stack="single-az-db-subnets") + "aws:rds/subnetGroup:SubnetGroup::db"
    assert (error.prop, error.code) == ("subnetIds", "DBSubnetGroupDoesNotCoverEnoughAZs")
    assert "Current AZ coverage: eu-west-1a. Add subnets to cover at least 2 AZs." in error.aws_message


def test_duplicate_physical_name() -> None:
    failed = _refusal("duplicate-physical-name")
    error = failed.error
    assert (
        error.urn
        == STACK_URN.format(stack="duplicate-physical-name") + "aws:ecr/repository:Repository::images-again"
    )
    assert (error.prop, error.code) == ("name", "RepositoryAlreadyExistsException")
    assert error.urn in str(failed)
    assert "'name'" in str(failed)


def test_duplicate_logical_name() -> None:
    with pytest.raises(ProgramError) as caught:
        rehearse(MISTAKES, "duplicate-logical-name")
    cause = caught.value.__cause__
    assert isinstance(cause, DuplicateUrnError)
    assert (
        cause.urn
        == STACK_URN.format(stack="duplicate-logical-name") + "aws:ec2/securityGroup:SecurityGroup::app"
    )


def test_provider_pinned_to_another_account() -> None:
    error = _refusal("provider-pinned-elsewhere").error
    assert error.urn == STACK_URN.format(stack="provider-pinned-elsewhere") + "pulumi:providers:aws::pinned"
    assert (error.prop, error.code) == ("allowedAccountIds", "AccountNotAllowed")
    assert error.aws_message == "AWS account ID not allowed: 999999999999 (allowed: ['000000000000'])"


def test_an_invoke_without_an_answer_stops_the_run() -> None:
    with pytest.raises(ProgramError) as caught:
        rehearse(MISTAKES, "unknown-invoke")
    cause = caught.value.__cause__
    assert isinstance(cause, InvokeNotEmulatedError)
    assert "aws:index/getIpRanges:getIpRanges is not emulated" in str(cause)


def test_the_cli_reports_a_refusal_and_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rehearse", "subnet-outside-vpc", "--project", str(MISTAKES)]) == Exit.REFUSED
    first, err = capsys.readouterr().err.split("\n", 1)
    assert first == "subnet-outside-vpc: refused by the emulated AWS account: FAILED"
    assert err.startswith("infra: mistakes (subnet-outside-vpc) refused by the emulated account: ")
    assert "property 'cidrBlock' refused by AWS (InvalidSubnet.Range)" in err
