"""The emulator registry: how one Pulumi type token or invoke maps to boto3 calls on the emulated account."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError, ParamValidationError

from infra.rehearsal.engine import SECRET_SIG, SPECIAL_SIG_KEY

_TAG_KEYS = frozenset({"Tags", "tags", "TagSpecifications"})


class Validation(enum.Enum):
    """How much of AWS's judgement a rehearsal of one type carries."""

    VALIDATED = "emulated"
    """Created through moto's API for the type: moto's checks (and the emulator's own) ran."""
    UNVALIDATED = "emulated without validation"
    """moto lacks the API: the emulator returns realistic state from what moto holds, nothing more."""
    LOCAL = "computed locally"
    """Not a cloud resource (a provider, a random value): no AWS call would happen for real either."""


class EmulationError(Exception):
    """AWS (moto) refused a resource: the message names the URN, the property and AWS's own words."""

    def __init__(self, urn: str, prop: str, code: str, message: str) -> None:
        self.urn = urn
        self.prop = prop
        self.code = code
        self.aws_message = message
        super().__init__(
            f"{urn}: property {prop!r} refused by AWS ({code}): {message.rstrip('.')}. "
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


def stable_hex(*parts: str, length: int = 7) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


@dataclass(frozen=True)
class Resource:
    """What an emulator sees of one resource: its URN, logical name and plain (unwrapped) inputs."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    account_id: str = ""

    def get(self, key: str, default: Any = None) -> Any:
        value = self.inputs.get(key)
        return default if value is None else value

    def physical_name(self, key: str = "name", *, max_length: int = 255, lower: bool = False) -> str:
        """The input `key`, else an auto-name as the provider makes one: `<name>-<7 hex>`. The provider's
        suffix is random; this one is derived from the account and the URN, so a rehearsal repeats and two
        accounts never collide in a global namespace (S3)."""
        explicit = self.inputs.get(key)
        if explicit:
            return str(explicit)
        suffix = stable_hex(self.account_id, self.urn)
        base = self.name.lower() if lower else self.name
        return f"{base[: max_length - len(suffix) - 1]}-{suffix}"


@dataclass
class Context:
    """The emulated account as the emulators reach it: boto3 clients from `clients(service)`."""

    clients: Callable[[str], Any]
    region: str
    account_id: str
    group_vpcs: dict[str, str] = field(default_factory=dict)
    """Security group id -> VPC id, as created or read from the account."""
    grafana_workspaces: set[str] = field(default_factory=set)
    """Managed Grafana workspaces emulated in this rehearsal (moto has no Grafana to ask)."""
    assumed: dict[str, list[str]] = field(default_factory=dict)
    """What the stack uses without creating it, which the emulated account was given -> the URNs that
    used it. A real account must already hold these; the report lists them."""
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.clients(service)
        return self._clients[service]

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account_id}:{resource}"

    def aws(self, resource: Resource, prop: str, service: str, operation: str, **kwargs: Any) -> Any:
        """Call one boto3 operation; a refusal becomes an EmulationError blaming `prop` of `resource`."""
        # An empty tag list is "no tags" to the provider, but botocore refuses a zero-length list.
        call = {k: v for k, v in kwargs.items() if not (k in _TAG_KEYS and not v)}
        try:
            return getattr(self.client(service), operation)(**call)
        except ParamValidationError as err:
            raise EmulationError(resource.urn, prop, "InvalidParameter", str(err).replace("\n", " ")) from err
        except ClientError as err:
            error = err.response.get("Error", {})
            raise EmulationError(
                resource.urn, prop, str(error.get("Code", "Error")), str(error.get("Message", err))
            ) from err


Emulated = tuple[str, dict[str, Any]]
"""The id and the output properties the real provider would add to the inputs."""

Emulator = Callable[[Context, Resource], Emulated]
Invoke = Callable[[Context, Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class TypeEmulator:
    token: str
    emulate: Emulator
    validation: Validation
    note: str


EMULATORS: dict[str, TypeEmulator] = {}
INVOKES: dict[str, Invoke] = {}


def emulates(
    token: str, validation: Validation = Validation.VALIDATED, note: str = ""
) -> Callable[[Emulator], Emulator]:
    """Register `func` as the emulator of `token`; `note` says what moto checks or lacks."""

    def register(func: Emulator) -> Emulator:
        EMULATORS[token] = TypeEmulator(token, func, validation, note)
        return func

    return register


def answers(token: str) -> Callable[[Invoke], Invoke]:
    def register(func: Invoke) -> Invoke:
        INVOKES[token] = func
        return func

    return register


def tags_list(
    tags: Mapping[str, str] | None, *, key: str = "Key", value: str = "Value"
) -> list[dict[str, str]]:
    return [{key: k, value: str(v)} for k, v in sorted((tags or {}).items())]


def tag_specifications(resource_type: str, tags: Mapping[str, str] | None) -> list[dict[str, Any]]:
    if not tags:
        return []
    return [{"ResourceType": resource_type, "Tags": tags_list(tags)}]
