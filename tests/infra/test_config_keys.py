"""Which environment a stack is, which keys it may set, and where the lists they are checked against come
from (the installed provider, botocore's service models and endpoint data): pure, no program run."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import botocore.session
import pulumi_aws
import pytest

from infra.config import (
    DOMAIN_MAX,
    DOMAIN_PATTERN,
    HOSTED_ZONE_ID_MAX,
    ConfigError,
    aws_provider_keys,
    aws_regions,
    load_config,
    provider_notes,
)
from tests.infra.test_config import VALID_PROD, as_pulumi

DEV = {"postings:imageTag": "0.1.0"}
STAGING = {
    **DEV,
    "postings:allowedAccountIds": ["222222222222"],
    "postings:domain": "jobs.staging.example.com",
    "postings:hostedZoneId": "Z0123456789ABCDEFGHIJ",
    "postings:alertEmail": "alerts@example.com",
}
BASE: dict[str, dict[str, Any]] = {"dev": DEV, "staging": STAGING, "prod": VALID_PROD}


def problems(stack: str, values: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(as_pulumi(values), stack)
    return caught.value.problems


@pytest.mark.parametrize(
    ("stack", "declared", "environment"),
    [
        ("dev", None, "dev"),
        ("dev", "dev", "dev"),
        ("staging", None, "staging"),
        ("staging", "staging", "staging"),
        ("prod", None, "prod"),
        ("prod", "prod", "prod"),
        ("acme/postings/prod", None, "prod"),
        ("acme/prod", "prod", "prod"),
        ("alice", "dev", "dev"),
        ("acme/postings/alice", "dev", "dev"),
    ],
)
def test_the_stack_name_decides_which_environment_a_stack_is(
    stack: str, declared: str | None, environment: str
) -> None:
    values = dict(BASE.get(stack.rsplit("/", 1)[-1], DEV))
    if declared is not None:
        values["postings:environment"] = declared
    assert load_config(as_pulumi(values), stack).environment == environment


@pytest.mark.parametrize(
    ("stack", "declared", "message"),
    [
        (
            "prod",
            "dev",
            "postings:environment = dev: the stack named prod is prod, and its config cannot say "
            "otherwise; delete the key (the stack name decides)",
        ),
        (
            "acme/postings/prod",
            "staging",
            "postings:environment = staging: the stack named prod is prod, and its config cannot say "
            "otherwise; delete the key (the stack name decides)",
        ),
        (
            "staging",
            "dev",
            "postings:environment = dev: the stack named staging is staging, and its config cannot say "
            "otherwise; delete the key (the stack name decides)",
        ),
        (
            "dev",
            "prod",
            "postings:environment = prod: the stack named dev is dev, and its config cannot say "
            "otherwise; delete the key (the stack name decides)",
        ),
        (
            "alice",
            "prod",
            "postings:environment = prod: only the stack named prod is prod; stack 'alice' may set dev only",
        ),
        (
            "acme/postings/bob",
            "staging",
            "postings:environment = staging: only the stack named staging is staging; "
            "stack 'bob' may set dev only",
        ),
        (
            "Prod",
            "prod",
            "postings:environment = prod: only the stack named prod is prod; stack 'Prod' may set dev only",
        ),
        (
            "carol",
            None,
            "postings:environment: stack 'carol' is not named dev, staging or prod; a personal stack says "
            "`postings:environment: dev` (staging and prod are the stacks of those names only)",
        ),
    ],
)
def test_no_config_can_change_which_environment_a_stack_is(
    stack: str, declared: str | None, message: str
) -> None:
    values = dict(BASE.get(stack.rsplit("/", 1)[-1], DEV))
    if declared is not None:
        values["postings:environment"] = declared
    assert problems(stack, values) == [message]


def test_prod_claiming_dev_keeps_every_prod_check() -> None:
    """The user-found bug: `environment: dev` in Pulumi.prod.yaml turned prod's safety off."""
    unsafe = {**VALID_PROD, "postings:environment": "dev", "postings:dbMultiAz": False}
    assert [p.split(" ", 1)[0] for p in problems("prod", unsafe)] == [
        "postings:environment",
        "postings:dbMultiAz",
    ]


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_staging_and_prod_need_https_and_someone_to_alert(stack: str) -> None:
    values = {k: v for k, v in BASE[stack].items() if k.split(":")[1] not in ("domain", "hostedZoneId")}
    values.pop("postings:alertEmail")
    assert [p.split(":", 2)[1] for p in problems(stack, values)] == ["domain", "hostedZoneId", "alertEmail"]
    assert problems(stack, {**BASE[stack], "postings:alertEmail": ""}) == [
        f"postings:alertEmail: is required for {stack}, whose alarms must reach someone: set the on-call "
        "address, e.g. oncall@example.com"
    ]


def test_dev_may_serve_http_and_alert_nobody() -> None:
    config = load_config(as_pulumi(DEV), "dev")
    assert (config.domain, config.hosted_zone_id, config.alert_email) == (None, None, None)


UNKNOWN: list[tuple[str, str]] = [
    (
        "posting:dbMultiAz",
        "posting:dbMultiAz: unknown namespace 'posting', nothing reads it; did you mean "
        "postings:dbMultiAz? (this stack reads postings:, aws: and pulumi: keys)",
    ),
    (
        "postings-dev:imageTag",
        "postings-dev:imageTag: unknown namespace 'postings-dev', nothing reads it; did you mean "
        "postings:imageTag? (this stack reads postings:, aws: and pulumi: keys)",
    ),
    (
        "acme:profile",
        "acme:profile: unknown namespace 'acme', nothing reads it; did you mean aws:profile? "
        "(this stack reads postings:, aws: and pulumi: keys)",
    ),
    (
        "aws:regoin",
        "aws:regoin: not a setting of the AWS provider (pulumi_aws/config/vars.py); did you mean aws:region?",
    ),
    ("aws:natMode", "aws:natMode: not an AWS provider setting; did you mean postings:natMode?"),
    ("postings:dbMultiAZ", "postings:dbMultiAZ: unknown key; did you mean postings:dbMultiAz?"),
    ("postings:region", "postings:region: the region is the provider's key; did you mean aws:region?"),
    ("postings:defaultTags", "postings:defaultTags: unknown key; did you mean aws:defaultTags?"),
    (
        "pulumi:autoNaming",
        "pulumi:autoNaming: not a setting of the Pulumi engine; did you mean pulumi:autonaming?",
    ),
]


@pytest.mark.parametrize(("key", "message"), UNKNOWN, ids=[k for k, _ in UNKNOWN])
def test_a_key_nothing_reads_is_refused_with_the_nearest_real_one(key: str, message: str) -> None:
    assert problems("dev", {**DEV, key: "x"}) == [message]


def test_the_providers_own_keys_pass_through_untouched_with_a_note() -> None:
    raw = {
        **DEV,
        "aws:region": "eu-west-1",
        "aws:profile": "platform",
        "aws:allowedAccountIds": '["111111111111"]',
        "aws:defaultTags": '{"tags":{"Team":"jobs"}}',
        "pulumi:disable-default-providers": '["aws"]',
    }
    config = load_config(raw, "dev")
    assert config.allowed_account_ids == []  # aws:allowedAccountIds pins only the default provider
    assert [note.split(":", 2)[1] for note in provider_notes(raw)] == [
        "allowedAccountIds",
        "defaultTags",
        "profile",
    ]
    assert provider_notes(raw)[-1] == (
        "aws:profile: configures only Pulumi's default AWS provider, which this program never uses; its own "
        "provider takes aws:region and postings:allowedAccountIds, and credentials from the environment "
        "(AWS_PROFILE, AWS_ACCESS_KEY_ID)"
    )


def test_the_aws_keys_are_the_installed_providers() -> None:
    """Read from pulumi_aws/config/vars.py: every property of its config module is one key."""
    config_module = importlib.import_module("pulumi_aws.config")
    _ = config_module.region  # reading a key loads the lazy module, whose class holds the properties
    exportable = type(sys.modules["pulumi_aws.config"])
    properties = [name for name, member in vars(exportable).items() if isinstance(member, property)]
    assert len(aws_provider_keys()) == len(properties)
    assert {"region", "profile", "allowedAccountIds", "defaultTags", "assumeRoles", "endpoints"} <= (
        aws_provider_keys()
    )


def test_regions_are_botocores_and_the_providers_alike() -> None:
    session = botocore.session.get_session()
    published = {name for p in session.get_data("endpoints")["partitions"] for name in p["regions"]}
    assert published == {region.value for region in pulumi_aws.Region}
    assert aws_regions() == published
    assert {"eu-west-1", "us-east-1", "cn-north-1", "us-gov-west-1"} <= aws_regions()


@pytest.mark.parametrize(
    ("region", "message"),
    [
        (
            "eu-west-7",
            "aws:region = eu-west-7: not an AWS region; did you mean eu-west-1, eu-west-2 or eu-west-3?",
        ),
        ("EU-WEST-1", "aws:region = EU-WEST-1: not an AWS region; did you mean eu-west-1?"),
        (
            "euwest1",
            "aws:region = euwest1: not an AWS region; did you mean eu-west-1, eu-west-3 or us-west-1?",
        ),
        ("mars-1", "aws:region = mars-1: not an AWS region (e.g. eu-west-1, us-east-1)"),
    ],
)
def test_a_region_that_does_not_exist_is_refused_never_a_key_error(region: str, message: str) -> None:
    assert problems("dev", {**DEV, "aws:region": region}) == [message]


def test_domain_and_zone_id_rules_are_acms_and_route53s() -> None:
    session = botocore.session.get_session()
    acm = session.get_service_model("acm").shape_for("DomainNameString").metadata
    assert acm["pattern"] == r"(\*\.)?" + DOMAIN_PATTERN
    assert acm["max"] == DOMAIN_MAX
    assert session.get_service_model("route53").shape_for("ResourceId").metadata["max"] == HOSTED_ZONE_ID_MAX


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("postings:domain", "jobs.example.com.", None),
        ("postings:domain", "-jobs.example.com", "expected a DNS name"),
        ("postings:domain", "jobs", "expected a DNS name"),
        ("postings:domain", "a" * 64 + ".example.com", "expected a DNS name"),
        ("postings:domain", "jobs.example.com/api", "without scheme or path"),
        ("postings:hostedZoneId", "Z" + "0" * 32, "expected a Route 53 hosted zone id"),
        ("postings:hostedZoneId", "Z0123 456", "expected a Route 53 hosted zone id"),
        ("postings:alertEmail", "oncall@example", "expected one e-mail address"),
        ("postings:alertEmail", "on call@example.com", "expected one e-mail address"),
        ("postings:alertEmail", "oncall@example.com;ops@example.com", "expected one e-mail address"),
        ("postings:imageTag", "1.1", "a bare number"),
        ("postings:imageTag", "1e5", "a bare number"),
        ("postings:imageTag", "0.1.0", None),
        ("postings:imageTag", "4f2c9b1e0d7a6c5b4a3f2e1d0c9b8a7f6e5d4c3b", None),
    ],
)
def test_names_addresses_and_tags_have_their_shape(key: str, value: str, fragment: str | None) -> None:
    values = {**STAGING, key: value}
    if fragment is None:
        assert load_config(as_pulumi(values), "staging")
    else:
        (problem,) = problems("staging", values)
        assert problem.startswith(f"{key} = {value}: "), problem
        assert fragment in problem, problem
