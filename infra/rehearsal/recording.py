"""Recording mocks: echo inputs, add the computed outputs the AWS provider would return; no AWS at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi.runtime

from infra.rehearsal.spec import Where, all_specs, computed_outputs, stable_hex

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "eu-west-1"


class RecordingMocks(pulumi.runtime.Mocks):
    """Returns provider-shaped state for every resource (the computed outputs of its type's spec) and answers
    the invokes the program makes.

    Values are derived from the resource's name, so runs are deterministic. Nothing is validated:
    that is what the emulated account (moto) is for.
    """

    def __init__(self, *, region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        all_specs()  # imported before the program runs, so a rehearsal never drops and re-imports them
        self.region = region
        self.account_id = account_id
        self.calls: list[tuple[str, dict[str, Any]]] = []

    @property
    def where(self) -> Where:
        return Where(self.region, self.account_id)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.custom:
            return None, {}
        spec = all_specs().get(args.typ)
        suffix = stable_hex(args.typ, args.name, length=17)
        prefix = spec.id_prefix if spec is not None else ""
        resource_id = f"{prefix}-{suffix}" if prefix else f"{args.name}-{suffix[:7]}"
        state = dict(args.inputs)
        state.update(computed_outputs(args.typ, self.where, args.name, resource_id, state))
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        self.calls.append((args.token, dict(args.args)))
        answer = _INVOKES.get(args.token)
        if answer is None:
            return {}, []
        return answer(self, dict(args.args)), []


Invoke = Callable[[RecordingMocks, dict[str, Any]], dict[str, Any]]

_INVOKES: dict[str, Invoke] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": lambda m, a: {
        "names": [f"{m.region}{z}" for z in "abc"],
        "zoneIds": [f"euw1-az{i}" for i in (1, 2, 3)],
        "id": m.region,
    },
    "aws:index/getCallerIdentity:getCallerIdentity": lambda m, a: {
        "accountId": m.account_id,
        "arn": f"arn:aws:iam::{m.account_id}:user/rehearsal",
        "userId": "AIDAREHEARSAL",
        "id": m.account_id,
    },
    "aws:index/getRegion:getRegion": lambda m, a: {"name": m.region, "region": m.region, "id": m.region},
    "aws:index/getPartition:getPartition": lambda m, a: {
        "partition": "aws",
        "dnsSuffix": "amazonaws.com",
        "id": "aws",
    },
    "aws:ec2/getAmi:getAmi": lambda m, a: {
        "id": f"ami-{stable_hex(*(str(v) for v in a.values()))}",
        "architecture": "arm64",
        "name": "al2023-ami-rehearsal-arm64",
    },
}
