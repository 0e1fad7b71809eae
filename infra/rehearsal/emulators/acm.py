"""ACM: certificates and their DNS validation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    EmulationError,
    Resource,
    tags_list,
)
from infra.rehearsal.spec import (
    EVERY_INPUT,
    UNNAMED,
    Emulated,
    Validation,
    Where,
    emulates,
    rule,
    stable_hex,
)

REQUEST = "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html"
# What ACM issues; RSA_1024/3072/4096 and EC_secp521r1 are for imported certificates only.
REQUESTED_KEY_ALGORITHMS = ("RSA_2048", "EC_prime256v1", "EC_secp384r1")


def _certificate_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    domain = s.get("domainName", "")
    return {
        "domainValidationOptions": [
            {
                "domainName": domain,
                "resourceRecordName": f"_{stable_hex(name, length=32)}.{domain}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{stable_hex(name, 'v', length=32)}.acm-validations.aws.",
            }
        ]
    }


@rule(
    "acm-requested-key-algorithm",
    "aws:acm/certificate:Certificate",
    prop="keyAlgorithm",
    summary="A requested certificate's key is RSA_2048, EC_prime256v1 or EC_secp384r1",
    source=f"{REQUEST} (KeyAlgorithm: algorithms supported for requested certificates)",
)
def _key_algorithm(ctx: Context, r: Resource) -> str | None:
    algorithm = r.get("keyAlgorithm")
    if algorithm is None or r.get("privateKey") or algorithm in REQUESTED_KEY_ALGORITHMS:
        return None
    return f"ACM issues {', '.join(REQUESTED_KEY_ALGORITHMS)} keys; {algorithm} is for imported certificates"


FIRST_DOMAIN_MAX = 64


@rule(
    "acm-first-domain-length",
    "aws:acm/certificate:Certificate",
    prop="domainName",
    summary=f"A requested certificate's first domain name is at most {FIRST_DOMAIN_MAX} characters",
    source=f"{REQUEST} (DomainName: the first domain name you enter cannot exceed 64 octets, including"
    " periods; each subsequent Subject Alternative Name can be up to 253 octets)",
)
def _first_domain_length(ctx: Context, r: Resource) -> str | None:
    domain = r.get("domainName")
    if not isinstance(domain, str) or r.get("privateKey") or len(domain) <= FIRST_DOMAIN_MAX:
        return None
    return (
        f"domainName is {len(domain)} characters; the first domain of a certificate is at most "
        f"{FIRST_DOMAIN_MAX} (put a longer name in subjectAlternativeNames under a shorter domainName)"
    )


@emulates(
    "aws:acm/certificate:Certificate",
    note="request_certificate; moto issues it with its DNS validation record",
    replace_on={"domainName", "keyAlgorithm", "subjectAlternativeNames", "validationMethod"},
    naming=UNNAMED,
    arn="arn:{partition}:acm:{region}:{account}:certificate/{id}",
    computed=_certificate_outputs,
)
def certificate(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "DomainName": r.get("domainName"),
        "ValidationMethod": r.get("validationMethod", "DNS"),
        "Tags": tags_list(r.get("tags")),
    }
    if r.get("subjectAlternativeNames"):
        kwargs["SubjectAlternativeNames"] = list(r.get("subjectAlternativeNames"))
    if r.get("keyAlgorithm"):
        kwargs["KeyAlgorithm"] = r.get("keyAlgorithm")
    if not kwargs["Tags"]:
        del kwargs["Tags"]
    arn = ctx.aws(r, "domainName", "acm", "request_certificate", **kwargs)["CertificateArn"]
    described = ctx.aws(r, "domainName", "acm", "describe_certificate", CertificateArn=arn)["Certificate"]
    options = [
        {
            "domainName": o["DomainName"],
            "resourceRecordName": o.get("ResourceRecord", {}).get("Name", ""),
            "resourceRecordType": o.get("ResourceRecord", {}).get("Type", "CNAME"),
            "resourceRecordValue": o.get("ResourceRecord", {}).get("Value", ""),
        }
        for o in described.get("DomainValidationOptions", [])
    ]
    return arn, {"arn": arn, "domainValidationOptions": options, "status": described.get("Status", "")}


@emulates(
    "aws:acm/certificateValidation:CertificateValidation",
    note="moto has no validation wait; the emulator only checks the certificate exists and the records name "
    "its validation CNAME",
    replace_on={EVERY_INPUT},
    naming=UNNAMED,
    arn="",
    validation=Validation.UNVALIDATED,
)
def certificate_validation(ctx: Context, r: Resource) -> Emulated:
    arn = str(r.get("certificateArn"))
    described = ctx.aws(r, "certificateArn", "acm", "describe_certificate", CertificateArn=arn)["Certificate"]
    wanted = {
        o.get("ResourceRecord", {}).get("Name", "").rstrip(".")
        for o in described.get("DomainValidationOptions", [])
    }
    given = {str(f).rstrip(".") for f in r.get("validationRecordFqdns", []) if f}
    if given and not wanted <= given:
        raise EmulationError(
            r.urn,
            "validationRecordFqdns",
            "ValidationTimeout",
            f"certificate {arn} waits for records {sorted(wanted)} but was given {sorted(given)}",
        )
    return arn, {"certificateArn": arn}
