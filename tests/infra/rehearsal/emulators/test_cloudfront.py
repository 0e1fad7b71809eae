"""CloudFront emulators: the distribution holds its origins, behaviour and certificate; the OAC exists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.corpus.cases_cloudfront import BUCKET_DOMAIN, CERTIFICATE
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def cdn() -> Iterator[Rehearsal]:
    with rehearse_case("cloudfront_s3_origin_with_access_control_cache_policy_and_alias") as rehearsed:
        yield rehearsed


def _cloudfront(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("cloudfront", region_name=rehearsal.account.region)


def test_distribution_holds_its_origin_behaviour_and_certificate(cdn: Rehearsal) -> None:
    distribution = cdn.result.one("aws:cloudfront/distribution:Distribution", "cdn")
    policy = cdn.result.one("aws:cloudfront/cachePolicy:CachePolicy", "assets")
    config = _cloudfront(cdn).get_distribution_config(Id=distribution.id)["DistributionConfig"]
    origins = config["Origins"]["Items"]
    # moto drops an origin's OriginAccessControlId: only the origin itself can be read back.
    assert [(o["Id"], o["DomainName"]) for o in origins] == [("assets", BUCKET_DOMAIN)], distribution.urn
    behavior = config["DefaultCacheBehavior"]
    assert (behavior["TargetOriginId"], behavior["ViewerProtocolPolicy"], behavior.get("CachePolicyId")) == (
        "assets",
        "redirect-to-https",
        policy.id,
    ), distribution.urn
    assert config["Aliases"]["Items"] == ["assets.example.com"], distribution.urn
    assert config["ViewerCertificate"]["ACMCertificateArn"] == CERTIFICATE, distribution.urn
    assert config["PriceClass"] == "PriceClass_100", distribution.urn
    assert distribution.state["domainName"].endswith(".cloudfront.net"), distribution.urn
    arn = distribution.state["arn"]
    assert spec_of(distribution.type).arn_pattern().fullmatch(arn), arn


def test_origin_access_control_signs_s3_requests(cdn: Rehearsal) -> None:
    oac = cdn.result.one("aws:cloudfront/originAccessControl:OriginAccessControl", "assets")
    config = _cloudfront(cdn).get_origin_access_control(Id=oac.id)["OriginAccessControl"][
        "OriginAccessControlConfig"
    ]
    assert (
        config["OriginAccessControlOriginType"],
        config["SigningBehavior"],
        config["SigningProtocol"],
    ) == (
        "s3",
        "always",
        "sigv4",
    ), oac.urn
    assert spec_of(oac.type).arn_pattern().fullmatch(oac.state["arn"]), oac.state["arn"]


def test_cache_policy_is_computed_without_moto(cdn: Rehearsal) -> None:
    policy = cdn.result.one("aws:cloudfront/cachePolicy:CachePolicy", "assets")
    assert spec_of(policy.type).arn_pattern().fullmatch(policy.state["arn"]), policy.state["arn"]
    assert policy.state["name"].startswith("assets-"), policy.urn
