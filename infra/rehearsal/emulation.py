"""How emulators reach the emulated account: the resource they see, boto3 calls checked against AWS's own
service models, and the refusal that names the URN, the property, the constraint and its source."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from infra.rehearsal.engine import SECRET_SIG, SPECIAL_SIG_KEY
from infra.rehearsal.spec import UNNAMED, Naming, stable_hex

_TAG_KEYS = frozenset({"Tags", "tags", "TagSpecifications"})
MOTO = "moto's emulation of the AWS API"


class EmulationError(Exception):
    """AWS (moto, the service model or a catalogued rule) refused a resource: names the URN, the property, the
    constraint and where it comes from."""

    def __init__(self, urn: str, prop: str, code: str, message: str, source: str = MOTO) -> None:
        self.urn = urn
        self.prop = prop
        self.code = code
        self.aws_message = message
        self.source = source
        super().__init__(
            f"{urn}: property {prop!r} refused by AWS ({code}): {message.rstrip('.')} [source: {source}]. "
            "Fix the value in the program or the stack config and rehearse again."
        )


def unwrap(value: Any) -> Any:
    """The plain value under Pulumi's secret wrappers (`{sig: secret, value: ...}`), recursively."""
    if isinstance(value, dict):
        if value.get(SPECIAL_SIG_KEY) == SECRET_SIG:
            return unwrap(value.get("value"))
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


@dataclass(frozen=True)
class Resource:
    """What an emulator sees of one resource: its URN, logical name, plain (unwrapped) inputs and naming."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    account_id: str = ""
    naming: Naming = UNNAMED

    def get(self, key: str, default: Any = None) -> Any:
        value = self.inputs.get(key)
        return default if value is None else value

    def physical_name(self) -> str:
        """The name input of the type's spec, else an auto-name as the provider makes one:
        `<name>-<7 hex>` within the type's limit. The provider's suffix is random; this one is derived from
        the account and the URN, so a rehearsal repeats and two accounts never collide in a global
        namespace (S3)."""
        explicit = self.inputs.get(self.naming.key) if self.naming.key else None
        if explicit:
            return str(explicit)
        return self.naming.auto(self.name, stable_hex(self.account_id, self.urn))


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _singular(name: str) -> str:
    """Pulumi names a list in the plural where the API's member is singular
    (`defaultCapacityProviderStrategies` <- `DefaultCapacityProviderStrategy`)."""
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


def _matching_key(keys: list[str], member: str) -> str | None:
    """The input key that an API member carries (`DBInstanceClass` <- `instanceClass`), by name."""
    wanted = _normal(member)
    by_normal = {_normal(k): k for k in keys}
    if wanted in by_normal:
        return by_normal[wanted]
    by_singular = {_singular(n): k for n, k in by_normal.items()}
    if _singular(wanted) in by_singular:
        return by_singular[_singular(wanted)]
    ends = [k for n, k in by_normal.items() if len(n) >= 4 and (wanted.endswith(n) or n.endswith(wanted))]
    return max(ends, key=len) if ends else None


def blamed_property(inputs: Mapping[str, Any], path: tuple[str | int, ...], default: str) -> str:
    """The Pulumi property an API parameter path came from, mapped back by name through the inputs
    (`ClusterConfig.InstanceType` -> `clusterConfig.instanceType`); `default` when the top member has no
    counterpart (the emulator computed it). Inputs the API wraps in a member of its own (an EventBridge
    target sent as `Targets[0]`, a launch template's `LaunchTemplateData`) are matched inside the wrapper."""
    rest = path
    while rest:
        found = _blamed_parts(inputs, rest)
        if found:
            return ".".join(found)
        rest = rest[2:] if len(rest) > 1 and isinstance(rest[1], int) else rest[1:]
    return default


def _blamed_parts(inputs: Mapping[str, Any], path: tuple[str | int, ...]) -> list[str]:
    parts: list[str] = []
    value: Any = inputs
    for step in path:
        if isinstance(step, int):
            if isinstance(value, Mapping):
                continue  # the API wraps a single input block in a list
            if not isinstance(value, list) or step >= len(value) or not parts:
                break
            parts[-1] += f"[{step}]"
            value = value[step]
            continue
        key = _matching_key(list(value), step) if isinstance(value, Mapping) else None
        if key is None:
            break
        parts.append(key)
        value = value[key]
    return parts


@dataclass
class Context:
    """The emulated account as the emulators reach it: boto3 clients from `clients(service)`."""

    clients: Callable[..., Any]
    """`clients(service)` in the account's region, `clients(service, region)` in another."""
    region: str
    """The region being emulated: the account's, or the one resource's being emulated (`in_region`)."""
    account_id: str
    checks: bool = True
    """Check every request against AWS's service model and run the rule catalogue; off, the emulators' calls
    go to moto unchecked ("moto alone", for the fidelity benchmark)."""
    group_vpcs: dict[str, str] = field(default_factory=dict)
    """Security group id -> VPC id, as created or read from the account."""
    grafana_workspaces: set[str] = field(default_factory=set)
    """Managed Grafana workspaces emulated in this rehearsal (moto has no Grafana to ask)."""
    assumed: dict[str, list[str]] = field(default_factory=dict)
    """What the stack uses without creating it, which the emulated account was given -> the URNs that
    used it. A real account must already hold these; the report lists them."""
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    _home: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self._home = self.region

    def client(self, service: str) -> Any:
        key = (service, self.region)
        if key not in self._clients:
            home = self.region == self._home
            self._clients[key] = self.clients(service) if home else self.clients(service, self.region)
        return self._clients[key]

    @contextmanager
    def in_region(self, region: str | None) -> Iterator[None]:
        """Emulate one resource in `region` (its provider's, or its own `region` argument, pulumi-aws v7):
        its clients, ARNs and endpoints follow it, as a certificate for CloudFront lives in us-east-1."""
        if not region or region == self.region:
            yield
            return
        saved, self.region = self.region, region
        try:
            yield
        finally:
            self.region = saved

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account_id}:{resource}"

    def aws(self, resource: Resource, prop: str, service: str, operation: str, **kwargs: Any) -> Any:
        """Call one boto3 operation after checking it against the service model; a refusal becomes an
        EmulationError blaming the property the offending parameter came from (else `prop`)."""
        from botocore.exceptions import ClientError, ParamValidationError

        client = self.client(service)
        call = self._request(client, resource, prop, operation, kwargs)
        try:
            return getattr(client, operation)(**call)
        except ParamValidationError as err:
            raise EmulationError(
                resource.urn,
                prop,
                "InvalidParameter",
                str(err).replace("\n", " "),
                "botocore's parameter validation",
            ) from err
        except ClientError as err:
            error = err.response.get("Error", {})
            raise EmulationError(
                resource.urn, prop, str(error.get("Code", "Error")), str(error.get("Message", err))
            ) from err

    def check(self, resource: Resource, prop: str, service: str, operation: str, **kwargs: Any) -> None:
        """Check a request against the service model without sending it (for what moto cannot serve)."""
        if self.checks:
            self._request(self.client(service), resource, prop, operation, kwargs)

    def _request(
        self, client: Any, resource: Resource, prop: str, operation: str, kwargs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The request as it is sent, checked against the service model when checks are on: an empty tag
        list dropped (it is "no tags" to the provider, but botocore refuses a zero-length list) and whole
        floats made integers where the model wants one."""
        from infra.rehearsal.constraints import violations, with_integers

        operation_model = _operation_model(client, operation)
        call = with_integers(
            operation_model, {k: v for k, v in kwargs.items() if not (k in _TAG_KEYS and not v)}
        )
        found = violations(operation_model, call) if self.checks else []
        if not found:
            return call
        first = found[0]
        shown = "[secret]" if first.sensitive else repr(first.value)
        if len(shown) > 120:
            shown = shown[:117] + "..."
        model = client.meta.service_model
        raise EmulationError(
            resource.urn,
            blamed_property(resource.inputs, first.path, prop),
            "InvalidParameterValue",
            f"{first.dotted} must be {first.constraint}; got {shown}",
            f"AWS service model {model.service_name} {model.api_version}, {operation_model.name}",
        )


def _operation_model(client: Any, operation: str) -> Any:
    return client.meta.service_model.operation_model(client.meta.method_to_api_mapping[operation])


Invoke = Callable[[Context, Mapping[str, Any]], dict[str, Any]]
INVOKES: dict[str, Invoke] = {}


def answers(token: str) -> Callable[[Invoke], Invoke]:
    def register(func: Invoke) -> Invoke:
        INVOKES[token] = func
        return func

    return register


class NotFoundError(LookupError):
    """An invoke (data source) found nothing in the emulated account, as the provider's "no matching ...
    found" errors say; the program fails with it, since the real lookup would fail too."""

    def __init__(self, token: str, what: str, criteria: Mapping[str, Any], region: str = "") -> None:
        self.token = token
        self.what = what
        shown = ", ".join(f"{k}={v!r}" for k, v in criteria.items() if v not in (None, "", [], {}))
        super().__init__(
            f"{token}: no matching {what} found ({shown or 'no criteria'}) in the emulated account"
            f"{f' ({region})' if region else ''}. Create it in the program, or look up one that exists."
        )


class ManyFoundError(LookupError):
    """An invoke that wants one result found several, as the provider refuses too."""

    def __init__(self, token: str, what: str, count: int) -> None:
        super().__init__(
            f"{token}: {count} {what}s matched; "
            f"use additional constraints to reduce matches to a single {what}"
        )


def the_one(token: str, what: str, found: list[Any], args: Mapping[str, Any], region: str = "") -> Any:
    """The single result a lookup wants: NotFoundError when there is none, ManyFoundError when several."""
    if not found:
        raise NotFoundError(token, what, args, region)
    if len(found) > 1:
        raise ManyFoundError(token, what, len(found))
    return found[0]


def aws_filters(args: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An invoke's `filters` and `tags` as an EC2 Describe* call's Filters (`tag:<key>`, as the provider)."""
    given = args.get("filters") or []
    filters = [{"Name": f["name"], "Values": [str(v) for v in f["values"]]} for f in given]
    tags = sorted((args.get("tags") or {}).items())
    filters += [{"Name": f"tag:{k}", "Values": [str(v)]} for k, v in tags]
    return filters


def tags_map(
    tags: list[Mapping[str, Any]] | None, *, key: str = "Key", value: str = "Value"
) -> dict[str, str]:
    return {str(t[key]): str(t[value]) for t in tags or []}


def tags_list(
    tags: Mapping[str, str] | None, *, key: str = "Key", value: str = "Value"
) -> list[dict[str, str]]:
    return [{key: k, value: str(v)} for k, v in sorted((tags or {}).items())]


def tag_specifications(resource_type: str, tags: Mapping[str, str] | None) -> list[dict[str, Any]]:
    if not tags:
        return []
    return [{"ResourceType": resource_type, "Tags": tags_list(tags)}]
