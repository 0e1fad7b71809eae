"""IAM policy documents as plain functions: every role's permissions read as data and test without mocks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pulumi

Statement = dict[str, Any]


def assume_role_policy(service: str) -> str:
    """Trust policy letting one AWS service (e.g. `ecs-tasks.amazonaws.com`) assume the role."""
    return policy([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}])


def allow(actions: Sequence[str], resources: Sequence[str]) -> Statement:
    return {"Effect": "Allow", "Action": list(actions), "Resource": list(resources)}


def policy(statements: Sequence[Statement]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)


def allow_on(actions: Sequence[str], resources: Sequence[pulumi.Input[str]]) -> pulumi.Output[str]:
    """A one-statement policy over resources that are not known until deployment (ARNs)."""
    return pulumi.Output.all(*resources).apply(lambda arns: policy([allow(actions, [str(a) for a in arns])]))
