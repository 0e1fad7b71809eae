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


def test_what_aws_publishes_is_answered_from_its_tables(tmp_path: Path) -> None:
    """The ELB log-delivery account and hosted zones of a region, CloudFront's managed policies and an
    ARN's parts: nothing the account holds, so a fresh account answers them as AWS would."""
    program = (
        "pulumi.export('elb', aws.elb.get_service_account().arn)\n"
        "pulumi.export('alb', aws.lb.get_hosted_zone_id().id)\n"
        "pulumi.export('nlb', aws.lb.get_hosted_zone_id(load_balancer_type='network').id)\n"
        "pulumi.export('classic', aws.elb.get_hosted_zone_id(region='us-east-1').id)\n"
        "pulumi.export('cache', aws.cloudfront.get_cache_policy(name='Managed-CachingDisabled').id)\n"
        "origin = aws.cloudfront.get_origin_request_policy(id='b689b0a8-53d0-40ab-baf2-68738e2966ac')\n"
        "pulumi.export('origin', origin.name)\n"
        "headers = aws.cloudfront.get_response_headers_policy(name='Managed-SecurityHeadersPolicy')\n"
        "pulumi.export('headers', headers.id)\n"
        "parts = aws.get_arn(arn='arn:aws:ecs:eu-west-1:123456789012:service/c/s:1')\n"
        "pulumi.export('arn', [parts.service, parts.region, parts.account, parts.resource])\n"
        "pulumi.export('trail', aws.cloudtrail.get_service_account().id)\n"
        "pulumi.export('billing', aws.get_billing_service_account().id)\n"
        "pulumi.export('cf', aws.cloudfront.get_log_delivery_canonical_user_id().id[:8])\n"
        "pulumi.export('logs', aws.get_service_principal(service_name='logs').name)\n"
        "zone = aws.get_availability_zone(name='eu-west-1b')\n"
        "pulumi.export('zone', [zone.zone_id, zone.name_suffix, zone.region])\n"
    )
    with rehearse(_project(tmp_path, program), "dev") as rehearsal:
        assert rehearsal.result.outputs == {
            "elb": "arn:aws:iam::156460612806:root",
            "alb": "Z32O12XQLNTSW2",
            "nlb": "Z2IFOLAFXWLO4F",
            "classic": "Z35SXDOTRQ7X7K",
            "cache": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            "origin": "Managed-AllViewerExceptHostHeader",
            "headers": "67f7725c-6f97-4210-82d7-5512b31e9d03",
            "arn": ["ecs", REGION, "123456789012", "service/c/s:1"],
            "trail": "859597730677",
            "billing": "386209384616",
            "cf": "c4c1ede6",
            "logs": "logs.amazonaws.com",
            "zone": ["euw1-az1", "b", REGION],  # moto's mapping; AWS maps names to ids per account
        }


def test_a_managed_policy_name_without_its_prefix_is_not_found(tmp_path: Path) -> None:
    error = _not_found(tmp_path, "aws.cloudfront.get_cache_policy(name='CachingOptimized')\n")
    assert str(error).startswith(
        "aws:cloudfront/getCachePolicy: no matching managed cache policy found (name='CachingOptimized')"
    )


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("aws.elb.get_service_account(region='mx-central-1')\n", "unsupported AWS Region: mx-central-1"),
        ("aws.get_arn(arn='vpc-0123456789abcdef0')\n", "is not an ARN"),
        ("aws.get_availability_zone(name='eu-west-1z')\n", "no matching EC2 Availability Zone found"),
    ],
)
def test_what_the_provider_refuses_to_answer(tmp_path: Path, program: str, message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        rehearse(_project(tmp_path, program), "dev")


def test_a_stack_reference_reads_as_absent_and_a_get_is_echoed_with_its_id(tmp_path: Path) -> None:
    program = (
        "network = pulumi.StackReference('acme/network/prod')\n"
        "role = aws.iam.Role.get('deployer', 'deployer')\n"
        "pulumi.export('vpc', network.get_output('vpcId'))\n"
        "pulumi.export('role', [role.id, role.arn])\n"
    )
    with rehearse(_project(tmp_path, program), "dev") as rehearsal:
        assert rehearsal.result.outputs == {
            "role": ["deployer", "arn:aws:iam::123456789012:role/deployer"],
        }
        assert rehearsal.coverage.types["aws:iam/role:Role"] == "not emulated"
        assert rehearsal.result.registrations == []  # reads declare nothing


def test_a_required_output_of_another_stack_fails_naming_it(tmp_path: Path) -> None:
    program = "pulumi.StackReference('acme/network/prod').require_output('vpcId')\n"
    with pytest.raises(ProgramError, match="vpcId"):
        rehearse(_project(tmp_path, program), "dev")


def test_an_invoke_through_an_explicit_provider_reads_that_providers_region(tmp_path: Path) -> None:
    program = (
        "use1 = aws.Provider('use1', region='us-east-1')\n"
        "through = pulumi.InvokeOptions(provider=use1)\n"
        "zones = aws.get_availability_zones(state='available', opts=through)\n"
        "vpc = aws.ec2.Vpc('vpc', cidr_block='10.1.0.0/16', opts=pulumi.ResourceOptions(provider=use1))\n"
        "aws.ec2.Subnet('a', vpc_id=vpc.id, cidr_block='10.1.1.0/24', availability_zone=zones.names[0],\n"
        "               opts=pulumi.ResourceOptions(provider=use1))\n"
        "pulumi.export('zone', zones.names[0])\n"
        "regions = [aws.get_region(opts=through), aws.get_region(region='eu-west-2')]\n"
        "pulumi.export('regions', [r.region for r in regions])\n"
    )
    with rehearse(_project(tmp_path, program), "dev") as rehearsal:
        assert rehearsal.result.outputs == {"zone": "us-east-1a", "regions": ["us-east-1", "eu-west-2"]}


def test_lookups_that_programs_make_beside_their_resources(tmp_path: Path) -> None:
    """A registry login, an AWS managed key, an engine version and class, an endpoint service, a prefix
    list, images, the account's groups and route tables, instance type offerings and a session's role:
    each answered from the account (or RDS's catalogue), as the provider's data sources read them."""
    program = (
        "token = aws.ecr.get_authorization_token()\n"
        "pulumi.export('registry', [token.user_name, token.proxy_endpoint.startswith('https://')])\n"
        "pulumi.export('key', aws.kms.get_key(key_id='alias/aws/s3').key_manager)\n"
        "version = aws.rds.get_engine_version(engine='mysql', preferred_versions=['8.0.99', '8.0.44'])\n"
        "pulumi.export('mysql', [version.version, version.parameter_group_family])\n"
        "pulumi.export('class', aws.rds.get_orderable_db_instance(engine='mysql', engine_version='8.0.44',\n"
        "    preferred_instance_classes=['db.t4g.nano', 'db.t4g.micro']).instance_class)\n"
        "s3 = aws.ec2.get_vpc_endpoint_service(service='s3', service_type='Gateway')\n"
        "pulumi.export('endpoint', [s3.service_name, s3.service_type])\n"
        "listed = aws.ec2.get_managed_prefix_list(name='com.amazonaws.eu-west-1.s3')\n"
        "pulumi.export('prefixes', [listed.name, len(listed.entries) > 0])\n"
        "named = [{'name': 'name', 'values': ['al2023-ami-*']}]\n"
        "images = aws.ec2.get_ami_ids(owners=['amazon'], filters=named)\n"
        "pulumi.export('images', len(images.ids) > 1)\n"
        "pulumi.export('groups', len(aws.ec2.get_security_groups().ids))\n"
        "pulumi.export('tables', len(aws.ec2.get_route_tables().ids))\n"
        "offered = aws.ec2.get_instance_type_offerings(\n"
        "    filters=[{'name': 'instance-type', 'values': ['t4g.micro']}]).instance_types\n"
        "pulumi.export('offered', offered)\n"
        "session = aws.iam.get_session_context(arn='arn:aws:sts::123456789012:assumed-role/deployer/ci')\n"
        "pulumi.export('issuer', [session.issuer_arn, session.session_name])\n"
    )
    with rehearse(_project(tmp_path, program), "dev") as rehearsal:
        assert rehearsal.result.outputs == {
            "registry": ["AWS", True],
            "key": "AWS",
            "mysql": ["8.0.44", "mysql8.0"],
            "class": "db.t4g.micro",
            "endpoint": ["com.amazonaws.eu-west-1.s3", "Gateway"],
            "prefixes": ["com.amazonaws.eu-west-1.s3", True],
            "images": True,
            "groups": 1,  # the default VPC's default group
            "tables": 1,
            "offered": ["t4g.micro"],
            "issuer": ["arn:aws:iam::123456789012:role/deployer", "ci"],
        }


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("aws.lb.get_load_balancer(name='shared')\n", "no matching ELBv2 Load Balancer found"),
        ("aws.iam.get_instance_profile(name='bastion')\n", "no matching IAM Instance Profile found"),
        ("aws.kms.get_key(key_id='alias/shared')\n", "no matching KMS Key found"),
        (
            "aws.rds.get_engine_version(engine='mysql', version='9.9')\n",
            "no matching RDS engine version found",
        ),
        (
            "aws.rds.get_engine_version(engine='postgres')\n",
            "knows RDS's versions and classes for mysql only",
        ),
    ],
)
def test_lookups_of_what_the_account_does_not_hold(tmp_path: Path, program: str, message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        rehearse(_project(tmp_path, program), "dev")
