"""The random provider's values inside AWS names and settings: each must come back with its value, shaped
as the provider makes it, or the resource built from it is refused for a property that is fine."""

from __future__ import annotations

import pulumi_aws as aws
import pulumi_random as random

from tests.infra.rehearsal.corpus import valid


@valid("random")
def random_values_in_names_zones_and_secrets() -> None:
    suffix = random.RandomString("suffix", length=8, special=False, upper=False)
    aws.s3.Bucket("logs", bucket=suffix.result.apply(lambda s: f"postings-logs-{s}"))
    bucket_id = random.RandomId("bucket-id", byte_length=4, prefix="assets-")
    aws.s3.Bucket("assets", bucket=bucket_id.hex)
    pet = random.RandomPet("pet", length=3)
    aws.cloudwatch.LogGroup("pet-logs", name=pet.id.apply(lambda p: f"/postings/{p}"))
    port = random.RandomInteger("port", min=1024, max=65535)
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    group = aws.ec2.SecurityGroup("group", vpc_id=vpc.id, description="random port")
    aws.vpc.SecurityGroupIngressRule(
        "ingress",
        security_group_id=group.id,
        ip_protocol="tcp",
        from_port=port.result,
        to_port=port.result,
        cidr_ipv4="10.0.0.0/16",
    )
    zones = random.RandomShuffle("zones", inputs=["eu-west-1a", "eu-west-1b", "eu-west-1c"], result_count=1)
    aws.ec2.Subnet("subnet", vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone=zones.results[0])
    token = random.RandomBytes("token", length=32)
    password = random.RandomPassword("password", length=24, special=True, override_special="_-")
    secret = aws.secretsmanager.Secret("secret", name=random.RandomUuid("secret-id").result)
    aws.secretsmanager.SecretVersion("token", secret_id=secret.id, secret_string=token.base64)
    aws.secretsmanager.SecretVersion("password", secret_id=secret.id, secret_string=password.result)
    for name, value in (
        ("uuid4", random.RandomUuid4("u4").result),
        ("uuid7", random.RandomUuid7("u7").result),
    ):
        aws.ssm.Parameter(name, name=f"/postings/{name}", type="String", value=value)
