"""Invokes whose answer AWS publishes rather than keeps in an account: the Elastic Load Balancing and
CloudTrail accounts and the load balancer hosted zones of each region, CloudFront's log-delivery user
and managed policies. Answered from the same
tables the provider (or AWS's own CDK) holds, so a program that reads them is rehearsed, not refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import Context, NotFoundError, answers

ELB_SOURCE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html"

# The account that writes a region's load balancer access logs, for the log bucket's policy. From the
# provider's accountIDPerRegionMap (internal/service/elb/service_account_data_source.go), as AWS lists
# them (ELB_SOURCE). Regions opened since August 2022 have none: their buckets grant the
# logdelivery.elasticloadbalancing.amazonaws.com service principal, and the provider refuses them.
ELB_LOG_ACCOUNTS = {
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-gov-east-1": "190560391635",
    "us-gov-west-1": "048591011584",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
}

# The account CloudTrail delivers a region's logs as, for the trail bucket's policy: the provider's
# serviceAccountPerRegionMap (internal/service/cloudtrail/service_account_data_source.go, from
# https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-supported-regions.html).
CLOUDTRAIL_ACCOUNTS = {
    "af-south-1": "525921808201",
    "ap-east-1": "119688915426",
    "ap-northeast-1": "216624486486",
    "ap-northeast-2": "492519147666",
    "ap-northeast-3": "765225791966",
    "ap-south-1": "977081816279",
    "ap-south-2": "582488909970",
    "ap-southeast-1": "903692715234",
    "ap-southeast-2": "284668455005",
    "ap-southeast-3": "069019280451",
    "ap-southeast-4": "187074758985",
    "ca-central-1": "819402241893",
    "cn-north-1": "193415116832",
    "cn-northwest-1": "681348832753",
    "eu-central-1": "035351147821",
    "eu-central-2": "453052556044",
    "eu-north-1": "829690693026",
    "eu-south-1": "669305197877",
    "eu-south-2": "757211635381",
    "eu-west-1": "859597730677",
    "eu-west-2": "282025262664",
    "eu-west-3": "262312530599",
    "il-central-1": "683224464357",
    "me-central-1": "585772288577",
    "me-south-1": "034638983726",
    "sa-east-1": "814480443879",
    "us-east-1": "086441151436",
    "us-east-2": "475085895292",
    "us-gov-east-1": "608710470296",
    "us-gov-west-1": "608710470296",
    "us-west-1": "388731089494",
    "us-west-2": "113285607260",
}

# Route 53 hosted zone of each region's load balancers, for alias records: the provider's
# HostedZoneIdPerRegionALBMap and HostedZoneIdPerRegionNLBMap
# (internal/service/elbv2/hosted_zone_id_data_source.go, from
# https://docs.aws.amazon.com/general/latest/gr/elb.html); Classic Load Balancers share the ALB zones
# (internal/service/elb/hosted_zone_id_data_source.go).
_ZONES = {
    # region: (application and classic, network)
    "af-south-1": ("Z268VQBMOI5EKX", "Z203XCE67M25HM"),
    "ap-east-1": ("Z3DQVH9N71FHZ0", "Z12Y7K3UBGUAD1"),
    "ap-northeast-1": ("Z14GRHDCWA56QT", "Z31USIVHYNEOWT"),
    "ap-northeast-2": ("ZWKZPGTI48KDX", "ZIBE1TIR4HY56"),
    "ap-northeast-3": ("Z5LXEXXYW11ES", "Z1GWIQ4HH19I5X"),
    "ap-south-1": ("ZP97RAFLXTNZK", "ZVDDRBQ08TROA"),
    "ap-south-2": ("Z0173938T07WNTVAEPZN", "Z0711778386UTO08407HT"),
    "ap-southeast-1": ("Z1LMS91P8CMLE5", "ZKVM4W9LS7TM"),
    "ap-southeast-2": ("Z1GM3OXH4ZPM65", "ZCT6FZBF4DROD"),
    "ap-southeast-3": ("Z08888821HLRG5A9ZRTER", "Z01971771FYVNCOVWJU1G"),
    "ca-central-1": ("ZQSVJUPU6J1EY", "Z2EPGBW3API2WT"),
    "cn-north-1": ("Z1GDH35T77C1KE", "Z3QFB96KMJ7ED6"),
    "cn-northwest-1": ("ZM7IZAIOVVDZF", "ZQEIKTCZ8352D"),
    "eu-central-1": ("Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90"),
    "eu-central-2": ("Z06391101F2ZOEP8P5EB3", "Z02239872DOALSIDCX66S"),
    "eu-north-1": ("Z23TAZ6LKFMNIO", "Z1UDT6IFJ4EJM"),
    "eu-south-1": ("Z3ULH7SSC9OV64", "Z23146JA1KNAFP"),
    "eu-south-2": ("Z0956581394HF5D5LXGAP", "Z1011216NVTVYADP1SSV"),
    "eu-west-1": ("Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"),
    "eu-west-2": ("ZHURV8PSTC4K8", "ZD4D7Y8KGAS4G"),
    "eu-west-3": ("Z3Q77PNBQS71R4", "Z1CMS0P5QUZ6D5"),
    "me-central-1": ("Z08230872XQRWHG2XF6I", "Z00282643NTTLPANJJG2P"),
    "me-south-1": ("ZS929ML54UICD", "Z3QSRYVP46NYYV"),
    "sa-east-1": ("Z2P70J7HTTTPLU", "ZTK26PT1VY4CU"),
    "us-east-1": ("Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"),
    "us-east-2": ("Z3AADJGX6KTTL2", "ZLMOA37VPKANP"),
    "us-gov-east-1": ("Z166TLBEWOO7G0", "Z1ZSMQQ6Q24QQ8"),
    "us-gov-west-1": ("Z33AYJ8TM3BH4J", "ZMG1MZ2THAWF1"),
    "us-west-1": ("Z368ELLRRE2KJ0", "Z24FKFUX50B4VW"),
    "us-west-2": ("Z1H1FL5HABSF5", "Z18D5FSROUN65G"),
}

# CloudFront's managed policies, by the name the API lists them under ("Managed-" and the name the
# guide uses), with the ids of
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html,
# .../using-managed-origin-request-policies.html and .../using-managed-response-headers-policies.html,
# as AWS's CDK holds them (aws-cdk-lib/aws-cloudfront/lib/cache-policy.ts, origin-request-policy.ts,
# response-headers-policy.ts).
MANAGED_CACHE_POLICIES = {
    "Managed-Amplify": "2e54312d-136d-493c-8eb9-b001f22f67d2",
    "Managed-CachingDisabled": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    "Managed-CachingOptimized": "658327ea-f89d-4fab-a63d-7e88639e58f6",
    "Managed-CachingOptimizedForUncompressedObjects": "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
    "Managed-Elemental-MediaPackage": "08627262-05a9-4f76-9ded-b50ca2e3a84f",
    "Managed-UseOriginCacheControlHeaders": "83da9c7e-98b4-4e11-a168-04f0df8e2c65",
    "Managed-UseOriginCacheControlHeaders-QueryStrings": "4cc15a8a-d715-48a4-82b8-cc0b614638fe",
}
MANAGED_ORIGIN_REQUEST_POLICIES = {
    "Managed-AllViewer": "216adef6-5c7f-47e4-b989-5492eafa07d3",
    "Managed-AllViewerAndCloudFrontHeaders-2022-06": "33f36d7e-f396-46d9-90e0-52428a34d9dc",
    "Managed-AllViewerExceptHostHeader": "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    "Managed-CORS-CustomOrigin": "59781a5b-3903-41f3-afcb-af62929ccde1",
    "Managed-CORS-S3Origin": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
    "Managed-Elemental-MediaTailor-PersonalizedManifests": "775133bc-15f2-49f9-abea-afb2e0bf67d2",
    "Managed-UserAgentRefererHeaders": "acba4595-bd28-49b8-b9fe-13317c0390fa",
}
MANAGED_RESPONSE_HEADERS_POLICIES = {
    "Managed-CORS-and-SecurityHeadersPolicy": "e61eb60c-9c35-4d20-a928-2b84e02af89c",
    "Managed-CORS-With-Preflight": "5cc3b908-e619-4b99-88e5-2cf7f45965bd",
    "Managed-CORS-with-preflight-and-SecurityHeadersPolicy": "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
    "Managed-SecurityHeadersPolicy": "67f7725c-6f97-4210-82d7-5512b31e9d03",
    "Managed-SimpleCORS": "60669652-455b-4ae9-85a4-c4c02393f86c",
}


def _in_table(token: str, table: Mapping[str, Any], region: str) -> Any:
    """A region's entry, or the provider's own refusal for a region it has none for."""
    if region not in table:
        raise LookupError(f"{token}: unsupported AWS Region: {region}")
    return table[region]


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


def _service_account(
    token: str, table: Mapping[str, str], args: Mapping[str, Any], ctx: Context
) -> dict[str, Any]:
    region = str(args.get("region") or ctx.region)
    account = _in_table(token, table, region)
    return {"id": account, "arn": f"arn:{_partition(region)}:iam::{account}:root", "region": region}


@answers("aws:elb/getServiceAccount:getServiceAccount")
def elb_service_account(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    return _service_account("aws:elb/getServiceAccount", ELB_LOG_ACCOUNTS, args, ctx)


@answers("aws:cloudtrail/getServiceAccount:getServiceAccount")
def cloudtrail_service_account(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    return _service_account("aws:cloudtrail/getServiceAccount", CLOUDTRAIL_ACCOUNTS, args, ctx)


@answers("aws:cloudfront/getLogDeliveryCanonicalUserId:getLogDeliveryCanonicalUserId")
def cloudfront_log_delivery_user(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical user CloudFront writes standard logs as, to grant on the log bucket's ACL
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html; the provider's
    log_delivery_canonical_user_id_data_source.go): one for China's partition, one elsewhere."""
    region = str(args.get("region") or ctx.region)
    china = "a52cb28745c0c06e84ec548334e44bfa7fc2a85c54af20cd59e4969344b7af56"
    default = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0"
    return {"id": china if _partition(region) == "aws-cn" else default, "region": region}


@answers("aws:lb/getHostedZoneId:getHostedZoneId")
def lb_hosted_zone(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    region = str(args.get("region") or ctx.region)
    kind = str(args.get("loadBalancerType") or "application")
    if kind not in ("application", "network"):
        expected = "expected application or network"
        raise LookupError(f"aws:lb/getHostedZoneId: loadBalancerType {kind!r}: {expected}")
    application, network = _in_table("aws:lb/getHostedZoneId", _ZONES, region)
    return {
        "id": application if kind == "application" else network,
        "loadBalancerType": kind,
        "region": region,
    }


@answers("aws:elb/getHostedZoneId:getHostedZoneId")
def elb_hosted_zone(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    region = str(args.get("region") or ctx.region)
    return {"id": _in_table("aws:elb/getHostedZoneId", _ZONES, region)[0], "region": region}


def _managed_policy(
    token: str, what: str, table: Mapping[str, str], args: Mapping[str, Any]
) -> dict[str, Any]:
    """A managed policy by name or id. The account's own policies are not looked up: their types are
    emulated without an API to read them back (moto has none), so only managed ones are found."""
    name, policy_id = args.get("name"), args.get("id")
    for managed, managed_id in table.items():
        if name == managed or policy_id == managed_id:
            return {"id": managed_id, "name": managed}
    raise NotFoundError(token, what, {"name": name, "id": policy_id})


@answers("aws:cloudfront/getCachePolicy:getCachePolicy")
def cache_policy(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    token = "aws:cloudfront/getCachePolicy"
    return _managed_policy(token, "managed cache policy", MANAGED_CACHE_POLICIES, args)


@answers("aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy")
def origin_request_policy(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    token = "aws:cloudfront/getOriginRequestPolicy"
    return _managed_policy(token, "managed origin request policy", MANAGED_ORIGIN_REQUEST_POLICIES, args)


@answers("aws:cloudfront/getResponseHeadersPolicy:getResponseHeadersPolicy")
def response_headers_policy(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    token = "aws:cloudfront/getResponseHeadersPolicy"
    return _managed_policy(token, "managed response headers policy", MANAGED_RESPONSE_HEADERS_POLICIES, args)
