"""AWS's service-model constraints on the inputs of a type without an emulator, matched to its create call.

A type without a spec is echoed, so nothing checked it: a made-up enum value, a name over its length or off
its pattern, a number out of range in an EKS cluster or a Cognito user pool passed. The Terraform AWS
provider, which pulumi-aws wraps, mostly sends its arguments under the API's own member names
(`instance_type` -> `InstanceType`), so the type's create operation in botocore's service model
(`aws:eks/nodeGroup:NodeGroup` -> eks `CreateNodegroup`) says what AWS would refuse of them.

Only what is certain is checked. An input is matched to a member only by its exact name (case and
underscores aside), or by the type's name prefixed (`name` -> `ClusterName` for an EKS `Cluster`); an input
of another shape than its member (a map for a list of tags, a bool for a number) is left alone; enum values
compare case-insensitively, since the provider upper-cases several before sending; values an echoed resource
returned are left alone, since their form is a guess. What is left is checked by `constraints.violations`,
the same code the emulators' calls go through.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape

from infra.rehearsal.constraints import Violation, violations

# pulumi-aws modules whose AWS service (botocore's name) is not the module's own name, from the Service
# Authorization Reference's service prefixes and botocore's data directory.
_SERVICE_BY_MODULE = {
    "alb": "elbv2",
    "lb": "elbv2",
    "elb": "elb",
    "cfg": "config",
    "sfn": "stepfunctions",
    "msk": "kafka",
    "mskconnect": "kafkaconnect",
    "ec2transitgateway": "ec2",
    "ec2clientvpn": "ec2",
    "vpc": "ec2",
    "verifiedaccess": "ec2",
    "directoryservice": "ds",
    "ssoadmin": "sso-admin",
    "vpclattice": "vpc-lattice",
    "workspacesweb": "workspaces-web",
    "networkfirewall": "network-firewall",
    "redshiftserverless": "redshift-serverless",
    "acmpca": "acm-pca",
    "elasticsearch": "es",
    "opensearchingest": "osis",
    "appautoscaling": "application-autoscaling",
    "ssmcontacts": "ssm-contacts",
    "ssmincidents": "ssm-incidents",
    "servicequotas": "service-quotas",
    "licensemanager": "license-manager",
    "costexplorer": "ce",
    "ecrpublic": "ecr-public",
    "emrcontainers": "emr-containers",
    "timestreamwrite": "timestream-write",
    "timestreaminfluxdb": "timestream-influxdb",
    "resourcegroups": "resource-groups",
    "resourceexplorer": "resource-explorer-2",
    "route53recoverycontrol": "route53-recovery-control-config",
    "route53recoveryreadiness": "route53-recovery-readiness",
    "codestarconnections": "codestar-connections",
    "computeoptimizer": "compute-optimizer",
    "costoptimizationhub": "cost-optimization-hub",
    "customerprofiles": "customer-profiles",
    "neptunegraph": "neptune-graph",
    "paymentcryptography": "payment-cryptography",
    "chimesdkmediapipelines": "chime-sdk-media-pipelines",
    "arczonalshift": "arc-zonal-shift",
    "macie": "macie2",
    "cloudwatch": "cloudwatch",
}
# Modules that hold types of several services: the type's name prefix decides.
_SERVICE_BY_TYPE_PREFIX = {
    "aws:cognito/identityPool": "cognito-identity",
    "aws:cognito/": "cognito-idp",
    "aws:cloudwatch/eventBus": "events",
    "aws:cloudwatch/eventRule": "events",
    "aws:cloudwatch/eventTarget": "events",
    "aws:cloudwatch/eventArchive": "events",
    "aws:cloudwatch/eventConnection": "events",
    "aws:cloudwatch/eventApiDestination": "events",
    "aws:cloudwatch/eventEndpoint": "events",
    "aws:cloudwatch/eventPermission": "events",
    "aws:cloudwatch/logDataProtectionPolicy": "logs",
    "aws:cloudwatch/log": "logs",
    "aws:cloudwatch/queryDefinition": "logs",
    "aws:lex/v2models": "lexv2-models",
    "aws:opensearch/serverless": "opensearchserverless",
    "aws:kinesis/firehose": "firehose",
    "aws:kinesis/analytics": "kinesisanalytics",
    "aws:route53/resolver": "route53resolver",
    "aws:route53/profiles": "route53profiles",
    "aws:s3/accessPoint": "s3control",
    "aws:lex/": "lex-models",
}
# Type names that carry the name of their service where the API doesn't (`V2modelsBot` -> lexv2 `CreateBot`).
_TYPE_NAME_PREFIXES = {
    "aws:lex/v2models": "v2models",
    "aws:opensearch/serverless": "serverless",
    "aws:kinesis/firehose": "firehose",
    "aws:kinesis/analytics": "analytics",
    "aws:cloudwatch/event": "event",
    "aws:cloudwatch/log": "log",
    "aws:route53/profiles": "profiles",
}
_VERBS = ("Create", "Put", "Register")
# Members whose model constraint AWS does not apply as written, each with the page that shows it.
_NOT_AS_MODELLED = {
    # A custom domain (auth.example.com, with CustomDomainConfig) is a full domain name, while the model's
    # pattern admits only a prefix:
    # docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
    ("cognito-idp", "CreateUserPoolDomain", "Domain"),
    # log-delivery-write is a bucket canned ACL, missing from the model's enum:
    # docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
    ("s3", "PutBucketAcl", "ACL"),
    # Glue connects to more sources than the model's enum lists (SNOWFLAKE among them):
    # docs.aws.amazon.com/glue/latest/dg/creating-snowflake-connection.html
    ("glue", "CreateConnection", "ConnectionInput.ConnectionType"),
}


@dataclass(frozen=True)
class Finding:
    """One input of a type without an emulator outside what its create call's service model allows."""

    prop: str
    """The Pulumi property, dotted (`scalingConfig.maxSize`)."""
    message: str
    source: str


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.cache
def _service_model(service: str) -> ServiceModel | None:
    session = _session()
    if service not in session.get_available_services():
        return None
    return session.get_service_model(service)


def _service(token: str) -> str:
    for prefix, service in _SERVICE_BY_TYPE_PREFIX.items():
        if token.startswith(prefix):
            return service
    module = token.split(":")[1].split("/")[0]
    return _SERVICE_BY_MODULE.get(module, module)


def _type_names(token: str) -> tuple[str, ...]:
    """The type's name, then without the service's name where the type carries it."""
    name = _normal(token.rsplit(":", 1)[-1])
    for prefix, dropped in _TYPE_NAME_PREFIXES.items():
        if token.startswith(prefix) and name != dropped:
            return name, name.removeprefix(dropped)
    return (name,)


@functools.cache
def create_operation(token: str) -> OperationModel | None:
    """The botocore operation that creates `token`'s resource (`Create<Type>`, `Put<Type>` or
    `Register<Type>`, names compared without case), or None when the service model has none."""
    service = _service(token)
    model = _service_model(service)
    if model is None:
        return None
    by_normal = {_normal(name): name for name in model.operation_names}
    module = token.split(":")[1].split("/")[0]
    # The API names some types with an infix the provider drops: RDS-family `DB` (rds `Cluster` ->
    # `CreateDBCluster`), or the module's own name (verifiedaccess `Endpoint` ->
    # `CreateVerifiedAccessEndpoint`, ec2clientvpn `Endpoint` -> `CreateClientVpnEndpoint`), or the
    # service's (cfg `Rule` -> config `PutConfigRule`).
    infixes = ("", "db", module, module.removeprefix(_normal(service)), _normal(service))
    for infix in infixes:
        for type_name in _type_names(token):
            for verb in _VERBS:
                found = by_normal.get(_normal(verb) + infix + type_name)
                if found:
                    return model.operation_model(found)
    return None


def _member(members: Mapping[str, Shape], key: str, type_words: tuple[str, ...]) -> tuple[str, ...] | None:
    """The member path `key` is sent under: the member of its name; or of the type's name, or its last
    words, and its name (`name` -> `ClusterName`, a `UserPoolClient`'s `name` -> `ClientName`); or the one
    member ending in its name when that is long enough to be unmistakable (`vpcConfig` ->
    `ResourcesVpcConfig`); or the one member of its name inside a structure member the provider flattens
    away (a user pool's `passwordPolicy` -> `Policies.PasswordPolicy`)."""
    wanted = _normal(key)
    by_normal = {_normal(name): name for name in members}
    found = by_normal.get(wanted) or next(
        (by_normal[w + wanted] for w in type_words if w + wanted in by_normal), None
    )
    if found:
        return (found,)
    if len(wanted) >= _UNMISTAKABLE:
        ending = [name for normal, name in by_normal.items() if normal.endswith(wanted)]
        if len(ending) == 1:
            return (ending[0],)
    nested = [
        (name, inner)
        for name, shape in members.items()
        if shape.type_name == "structure"
        for inner in shape.members  # type: ignore[attr-defined]
        if _normal(inner) == wanted
    ]
    return nested[0] if len(nested) == 1 else None


_UNMISTAKABLE = 8
"""Characters of an input's name from which a member merely ending in it is taken to be it."""


def _is_echoed(value: str, echoed: frozenset[str]) -> bool:
    return any(value == e or value.startswith(e + "/") or value.startswith(e + ":") for e in echoed)


class _Translation:
    """Inputs rewritten under the API's member names, with the Pulumi path each came from."""

    def __init__(self, echoed: frozenset[str]) -> None:
        self.echoed = echoed
        self.origin: dict[tuple[str | int, ...], str] = {}

    def value(
        self,
        shape: Shape,
        value: Any,
        api: tuple[str | int, ...],
        prop: str,
        type_words: tuple[str, ...] = (),
    ) -> Any:
        """`value` under the API's member names, or _SKIP where its shape is not the member's."""
        kind = shape.type_name
        if kind == "structure" and isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                members = _member(shape.members, key, type_words)  # type: ignore[attr-defined]
                if members is None or item is None:
                    continue
                path = (*api, *members)
                dotted = f"{prop}.{key}" if prop else key
                member_shape = shape
                for member in members:
                    member_shape = member_shape.members[member]  # type: ignore[attr-defined]
                converted = self.value(member_shape, item, path, dotted)
                if converted is not _SKIP:
                    holder = out
                    for member in members[:-1]:
                        holder = holder.setdefault(member, {})
                    holder[members[-1]] = converted
                    self.origin[path] = dotted
            return out
        if kind == "list" and isinstance(value, list):
            items = [self.value(shape.member, v, (*api, i), f"{prop}[{i}]") for i, v in enumerate(value)]  # type: ignore[attr-defined]
            for i in range(len(value)):
                self.origin[(*api, i)] = f"{prop}[{i}]"
            return [v for v in items if v is not _SKIP] if all(v is not _SKIP for v in items) else _SKIP
        if kind == "string" and isinstance(value, str):
            if _is_echoed(value, self.echoed):
                return _SKIP
            enum = shape.enum  # type: ignore[attr-defined]
            if enum:
                canonical = {v.lower(): v for v in enum}.get(value.lower())
                return canonical if canonical is not None else value
            return value
        if kind in ("integer", "long", "float", "double"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return _SKIP
            return value
        return _SKIP

    def blame(self, path: tuple[str | int, ...]) -> str:
        while path and path not in self.origin:
            path = path[:-1]
        return self.origin.get(path, "")


_SKIP: Any = object()


def check(token: str, inputs: Mapping[str, Any], echoed: frozenset[str] = frozenset()) -> Finding | None:
    """The first input of a resource of `token` (a type without an emulator) that its create call's service
    model refuses, or None (also when no create call is known)."""
    operation = create_operation(token)
    if operation is None or operation.input_shape is None:
        return None
    translation = _Translation(echoed)
    words = re.findall(r"[A-Z][a-z0-9]*", token.rsplit(":", 1)[-1])
    type_words = tuple(_normal("".join(words[i:])) for i in range(len(words)))
    params = translation.value(operation.input_shape, inputs, (), "", type_words)
    if params is _SKIP or not params:
        return None
    service = operation.service_model.service_name
    found = [
        v
        for v in violations(operation, params)
        if (service, operation.name, ".".join(p for p in v.path if isinstance(p, str)))
        not in _NOT_AS_MODELLED
    ]
    if not found:
        return None
    first: Violation = found[0]
    shown = "[secret]" if first.sensitive else repr(first.value)
    if len(shown) > 120:
        shown = shown[:117] + "..."
    model = operation.service_model
    return Finding(
        prop=translation.blame(first.path) or first.dotted,
        message=f"{first.dotted} must be {first.constraint}; got {shown}",
        source=(
            f"AWS service model {model.service_name} {model.api_version}, {operation.name} "
            "(a type without an emulator: its inputs matched to the call's members by name)"
        ),
    )
