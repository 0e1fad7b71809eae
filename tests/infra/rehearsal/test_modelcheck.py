"""The model check of types without an emulator: the call it reads, what it matches, what it leaves alone."""

from __future__ import annotations

import functools

import pytest

from infra.rehearsal import modelcheck
from infra.rehearsal.constraints import _compiled
from infra.rehearsal.documented import Example, examples
from infra.rehearsal.spec import all_specs

# Every finding in pulumi-aws's documented examples is a placeholder or a typo AWS refuses as written:
# (type, blamed property) -> what the example holds.
DOCUMENTED_MISTAKES = {
    ("aws:amp/scraper:Scraper", "role_configuration.target_role_arn"): "ACCOUNT-ID in place of an account",
    (
        "aws:appstream/directoryConfig:DirectoryConfig",
        "certificate_based_auth_properties.certificate_authority_arn",
    ): ("'ARN OF CERTIFICATE AUTHORITY'"),
    ("aws:appstream/stack:Stack", "name"): "'stack name', with a space",
    ("aws:cloudwatch/eventConnection:EventConnection", "auth_parameters"): "an 11-digit account id",
    ("aws:imagebuilder/distributionConfiguration:DistributionConfiguration", "distributions"): (
        "a launch template id one character short"
    ),
    ("aws:kendra/dataSource:DataSource", "configuration"): "'REPLACE_WITH_YOUR_URL'",
    ("aws:lex/intent:Intent", "slots"): "'$$LATEST', the converter's escape of $LATEST",
    ("aws:lightsail/distribution:Distribution", "cache_behavior_settings"): "header option 'default'",
    (
        "aws:odb/cloudAutonomousVmCluster:CloudAutonomousVmCluster",
        "cloud_exadata_infrastructure_id",
    ): "'<...>'",
    ("aws:odb/cloudVmCluster:CloudVmCluster", "cloud_exadata_infrastructure_id"): "'<...>'",
    ("aws:securitylake/subscriber:Subscriber", "subscriber_identity"): "a 10-digit account id",
    ("aws:sesv2/emailIdentity:EmailIdentity", "dkim_signing_attributes"): "a key cut short with '...'",
    ("aws:ssoadmin/applicationAccessScope:ApplicationAccessScope", "authorized_targets"): "ids too short",
    ("aws:synthetics/canary:Canary", "execution_role_arn"): "'some-role', not an ARN",
    ("aws:timestreaminfluxdb/dbCluster:DbCluster", "password"): "'example-password', with a hyphen",
    ("aws:timestreaminfluxdb/dbInstance:DbInstance", "password"): "'example-password', with a hyphen",
    ("aws:transfer/connector:Connector", "as2_config"): "'AWS128_CBC' for AES128_CBC",
    ("aws:vpclattice/resourceConfiguration:ResourceConfiguration", "name"): "'Example', in capitals",
    ("aws:vpclattice/resourceGateway:ResourceGateway", "name"): "'Example', in capitals",
}


@functools.cache
def documented() -> tuple[list[Example], list[tuple[Example, modelcheck.Finding]]]:
    specs = all_specs()
    checked = [e for e in examples() if e.token not in specs and modelcheck.create_operation(e.token)]
    return checked, [(e, f) for e in checked if (f := modelcheck.check(e.token, e.inputs)) is not None]


def _known(example: Example, finding: modelcheck.Finding) -> bool:
    return any(
        example.token == token and (finding.prop == prop or finding.prop.startswith((f"{prop}.", f"{prop}[")))
        for token, prop in DOCUMENTED_MISTAKES
    )


def test_pulumi_aws_documented_examples_are_accepted_but_for_their_placeholders() -> None:
    checked, findings = documented()
    assert len(checked) >= 3_500, f"{len(checked)} documented resources checked"
    assert len({e.token for e in checked}) >= 800
    unexpected = [(e.where, f.prop, f.message) for e, f in findings if not _known(e, f)]
    assert unexpected == []
    stale = sorted(
        k for k in DOCUMENTED_MISTAKES if not any(_known(e, f) for e, f in findings if e.token == k[0])
    )
    assert stale == [], "listed mistakes the examples no longer hold"


@pytest.mark.parametrize(
    ("token", "service", "operation"),
    [
        ("aws:eks/cluster:Cluster", "eks", "CreateCluster"),
        ("aws:eks/nodeGroup:NodeGroup", "eks", "CreateNodegroup"),
        ("aws:cognito/userPool:UserPool", "cognito-idp", "CreateUserPool"),
        ("aws:cognito/identityPool:IdentityPool", "cognito-identity", "CreateIdentityPool"),
        ("aws:msk/cluster:Cluster", "kafka", "CreateCluster"),
        ("aws:rds/proxy:Proxy", "rds", "CreateDBProxy"),
        ("aws:cfg/rule:Rule", "config", "PutConfigRule"),
        ("aws:verifiedaccess/endpoint:Endpoint", "ec2", "CreateVerifiedAccessEndpoint"),
        (
            "aws:opensearch/serverlessCollection:ServerlessCollection",
            "opensearchserverless",
            "CreateCollection",
        ),
        ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "firehose", "CreateDeliveryStream"),
        ("aws:lex/v2modelsBot:V2modelsBot", "lexv2-models", "CreateBot"),
        ("aws:cloudwatch/eventArchive:EventArchive", "events", "CreateArchive"),
        ("aws:cloudwatch/logDestination:LogDestination", "logs", "PutDestination"),
        ("aws:route53/resolverEndpoint:ResolverEndpoint", "route53resolver", "CreateResolverEndpoint"),
        ("aws:s3/accessPoint:AccessPoint", "s3control", "CreateAccessPoint"),
    ],
)
def test_the_create_call_of_a_type(token: str, service: str, operation: str) -> None:
    found = modelcheck.create_operation(token)
    assert found is not None, token
    assert (found.service_model.service_name, found.name) == (service, operation)


def test_a_type_without_a_create_call_is_not_checked() -> None:
    assert modelcheck.create_operation("aws:ec2/encryptionControl:EncryptionControl") is None
    assert modelcheck.check("aws:ec2/encryptionControl:EncryptionControl", {"vpcId": "x" * 5000}) is None


def test_a_refusal_names_the_property_the_constraint_and_the_model() -> None:
    found = modelcheck.check("aws:eks/cluster:Cluster", {"name": "orders cluster", "roleArn": "arn"})
    assert found is not None
    assert found.prop == "name"
    assert (
        found.message
        == "name must be matching the pattern ^[0-9A-Za-z][A-Za-z0-9\\-_]*; got 'orders cluster'"
    )
    assert found.source.startswith(
        "AWS service model eks 2017-11-01, CreateCluster (a type without an emulator"
    )


def test_a_flattened_block_is_found_inside_the_structure_that_holds_it() -> None:
    found = modelcheck.check("aws:cognito/userPool:UserPool", {"passwordPolicy": {"minimumLength": 4.0}})
    assert found is not None
    assert (found.prop, found.message) == (
        "passwordPolicy.minimumLength",
        "Policies.PasswordPolicy.MinimumLength must be at least 6; got 4.0",
    )
    assert (
        modelcheck.check("aws:cognito/userPool:UserPool", {"passwordPolicy": {"minimumLength": 6.0}}) is None
    )


def test_a_name_is_matched_through_the_last_words_of_the_type() -> None:
    found = modelcheck.check(
        "aws:cognito/userPoolClient:UserPoolClient", {"name": "web/app", "userPoolId": "p"}
    )
    assert found is not None
    assert found.prop == "name"
    assert found.message.startswith("ClientName must be matching the pattern")


def test_enum_values_compare_without_case_and_a_wrong_one_lists_the_allowed() -> None:
    token = "aws:eks/nodeGroup:NodeGroup"
    assert modelcheck.check(token, {"capacityType": "spot"}) is None
    found = modelcheck.check(token, {"capacityType": "PREEMPTIBLE"})
    assert found is not None
    assert found.message == "capacityType must be one of: ON_DEMAND, SPOT, CAPACITY_BLOCK; got 'PREEMPTIBLE'"


def test_values_of_another_shape_than_the_member_are_left_alone() -> None:
    token = "aws:eks/nodeGroup:NodeGroup"
    # A bool where the model wants a number, a map where it wants a structure's list: the provider converts.
    assert modelcheck.check(token, {"scalingConfig": {"maxSize": True}}) is None
    assert modelcheck.check(token, {"subnets": {"a": "b"}, "tags": {"k": "v"}}) is None
    assert modelcheck.check(token, {"scalingConfig": {"maxSize": 0.0}}) is not None


def test_values_an_echoed_resource_returned_are_left_alone() -> None:
    token = "aws:synthetics/canary:Canary"
    made_up = "arn:aws:iam:eu-west-1:123456789012:made-up/role-1234567"
    assert modelcheck.check(token, {"executionRoleArn": made_up}) is not None
    assert modelcheck.check(token, {"executionRoleArn": made_up}, frozenset({made_up})) is None


@pytest.mark.parametrize(
    ("token", "inputs"),
    [
        (
            "aws:cognito/userPoolDomain:UserPoolDomain",
            {"domain": "auth.example.com", "userPoolId": "eu-west-1_AbCdEf123"},
        ),
        ("aws:s3/bucketAcl:BucketAcl", {"bucket": "logs", "acl": "log-delivery-write"}),
        ("aws:glue/connection:Connection", {"name": "warehouse", "connectionType": "SNOWFLAKE"}),
    ],
)
def test_what_aws_accepts_beyond_its_model_is_not_refused(token: str, inputs: dict[str, str]) -> None:
    assert modelcheck.check(token, inputs) is None


def test_a_pattern_written_as_a_javascript_literal_is_read() -> None:
    compiled = _compiled("/^(?=.*[a-z])(?=.*\\d)[a-z\\d]{8,64}$/")
    assert compiled is not None
    assert compiled.fullmatch("abcdefg1")
    assert not compiled.fullmatch("abcdefgh")
