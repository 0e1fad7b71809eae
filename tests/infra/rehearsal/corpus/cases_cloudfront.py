"""CloudFront cases: distributions, origin access controls and cache policies."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
OAC = "aws:cloudfront/originAccessControl:OriginAccessControl"
GUIDE = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide"
API = "https://docs.aws.amazon.com/cloudfront/latest/APIReference"
BUCKET_DOMAIN = "assets.s3.eu-west-1.amazonaws.com"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CERTIFICATE = "arn:aws:acm:us-east-1:000000000000:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


def _distribution(**overrides: Any) -> None:
    args: dict[str, Any] = {
        "enabled": True,
        "comment": "assets",
        "origins": [{"origin_id": "assets", "domain_name": BUCKET_DOMAIN}],
        "default_cache_behavior": {
            "target_origin_id": "assets",
            "viewer_protocol_policy": "redirect-to-https",
            "allowed_methods": ["GET", "HEAD"],
            "cached_methods": ["GET", "HEAD"],
            "cache_policy_id": CACHING_OPTIMIZED,
        },
        "restrictions": {"geo_restriction": {"restriction_type": "none"}},
        "viewer_certificate": {"cloudfront_default_certificate": True},
    }
    args.update(overrides)
    aws.cloudfront.Distribution("cdn", **args)


def _behavior(**overrides: Any) -> dict[str, Any]:
    behavior: dict[str, Any] = {
        "target_origin_id": "assets",
        "viewer_protocol_policy": "redirect-to-https",
        "allowed_methods": ["GET", "HEAD"],
        "cached_methods": ["GET", "HEAD"],
        "cache_policy_id": CACHING_OPTIMIZED,
    }
    behavior.update(overrides)
    return behavior


def _custom_certificate(**overrides: Any) -> dict[str, Any]:
    certificate = {
        "acm_certificate_arn": CERTIFICATE,
        "ssl_support_method": "sni-only",
        "minimum_protocol_version": "TLSv1.2_2021",
    }
    certificate.update(overrides)
    return certificate


@valid("cloudfront")
def cloudfront_s3_origin_with_access_control_cache_policy_and_alias() -> None:
    oac = aws.cloudfront.OriginAccessControl(
        "assets", origin_access_control_origin_type="s3", signing_behavior="always", signing_protocol="sigv4"
    )
    policy = aws.cloudfront.CachePolicy(
        "assets",
        min_ttl=1,
        default_ttl=3600,
        max_ttl=86400,
        parameters_in_cache_key_and_forwarded_to_origin={
            "cookies_config": {"cookie_behavior": "none"},
            "headers_config": {"header_behavior": "none"},
            "query_strings_config": {"query_string_behavior": "whitelist", "query_strings": {"items": ["v"]}},
            "enable_accept_encoding_gzip": True,
        },
    )
    _distribution(
        aliases=["assets.example.com"],
        origins=[{"origin_id": "assets", "domain_name": BUCKET_DOMAIN, "origin_access_control_id": oac.id}],
        default_cache_behavior=_behavior(cache_policy_id=policy.id),
        price_class="PriceClass_100",
        viewer_certificate=_custom_certificate(),
    )


@valid("cloudfront")
def cloudfront_custom_origin_with_legacy_forwarded_values() -> None:
    _distribution(
        origins=[
            {
                "origin_id": "api",
                "domain_name": "api.example.com",
                "custom_origin_config": {
                    "http_port": 80,
                    "https_port": 443,
                    "origin_protocol_policy": "https-only",
                    "origin_ssl_protocols": ["TLSv1.2"],
                },
            }
        ],
        default_cache_behavior=_behavior(
            target_origin_id="api",
            cache_policy_id=None,
            forwarded_values={"query_string": True, "cookies": {"forward": "all"}},
        ),
    )


@refused(
    "cloudfront",
    token=DISTRIBUTION,
    prop="defaultCacheBehavior.targetOriginId",
    source=f"{API}/API_DefaultCacheBehavior.html",
)
def cloudfront_default_behavior_targets_a_missing_origin() -> None:
    _distribution(default_cache_behavior=_behavior(target_origin_id="s3-assets"))


@refused(
    "cloudfront",
    token=DISTRIBUTION,
    prop="defaultCacheBehavior.cachePolicyId",
    source=f"{API}/API_DefaultCacheBehavior.html",
)
def cloudfront_behavior_without_cache_policy_or_forwarded_values() -> None:
    _distribution(default_cache_behavior=_behavior(cache_policy_id=None))


@refused(
    "cloudfront",
    token=DISTRIBUTION,
    prop="defaultCacheBehavior.viewerProtocolPolicy",
    source=f"{API}/API_DefaultCacheBehavior.html",
)
def cloudfront_viewer_protocol_policy_https() -> None:
    _distribution(default_cache_behavior=_behavior(viewer_protocol_policy="https"))


@refused("cloudfront", token=DISTRIBUTION, prop="priceClass", source=f"{API}/API_DistributionConfig.html")
def cloudfront_price_class_europe() -> None:
    _distribution(price_class="PriceClass_Europe")


def _certificate(
    opts: pulumi.ResourceOptions | None = None, region: str | None = None
) -> aws.acm.Certificate:
    return aws.acm.Certificate(
        "assets-certificate",
        domain_name="assets.example.com",
        validation_method="DNS",
        region=region,
        opts=opts,
    )


@valid("cloudfront")
def cloudfront_certificate_requested_through_a_us_east_1_provider() -> None:
    us_east_1 = aws.Provider("us-east-1", region="us-east-1")
    certificate = _certificate(pulumi.ResourceOptions(provider=us_east_1))
    acl = aws.wafv2.WebAcl(
        "edge",
        scope="CLOUDFRONT",
        default_action={"allow": {}},
        visibility_config={
            "cloudwatch_metrics_enabled": True,
            "metric_name": "edge",
            "sampled_requests_enabled": True,
        },
        opts=pulumi.ResourceOptions(provider=us_east_1),
    )
    every_method = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
    _distribution(
        aliases=["assets.example.com"],
        viewer_certificate=_custom_certificate(acm_certificate_arn=certificate.arn),
        web_acl_id=acl.arn,
        ordered_cache_behaviors=[_behavior(path_pattern="/upload/*", allowed_methods=every_method)],
    )


@valid("cloudfront")
def cloudfront_certificate_requested_with_its_own_region() -> None:
    certificate = _certificate(region="us-east-1")
    _distribution(
        aliases=["assets.example.com"],
        viewer_certificate=_custom_certificate(acm_certificate_arn=certificate.arn),
    )


@refused(
    "cloudfront",
    token=DISTRIBUTION,
    prop="viewerCertificate.acmCertificateArn",
    source=f"{GUIDE}/cnames-and-https-requirements.html",
)
def cloudfront_certificate_requested_in_the_stacks_region() -> None:
    _distribution(
        aliases=["assets.example.com"],
        viewer_certificate=_custom_certificate(acm_certificate_arn=_certificate().arn),
    )


@refused(
    "cloudfront",
    token=DISTRIBUTION,
    prop="viewerCertificate.acmCertificateArn",
    source=f"{GUIDE}/cnames-and-https-requirements.html",
)
def cloudfront_certificate_from_eu_west_1() -> None:
    _distribution(
        aliases=["assets.example.com"],
        viewer_certificate=_custom_certificate(
            acm_certificate_arn=CERTIFICATE.replace("us-east-1", "eu-west-1")
        ),
    )


@refused(
    "cloudfront",
    token=DISTRIBUTION,
    prop="viewerCertificate.minimumProtocolVersion",
    source=f"{API}/API_ViewerCertificate.html",
)
def cloudfront_minimum_protocol_tls_1_3() -> None:
    _distribution(
        aliases=["assets.example.com"],
        viewer_certificate=_custom_certificate(minimum_protocol_version="TLSv1.3"),
    )


@refused(
    "cloudfront",
    token=DISTRIBUTION,
    prop="viewerCertificate.sslSupportMethod",
    source=f"{API}/API_ViewerCertificate.html",
)
def cloudfront_custom_certificate_without_ssl_support_method() -> None:
    _distribution(
        aliases=["assets.example.com"], viewer_certificate=_custom_certificate(ssl_support_method=None)
    )


@refused("cloudfront", token=DISTRIBUTION, prop="aliases", source=f"{GUIDE}/CNAMEs.html")
def cloudfront_alias_on_the_default_certificate() -> None:
    _distribution(aliases=["assets.example.com"])


@refused("cloudfront", token=DISTRIBUTION, prop="origins", source=f"{GUIDE}/DownloadDistValuesOrigin.html")
def cloudfront_origin_domain_given_as_a_url() -> None:
    _distribution(origins=[{"origin_id": "assets", "domain_name": f"https://{BUCKET_DOMAIN}/"}])


@refused("cloudfront", token=OAC, prop="signingBehavior", source=f"{API}/API_OriginAccessControlConfig.html")
def cloudfront_origin_access_control_signing_sometimes() -> None:
    aws.cloudfront.OriginAccessControl(
        "assets",
        origin_access_control_origin_type="s3",
        signing_behavior="sometimes",
        signing_protocol="sigv4",
    )


@refused(
    "cloudfront",
    token=OAC,
    prop="originAccessControlOriginType",
    source=f"{API}/API_OriginAccessControlConfig.html",
)
def cloudfront_origin_access_control_for_an_alb() -> None:
    aws.cloudfront.OriginAccessControl(
        "api", origin_access_control_origin_type="elb", signing_behavior="always", signing_protocol="sigv4"
    )


@refused("cloudfront", token=CACHE_POLICY, prop="defaultTtl", source=f"{API}/API_CachePolicyConfig.html")
def cloudfront_cache_policy_default_ttl_above_max() -> None:
    aws.cloudfront.CachePolicy(
        "assets",
        min_ttl=0,
        default_ttl=86400,
        max_ttl=3600,
        parameters_in_cache_key_and_forwarded_to_origin={
            "cookies_config": {"cookie_behavior": "none"},
            "headers_config": {"header_behavior": "none"},
            "query_strings_config": {"query_string_behavior": "none"},
        },
    )


@refused(
    "cloudfront",
    token=CACHE_POLICY,
    prop="parametersInCacheKeyAndForwardedToOrigin",
    source=f"{API}/API_CachePolicyCookiesConfig.html",
)
def cloudfront_cache_policy_cookie_behavior_some() -> None:
    aws.cloudfront.CachePolicy(
        "assets",
        parameters_in_cache_key_and_forwarded_to_origin={
            "cookies_config": {"cookie_behavior": "some"},
            "headers_config": {"header_behavior": "none"},
            "query_strings_config": {"query_string_behavior": "none"},
        },
    )


@refused(
    "cloudfront", token=DISTRIBUTION, prop="orderedCacheBehaviors", source=f"{API}/API_CacheBehavior.html"
)
def cloudfront_ordered_behavior_targets_a_missing_origin() -> None:
    _distribution(ordered_cache_behaviors=[_behavior(path_pattern="/api/*", target_origin_id="api")])


@refused(
    "cloudfront",
    token=DISTRIBUTION,
    prop="defaultCacheBehavior.allowedMethods",
    source=f"{API}/API_AllowedMethods.html",
)
def cloudfront_allows_get_head_and_post() -> None:
    _distribution(default_cache_behavior=_behavior(allowed_methods=["GET", "HEAD", "POST"]))


@refused("cloudfront", token=DISTRIBUTION, prop="webAclId", source=f"{API}/API_DistributionConfig.html")
def cloudfront_protected_by_a_regional_web_acl() -> None:
    acl = aws.wafv2.WebAcl(
        "regional",
        scope="REGIONAL",
        default_action={"allow": {}},
        visibility_config={
            "cloudwatch_metrics_enabled": True,
            "metric_name": "regional",
            "sampled_requests_enabled": True,
        },
    )
    _distribution(web_acl_id=acl.arn)


def _legacy_ttls(min_ttl: int, default_ttl: int, max_ttl: int) -> dict[str, Any]:
    return _behavior(
        cache_policy_id=None,
        forwarded_values={"query_string": False, "cookies": {"forward": "none"}},
        min_ttl=min_ttl,
        default_ttl=default_ttl,
        max_ttl=max_ttl,
    )


@valid("cloudfront")
def cloudfront_legacy_ttls_in_order() -> None:
    _distribution(
        default_cache_behavior=_legacy_ttls(0, 3600, 86400),
        ordered_cache_behaviors=[{**_legacy_ttls(60, 60, 60), "path_pattern": "/live/*"}],
    )


@refused(
    "cloudfront", token=DISTRIBUTION, prop="defaultCacheBehavior", source=f"{API}/API_CreateDistribution.html"
)
def cloudfront_default_ttl_above_max_ttl() -> None:
    _distribution(default_cache_behavior=_legacy_ttls(0, 86400, 3600))


@refused(
    "cloudfront",
    token=DISTRIBUTION,
    prop="orderedCacheBehaviors",
    source=f"{API}/API_CreateDistribution.html",
)
def cloudfront_ordered_behavior_min_ttl_above_default() -> None:
    _distribution(ordered_cache_behaviors=[{**_legacy_ttls(600, 60, 3600), "path_pattern": "/live/*"}])


@valid("cloudfront")
def cloudfront_behaviors_targeting_an_origin_group() -> None:
    group = {
        "origin_id": "assets-failover",
        "failover_criteria": {"status_codes": [500, 502, 503, 504]},
        "members": [{"origin_id": "assets"}, {"origin_id": "assets-replica"}],
    }
    _distribution(
        origins=[
            {"origin_id": "assets", "domain_name": BUCKET_DOMAIN},
            {"origin_id": "assets-replica", "domain_name": BUCKET_DOMAIN},
        ],
        origin_groups=[group],
        default_cache_behavior=_behavior(target_origin_id="assets-failover"),
        ordered_cache_behaviors=[{**_behavior(target_origin_id="assets-failover"), "path_pattern": "/img/*"}],
    )


@valid("cloudfront")
def cloudfront_origin_path_and_root_object() -> None:
    _distribution(
        default_root_object="index.html",
        origins=[{"origin_id": "assets", "domain_name": BUCKET_DOMAIN, "origin_path": "/site/v2"}],
    )


@refused(
    "cloudfront", token=DISTRIBUTION, prop="defaultRootObject", source=f"{API}/API_DistributionConfig.html"
)
def cloudfront_root_object_with_a_leading_slash() -> None:
    _distribution(default_root_object="/index.html")


@refused("cloudfront", token=DISTRIBUTION, prop="origins", source=f"{API}/API_Origin.html")
def cloudfront_origin_path_with_a_trailing_slash() -> None:
    _distribution(origins=[{"origin_id": "assets", "domain_name": BUCKET_DOMAIN, "origin_path": "/site/"}])


@refused("cloudfront", token=DISTRIBUTION, prop="origins", source=f"{API}/API_Origin.html")
def cloudfront_origin_path_without_a_leading_slash() -> None:
    _distribution(origins=[{"origin_id": "assets", "domain_name": BUCKET_DOMAIN, "origin_path": "site"}])
