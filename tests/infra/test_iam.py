"""Policy documents built by infra.iam."""

from __future__ import annotations

import json

from infra.iam import allow, assume_role_policy, policy


def test_assume_role_policy_trusts_exactly_one_service() -> None:
    assert json.loads(assume_role_policy("ecs-tasks.amazonaws.com")) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def test_policy_is_stable_json() -> None:
    document = policy([allow(["s3:GetObject"], ["arn:aws:s3:::b/*"])])
    assert document == (
        '{"Statement": [{"Action": ["s3:GetObject"], "Effect": "Allow", "Resource": ["arn:aws:s3:::b/*"]}], '
        '"Version": "2012-10-17"}'
    )
