"""Every type and invoke the three stacks use is emulated; what moto cannot validate is said so."""

from __future__ import annotations

import pytest

from infra.rehearsal.emulated import emulated_types
from infra.rehearsal.engine import load_project, run_program
from infra.rehearsal.recording import RecordingMocks
from infra.rehearsal.spec import Validation
from tests.infra.rehearsal.conftest import PROJECT_ROOT, Stacks

ACCOUNTS = {"dev": "111111111111", "staging": "222222222222", "prod": "333333333333"}


@pytest.mark.parametrize("stack", sorted(ACCOUNTS))
def test_stack_rehearses_with_nothing_left_unemulated(stacks: Stacks, stack: str) -> None:
    rehearsal = stacks(stack)
    # The same program under recording mocks declares exactly the same resources.
    project = load_project(PROJECT_ROOT)
    recorded = run_program(project, stack, RecordingMocks(account_id=ACCOUNTS[stack]))
    assert sorted(r.urn for r in rehearsal.result.registrations) == sorted(
        r.urn for r in recorded.registrations
    )
    custom = [r for r in rehearsal.result.registrations if r.custom]
    assert rehearsal.coverage.not_emulated == [], stack
    assert sorted(rehearsal.coverage.types) == sorted({r.type for r in custom}), stack
    assert sum(rehearsal.coverage.counts.values()) == len(custom), stack
    assert set(rehearsal.invokes) >= {
        "aws:index/getAvailabilityZones:getAvailabilityZones",
        "aws:ec2/getAmi:getAmi",
    }
    assert rehearsal.account.account_id == ACCOUNTS[stack]


def test_only_what_moto_lacks_is_emulated_without_validation() -> None:
    types = emulated_types()
    unvalidated = sorted(t for t, v in types.items() if v is Validation.UNVALIDATED)
    # Each is an API moto 5.2 does not implement (checked on its response classes); the requests are still
    # checked against the service model (Context.check) and the rule catalogue.
    assert unvalidated == [
        "aws:acm/certificateValidation:CertificateValidation",
        "aws:backup/selection:Selection",
        "aws:cloudfront/cachePolicy:CachePolicy",
        "aws:cloudwatch/compositeAlarm:CompositeAlarm",
        "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
        "aws:elasticache/parameterGroup:ParameterGroup",
        "aws:elasticache/userGroup:UserGroup",
        "aws:grafana/workspace:Workspace",
        "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount",
    ]
    local = sorted(t for t, v in types.items() if v is Validation.LOCAL)
    assert local == [
        "pulumi:providers:aws",
        "pulumi:pulumi:StackReference",
        "random:index/randomBytes:RandomBytes",
        "random:index/randomId:RandomId",
        "random:index/randomInteger:RandomInteger",
        "random:index/randomPassword:RandomPassword",
        "random:index/randomPet:RandomPet",
        "random:index/randomShuffle:RandomShuffle",
        "random:index/randomString:RandomString",
        "random:index/randomUuid4:RandomUuid4",
        "random:index/randomUuid7:RandomUuid7",
        "random:index/randomUuid:RandomUuid",
    ]


def test_outputs_carry_the_emulated_accounts_values(dev: object) -> None:
    from infra.rehearsal.rehearse import Rehearsal

    assert isinstance(dev, Rehearsal)
    outputs = dev.result.outputs
    assert outputs["ecrRepositoryUrl"] == "111111111111.dkr.ecr.eu-west-1.amazonaws.com/postings-dev"
    assert outputs["databaseEndpoint"] == "postings-dev-mysql.aaaaaaaaaa.eu-west-1.rds.amazonaws.com"
    assert outputs["databaseSecretArn"].startswith(
        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-"
    )
    assert outputs["alertsTopicArn"].startswith("arn:aws:sns:eu-west-1:111111111111:postings-dev-alerts-")
