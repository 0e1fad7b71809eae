"""ACM cases: certificates and their DNS validation."""

from __future__ import annotations

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

CERTIFICATE = "aws:acm/certificate:Certificate"
REQUEST = "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html"
WILDCARDS = "https://docs.aws.amazon.com/acm/latest/userguide/acm-certificate.html#wildcard-domain-names"


@valid("acm")
def acm_certificate_validated_through_route53() -> None:
    zone = aws.route53.Zone("zone", name="example.com")
    certificate = aws.acm.Certificate(
        "site",
        domain_name="example.com",
        subject_alternative_names=["*.example.com"],
        validation_method="DNS",
        key_algorithm="EC_prime256v1",
    )
    option = certificate.domain_validation_options.apply(lambda options: options[0])
    record = aws.route53.Record(
        "site-validation",
        zone_id=zone.zone_id,
        name=option.apply(lambda o: o.resource_record_name or ""),
        type=option.apply(lambda o: o.resource_record_type or "CNAME"),
        records=[option.apply(lambda o: o.resource_record_value or "")],
        ttl=60,
    )
    aws.acm.CertificateValidation(
        "site-issued", certificate_arn=certificate.arn, validation_record_fqdns=[record.fqdn]
    )


@refused("acm", token=CERTIFICATE, prop="validationMethod", source=REQUEST)
def acm_validation_method_in_lower_case() -> None:
    aws.acm.Certificate("site", domain_name="example.com", validation_method="dns")


@refused("acm", token=CERTIFICATE, prop="domainName", source=WILDCARDS)
def acm_wildcard_of_a_wildcard() -> None:
    aws.acm.Certificate("site", domain_name="*.*.example.com", validation_method="DNS")


@refused("acm", token=CERTIFICATE, prop="domainName", source=WILDCARDS)
def acm_wildcard_in_the_middle() -> None:
    aws.acm.Certificate("site", domain_name="api.*.example.com", validation_method="DNS")


@refused("acm", token=CERTIFICATE, prop="domainName", source=REQUEST)
def acm_domain_given_as_a_url() -> None:
    aws.acm.Certificate("site", domain_name="https://example.com", validation_method="DNS")


@refused("acm", token=CERTIFICATE, prop="domainName", source=REQUEST)
def acm_domain_over_253_characters() -> None:
    labels = ".".join(["a" * 60] * 5)
    aws.acm.Certificate("site", domain_name=f"{labels}.example.com", validation_method="DNS")


@refused("acm", token=CERTIFICATE, prop="subjectAlternativeNames", source=REQUEST)
def acm_more_than_100_alternative_names() -> None:
    names = [f"shop{i}.example.com" for i in range(101)]
    aws.acm.Certificate(
        "site", domain_name="example.com", subject_alternative_names=names, validation_method="DNS"
    )


@refused(
    "acm",
    token="aws:acm/certificateValidation:CertificateValidation",
    prop="validationRecordFqdns",
    source="https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html",
)
def acm_validation_waits_on_records_of_another_name() -> None:
    certificate = aws.acm.Certificate("site", domain_name="example.com", validation_method="DNS")
    aws.acm.CertificateValidation(
        "site-issued",
        certificate_arn=certificate.arn,
        validation_record_fqdns=["_acme-challenge.example.com"],
    )


@refused("acm", token=CERTIFICATE, prop="subjectAlternativeNames", source=WILDCARDS)
def acm_alternative_name_with_a_partial_wildcard() -> None:
    aws.acm.Certificate(
        "site",
        domain_name="example.com",
        subject_alternative_names=["api*.example.com"],
        validation_method="DNS",
    )


@refused("acm", token=CERTIFICATE, prop="keyAlgorithm", source=REQUEST)
def acm_requested_certificate_with_an_rsa_4096_key() -> None:
    aws.acm.Certificate("site", domain_name="example.com", validation_method="DNS", key_algorithm="RSA_4096")


LONG_NAME = "customer-reports-and-exports-for-the-postings-platform.eu-west-1.example.com"


@valid("acm")
def acm_long_name_as_a_subject_alternative_name() -> None:
    aws.acm.Certificate(
        "reports",
        domain_name="reports.example.com",
        subject_alternative_names=[LONG_NAME],
        validation_method="DNS",
    )


@refused("acm", token=CERTIFICATE, prop="domainName", source=REQUEST)
def acm_first_domain_over_64_characters() -> None:
    aws.acm.Certificate("reports", domain_name=LONG_NAME, validation_method="DNS")
