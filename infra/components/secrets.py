"""A generated credential kept in Secrets Manager as JSON `{"username", "password"}`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

import pulumi
import pulumi_aws as aws
import pulumi_random as random


def as_secret(value: pulumi.Output[str]) -> pulumi.Output[str]:
    """Mark a value secret in state and outputs (typed wrapper: the SDK's annotation rejects Outputs)."""
    return cast(pulumi.Output[str], pulumi.Output.secret(cast(Any, value)))


@dataclass(frozen=True, kw_only=True)
class GeneratedSecretArgs:
    description: str
    """What the credential opens, shown in the Secrets Manager console."""
    username: str
    """The user the password belongs to."""
    length: int = 32
    """Password length; letters and digits only, so every engine accepts it."""
    recovery_window_days: int = 7
    """How long a deleted secret can be restored; 0 deletes at once (throwaway stacks)."""


class GeneratedSecret(pulumi.ComponentResource):
    """The password never leaves Pulumi's encrypted state and Secrets Manager; ECS reads it by ARN."""

    arn: pulumi.Output[str]
    password: pulumi.Output[str]
    username: str

    def __init__(
        self, name: str, args: GeneratedSecretArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("postings:infra:GeneratedSecret", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        password = random.RandomPassword(f"{name}-password", length=args.length, special=False, opts=child)
        secret = aws.secretsmanager.Secret(
            f"{name}-secret",
            description=args.description,
            recovery_window_in_days=args.recovery_window_days,
            opts=child,
        )
        aws.secretsmanager.SecretVersion(
            f"{name}-version",
            secret_id=secret.id,
            secret_string=as_secret(
                password.result.apply(
                    lambda value: json.dumps({"username": args.username, "password": value})
                )
            ),
            opts=child,
        )
        self.arn = secret.arn
        self.password = as_secret(password.result)
        self.username = args.username
        self.register_outputs({"arn": self.arn})
