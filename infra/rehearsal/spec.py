"""Type specs and the rule catalogue: what the rehearsal knows about each AWS type, beside its emulator.

A spec is the arguments of `@emulates` on the emulator of one Pulumi type token (in
`infra/rehearsal/emulators/<aws service>.py`): how the type is emulated (the function, its moto calls in
`note`), its ARN form and other provider-shaped outputs, its naming rules, the inputs whose change forces
replacement (the AWS provider schema's ForceNew) and whether it holds data. Rules are the cross-field and
cross-resource checks AWS or the provider enforce beyond the service models, each with an id and a source.
Diff, recording mocks, reports and the program's name limits read from here; nothing restates them.

This module imports neither boto3 nor moto: the Pulumi program reads name limits from it.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infra.rehearsal.emulation import Context, Resource

EVERY_INPUT = "*"
"""In `replace_on`: every input forces replacement (the type has no update)."""


class Validation(enum.Enum):
    """How much of AWS's judgement a rehearsal of one type carries."""

    VALIDATED = "emulated"
    """Created through moto's API for the type: moto's checks (and the emulator's own) ran."""
    UNVALIDATED = "emulated without validation"
    """moto lacks the API: the emulator returns realistic state from what moto holds, nothing more."""
    LOCAL = "computed locally"
    """Not a cloud resource (a provider, a random value): no AWS call would happen for real either."""


@dataclass(frozen=True)
class Where:
    """The account and region outputs are computed for (the emulated one, or the recording mocks' one)."""

    region: str
    account_id: str
    partition: str = "aws"


def stable_hex(*parts: str, length: int = 7) -> str:
    """A deterministic hex string: the same parts give the same fake id or suffix on every run and machine."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def provider_host(where: Where, name: str, service: str) -> str:
    """An endpoint host shaped as AWS names them: `<name>.<hash>.<region>.<service>.amazonaws.com`."""
    return f"{name}.{stable_hex(name, length=12)}.{where.region}.{service}.amazonaws.com"


@dataclass(frozen=True)
class Naming:
    """A physical name: the input that holds it, AWS's limits on it, how the provider auto-names it."""

    key: str = "name"
    """The input holding the name; "" when the type has no name of its own."""
    max_length: int = 255
    pattern: str = ""
    """A name must match this whole (from the API reference or the provider's validation)."""
    lower: bool = False
    """The provider lower-cases auto-names (AWS refuses capitals for this type)."""
    source: str = ""
    """Where `max_length` and `pattern` come from."""
    prefix: str = ""
    """What the provider puts before an auto-name (a KMS alias's `alias/`)."""

    def auto(self, logical: str, suffix: str) -> str:
        """`<prefix><logical>-<suffix>` as the provider's auto-naming makes it, cut to the limit."""
        base = logical.lower() if self.lower else logical
        return f"{self.prefix}{base[: self.max_length - len(self.prefix) - len(suffix) - 1]}-{suffix}"

    def problem(self, name: str) -> str | None:
        """Why AWS refuses `name`, or None."""
        if len(name) > self.max_length:
            return f"name {name!r} is {len(name)} characters; at most {self.max_length} are allowed"
        if self.pattern and not re.fullmatch(self.pattern, name):
            return f"name {name!r} does not match {self.pattern}"
        return None


UNNAMED = Naming(key="")
"""For types AWS gives no name of their own (an association, an attachment, a rule)."""

Computed = Callable[[Where, str, Mapping[str, Any]], dict[str, Any]]
"""(where, logical name, inputs) -> outputs the provider adds beyond `arn` (endpoints, URLs, ids)."""

Emulated = tuple[str, dict[str, Any]]
"""The id and the output properties the real provider would add to the inputs."""

Emulator = Callable[["Context", "Resource"], Emulated]


@dataclass(frozen=True)
class TypeSpec:
    """Everything known about one Pulumi type token."""

    token: str
    emulate: Emulator
    validation: Validation
    note: str
    """The moto calls the emulator makes, and what it checks or cannot."""
    replace_on: frozenset[str]
    """Inputs whose change forces replacement: the provider schema's ForceNew (`*` for all)."""
    naming: Naming
    arn: str
    """The ARN's form, `{region}`, `{account}`, `{partition}`, `{name}`, `{id}`, inputs (`{input[bucket]}`)
    and `{waf_scope}` (a WAFv2 resource's `global` or `regional`) filled in; "" when the type has no ARN."""
    id_prefix: str = ""
    """The prefix of AWS's id for the type (`vpc` in `vpc-0abc...`), for ids made without AWS."""
    stateful: str = ""
    """What data deleting or replacing it loses ("database"); "" when it holds none."""
    computed: Computed | None = None
    replace_on_downgrade: frozenset[str] = frozenset()
    """Version inputs that force replacement only when lowered (the provider's CustomizeDiff)."""

    def arn_for(self, where: Where, name: str, resource_id: str, inputs: Mapping[str, Any]) -> str:
        if not self.arn:
            return ""
        return self.arn.format(
            partition=where.partition,
            region=where.region,
            account=where.account_id,
            name=name,
            id=resource_id,
            input=defaultdict(str, inputs),
            waf_scope="global" if inputs.get("scope") == "CLOUDFRONT" else "regional",
        )

    def arn_pattern(self) -> re.Pattern[str]:
        """The ARN form as a regex (any name or id), to check an emulated ARN against the declared form."""
        parts = re.split(r"(\{\w+(?:\[\w+\])?\})", self.arn)
        fields = {
            "{partition}": "aws",
            "{region}": r"[a-z0-9-]+",
            "{account}": r"\d{12}",
            "{waf_scope}": "(global|regional)",
        }
        return re.compile(
            "".join(fields.get(p, ".+") if p.startswith("{") else re.escape(p) for p in parts if p)
        )


SPECS: dict[str, TypeSpec] = {}


def emulates(
    token: str,
    *,
    note: str,
    replace_on: Iterable[str],
    naming: Naming,
    arn: str,
    validation: Validation = Validation.VALIDATED,
    id_prefix: str = "",
    stateful: str = "",
    computed: Computed | None = None,
    replace_on_downgrade: Iterable[str] = (),
) -> Callable[[Emulator], Emulator]:
    """Declare the spec of `token` on its emulator. Every part is required: `replace_on=()` and
    `naming=UNNAMED` and `arn=""` say "none" explicitly, so a forgotten part is a visible choice."""

    def register(func: Emulator) -> Emulator:
        if token in SPECS and not _same(SPECS[token].emulate, func):
            raise ValueError(f"{token} is specified twice")
        SPECS[token] = TypeSpec(
            token=token,
            emulate=func,
            validation=validation,
            note=note,
            replace_on=frozenset(replace_on),
            naming=naming,
            arn=arn,
            id_prefix=id_prefix,
            stateful=stateful,
            computed=computed,
            replace_on_downgrade=frozenset(replace_on_downgrade),
        )
        return func

    return register


def _same(old: Callable[..., Any], new: Callable[..., Any]) -> bool:
    """The same function, imported again (a rehearsal drops the modules a program imported)."""
    return (old.__module__, old.__qualname__) == (new.__module__, new.__qualname__)


def all_specs() -> dict[str, TypeSpec]:
    """Every spec, by type token (the emulator modules, which declare them, are imported first)."""
    import infra.rehearsal.emulators  # noqa: F401  (registers every spec and rule)

    return SPECS


def spec_of(token: str) -> TypeSpec:
    return all_specs()[token]


# ARN service names of pulumi-aws modules where they differ from the module's name, after the ARN formats of
# the Service Authorization Reference (docs.aws.amazon.com/service-authorization/latest/reference/).
_ARN_SERVICE_BY_PREFIX = {
    "aws:cloudwatch/log": "logs",
    "aws:cloudwatch/event": "events",
    "aws:lb/": "elasticloadbalancing",
    "aws:alb/": "elasticloadbalancing",
    "aws:elb/": "elasticloadbalancing",
    "aws:appautoscaling/": "application-autoscaling",
    "aws:amp/": "aps",
    "aws:opensearch/": "es",
    "aws:elasticsearch/": "es",
    "aws:apigatewayv2/": "apigateway",
    "aws:apigateway/": "apigateway",
    "aws:sfn/": "states",
    "aws:cognito/userPool": "cognito-idp",
    "aws:cognito/identityPool": "cognito-identity",
    "aws:vpc/": "ec2",
    "aws:lambda/": "lambda",
    "aws:cfg/": "config",
    "aws:ssoadmin/": "sso",
    "aws:servicediscovery/": "servicediscovery",
}
# Services whose ARNs carry no region (global services).
_GLOBAL_SERVICES = frozenset({"iam", "s3", "route53", "cloudfront", "waf", "organizations", "shield"})


def arn_service(token: str) -> str:
    """The service part of the ARNs of `token`'s resources (`aws:cloudwatch/logGroup:LogGroup` -> `logs`)."""
    for prefix, service in _ARN_SERVICE_BY_PREFIX.items():
        if token.startswith(prefix):
            return service
    return token.split(":")[1].split("/")[0]


def kebab(token: str) -> str:
    """`aws:sqs/redrivePolicy:RedrivePolicy` -> `redrive-policy`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", token.rsplit(":", 1)[-1]).lower()


def generic_arn(token: str, where: Where, resource_id: str) -> str:
    """A provider-shaped ARN for a type without a spec: its service, region (none for global services),
    account and `<kind>/<id>`. The resource form is a guess; the service, region and account are not."""
    service = arn_service(token)
    region = "" if service in _GLOBAL_SERVICES else where.region
    return f"arn:{where.partition}:{service}:{region}:{where.account_id}:{kebab(token)}/{resource_id}"


def computed_outputs(
    token: str, where: Where, name: str, resource_id: str, inputs: Mapping[str, Any]
) -> dict[str, Any]:
    """The outputs the provider would add to `inputs` without any AWS call: the spec's ARN and computed
    outputs, else a generic ARN. The recording mocks and the echo of types without an emulator use it."""
    spec = all_specs().get(token)
    if spec is None:
        return {"arn": generic_arn(token, where, resource_id)} if token.startswith("aws:") else {}
    outputs: dict[str, Any] = {}
    physical = resource_id
    if spec.naming.key:
        physical = str(inputs.get(spec.naming.key) or spec.naming.auto(name, stable_hex(token, name)))
        outputs[spec.naming.key] = physical
    if spec.arn:
        outputs["arn"] = spec.arn_for(where, physical, resource_id, inputs)
    if spec.computed is not None:
        outputs.update(spec.computed(where, name, {**inputs, **outputs}))
    return outputs


Check = Callable[["Context", "Resource"], "str | tuple[str, str] | None"]
"""Returns why AWS or the provider would refuse the resource, or None; a (property, why) pair blames a
property other than the rule's own (one of several a rule relates)."""


@dataclass(frozen=True)
class Rule:
    """One cross-field or cross-resource rule AWS or the provider enforce beyond the service models."""

    id: str
    tokens: tuple[str, ...]
    prop: str
    """The property blamed when the rule is broken."""
    summary: str
    """The desired state, in one line."""
    source: str
    """The AWS API reference or user guide page, or the provider's validation, that states the rule."""
    check: Check
    at_end: bool = False
    """Judged again once the program has declared everything when it fails at first: the rule reads
    another resource the program may declare in any order (a queue's policy for a bucket notification),
    so the verdict does not depend on which of the two the engine registers first."""


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    tokens: str | Iterable[str],
    *,
    prop: str,
    summary: str,
    source: str,
    at_end: bool = False,
) -> Callable[[Check], Check]:
    """Add `check` to the catalogue as `rule_id`, run on every resource of `tokens` before it is emulated
    (and, with `at_end`, again at the end of the program when it failed then: see Rule.at_end)."""

    def register(check: Check) -> Check:
        if rule_id in RULES and not _same(RULES[rule_id].check, check):
            raise ValueError(f"rule {rule_id} is declared twice")
        if not source:
            raise ValueError(f"rule {rule_id} cites no source")
        RULES[rule_id] = Rule(
            id=rule_id,
            tokens=(tokens,) if isinstance(tokens, str) else tuple(tokens),
            prop=prop,
            summary=summary,
            source=source,
            check=check,
            at_end=at_end,
        )
        return check

    return register


def rules_for(token: str) -> list[Rule]:
    return [r for r in RULES.values() if token in r.tokens]
