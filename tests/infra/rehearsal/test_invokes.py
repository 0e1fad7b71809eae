"""Data sources answered from the emulated account: a lookup that finds nothing fails the program, naming the
invoke and what it looked for, as the provider's "no matching ... found" errors do."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.rehearsal.emulation import NotFoundError
from infra.rehearsal.engine import ProgramError
from infra.rehearsal.rehearse import rehearse

REGION = "eu-west-1"


def _project(tmp_path: Path, program: str) -> Path:
    """A one-file project: the lookups run against a fresh account, as a team's program would."""
    (tmp_path / "Pulumi.yaml").write_text("name: lookups\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(f"config:\n  aws:region: {REGION}\n")
    (tmp_path / "__main__.py").write_text("import pulumi\nimport pulumi_aws as aws\n" + program)
    return tmp_path


def _not_found(tmp_path: Path, program: str) -> NotFoundError:
    with pytest.raises(ProgramError) as caught:
        rehearse(_project(tmp_path, program), "dev")
    assert isinstance(caught.value.__cause__, NotFoundError), repr(caught.value.__cause__)
    return caught.value.__cause__


def test_the_default_vpc_and_its_subnets_are_found(tmp_path: Path) -> None:
    program = (
        "vpc = aws.ec2.get_vpc(default=True)\n"
        "subnets = aws.ec2.get_subnets(filters=[{'name': 'vpc-id', 'values': [vpc.id]}])\n"
        "pulumi.export('cidr', vpc.cidr_block)\n"
        "pulumi.export('subnets', len(subnets.ids))\n"
        "pulumi.export('regions', aws.get_regions().names)\n"
    )
    with rehearse(_project(tmp_path, program), "dev") as rehearsal:
        outputs = rehearsal.result.outputs
        assert outputs["cidr"] == "172.31.0.0/16"
        assert outputs["subnets"] == 3
        assert REGION in outputs["regions"]
        assert "aws:ec2/getVpc:getVpc" in rehearsal.invokes


def test_a_vpc_lookup_that_matches_nothing(tmp_path: Path) -> None:
    error = _not_found(tmp_path, "aws.ec2.get_vpc(tags={'Name': 'shared-services'})\n")
    assert str(error).startswith(
        "aws:ec2/getVpc:getVpc: no matching EC2 VPC found (tags={'Name': 'shared-services'}) "
        f"in the emulated account ({REGION})"
    )


def test_a_policy_lookup_with_a_misspelt_name(tmp_path: Path) -> None:
    error = _not_found(tmp_path, "aws.iam.get_policy(name='AmazonECSTaskExecutionRolePolicyy')\n")
    assert str(error).startswith(
        "aws:iam/getPolicy:getPolicy: no matching IAM Policy found "
        "(name='AmazonECSTaskExecutionRolePolicyy') in the emulated account"
    )


def test_a_parameter_that_is_not_in_the_account(tmp_path: Path) -> None:
    error = _not_found(tmp_path, "aws.ssm.get_parameter(name='/shared/vpc-id')\n")
    expected = "aws:ssm/getParameter:getParameter: no matching SSM Parameter found (name='/shared/vpc-id')"
    assert expected in str(error)
    assert error.token == "aws:ssm/getParameter:getParameter"
