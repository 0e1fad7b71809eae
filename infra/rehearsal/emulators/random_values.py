"""The random provider's resources, computed locally as the provider computes them (terraform-provider-
random, which pulumi-random wraps), from a seed of the URN and the account so that runs repeat. Every
output is given: a program that builds a name from `RandomId.hex` or `RandomPet.id` must see a value of
that shape, not None (which made a bucket named `logs-None`, refused for its name)."""

from __future__ import annotations

import base64
import hashlib
import string
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from infra.rehearsal.emulation import Context, Resource
from infra.rehearsal.spec import EVERY_INPUT, UNNAMED, Computed, Emulated, Emulator, Validation, emulates

_NOTE = "generated locally as the random provider does; derived from the URN so runs repeat"
_SPECIAL = "!@#$%&*()-_=+[]{}<>:?"  # the provider's default special characters
# Words in the shape of the provider's (golang-petname's adverbs, adjectives and names).
_ADVERBS = ("quickly", "gently", "mostly", "freely", "highly", "simply", "really", "vastly")
_ADJECTIVES = ("brave", "calm", "eager", "fancy", "gentle", "happy", "lively", "proud", "witty", "noble")
_NAMES = ("otter", "falcon", "badger", "heron", "lynx", "marmot", "osprey", "puffin", "walrus", "zebra")


def _random(token: str, computed: Computed) -> Callable[[Emulator], Emulator]:
    """The spec every random resource shares: computed locally, every input forcing a new value (the
    provider's RequiresReplace on each), no name, no ARN; `computed` gives the recording mocks' outputs."""
    return emulates(
        token,
        note=_NOTE,
        replace_on={EVERY_INPUT},
        naming=UNNAMED,
        arn="",
        validation=Validation.LOCAL,
        computed=computed,
    )


class _Bytes:
    """A deterministic byte stream from a seed."""

    def __init__(self, seed: str) -> None:
        self._stream = self._generate(seed)

    @staticmethod
    def _generate(seed: str) -> Iterator[int]:
        counter = 0
        while True:
            yield from hashlib.sha256(f"{seed}/{counter}".encode()).digest()
            counter += 1

    def take(self, count: int) -> bytes:
        return bytes(next(self._stream) for _ in range(count))

    def below(self, bound: int) -> int:
        """A number in [0, bound)."""
        return int.from_bytes(self.take(8), "big") % bound if bound > 0 else 0

    def shuffled(self, items: list[Any]) -> list[Any]:
        items = list(items)
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
        return items


def _seed(ctx: Context, r: Resource) -> _Bytes:
    return _Bytes(f"{ctx.account_id}/{r.urn}")


def _on(s: Mapping[str, Any], key: str) -> bool:
    """A boolean input that defaults to true."""
    value = s.get(key)
    return value is None or str(value).lower() != "false"


def _characters(rand: _Bytes, s: Mapping[str, Any]) -> str:
    """A random string or password: `length` characters of the enabled classes (upper, lower, numeric,
    special, each on by default), with at least each class's minimum, shuffled."""
    length = int(s.get("length") or 0)
    special = str(s.get("overrideSpecial") or _SPECIAL)
    classes = [
        (string.ascii_uppercase, _on(s, "upper"), int(s.get("minUpper") or 0)),
        (string.ascii_lowercase, _on(s, "lower"), int(s.get("minLower") or 0)),
        (string.digits, _on(s, "numeric") and _on(s, "number"), int(s.get("minNumeric") or 0)),
        (special, _on(s, "special"), int(s.get("minSpecial") or 0)),
    ]
    chosen = [c[rand.below(len(c))] for c, enabled, least in classes if enabled for _ in range(least)]
    pool = "".join(c for c, enabled, _ in classes if enabled)
    chosen += [pool[rand.below(len(pool))] for _ in range(max(length - len(chosen), 0))] if pool else []
    return "".join(rand.shuffled(chosen))


@_random(
    "random:index/randomPassword:RandomPassword",
    lambda where, name, s: {"result": _characters(_Bytes(name), s), "bcryptHash": ""},
)
def random_password(ctx: Context, r: Resource) -> Emulated:
    return "none", {"result": _characters(_seed(ctx, r), r.inputs), "bcryptHash": ""}


def _string(rand: _Bytes, s: Mapping[str, Any]) -> Emulated:
    value = _characters(rand, s)
    return value, {"result": value}


@_random(
    "random:index/randomString:RandomString",
    lambda where, name, s: _string(_Bytes(name), s)[1],
)
def random_string(ctx: Context, r: Resource) -> Emulated:
    return _string(_seed(ctx, r), r.inputs)


def _id(rand: _Bytes, s: Mapping[str, Any]) -> Emulated:
    """`byteLength` random bytes as the provider renders them: `b64Url` (the id, unpadded URL-safe
    base64), `b64Std`, `hex` and `dec`, each after `prefix`."""
    raw = rand.take(int(s.get("byteLength") or 0))
    prefix = str(s.get("prefix") or "")
    url = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return url, {
        "b64Url": prefix + url,
        "b64Std": prefix + base64.b64encode(raw).decode(),
        "hex": prefix + raw.hex(),
        "dec": prefix + str(int.from_bytes(raw, "big")),
    }


@_random(
    "random:index/randomId:RandomId",
    lambda where, name, s: _id(_Bytes(name), s)[1],
)
def random_id(ctx: Context, r: Resource) -> Emulated:
    return _id(_seed(ctx, r), r.inputs)


def _pet(rand: _Bytes, s: Mapping[str, Any]) -> str:
    """`length` words (2 by default): adverbs, then an adjective, then a name, joined by `separator`
    ("-") after `prefix`."""
    length = int(s.get("length") or 2)
    separator = str(s.get("separator") if s.get("separator") is not None else "-")
    words = [_NAMES[rand.below(len(_NAMES))]]
    if length > 1:
        words.insert(0, _ADJECTIVES[rand.below(len(_ADJECTIVES))])
    for _ in range(length - 2):
        words.insert(0, _ADVERBS[rand.below(len(_ADVERBS))])
    if s.get("prefix"):
        words.insert(0, str(s["prefix"]))
    return separator.join(words)


@_random(
    "random:index/randomPet:RandomPet",
    lambda where, name, s: {},
)
def random_pet(ctx: Context, r: Resource) -> Emulated:
    return _pet(_seed(ctx, r), r.inputs), {}


def _integer(rand: _Bytes, s: Mapping[str, Any]) -> Emulated:
    low, high = int(s.get("min") or 0), int(s.get("max") or 0)
    value = low + rand.below(high - low + 1)
    return str(value), {"result": value}


@_random(
    "random:index/randomInteger:RandomInteger",
    lambda where, name, s: _integer(_Bytes(name), s)[1],
)
def random_integer(ctx: Context, r: Resource) -> Emulated:
    return _integer(_seed(ctx, r), r.inputs)


def _uuid(rand: _Bytes, version: int) -> Emulated:
    """An RFC 9562 UUID of `version` (4 or 7) from random bits: the version nibble and the variant set."""
    raw = bytearray(rand.take(16))
    raw[6] = (raw[6] & 0x0F) | (version << 4)
    raw[8] = (raw[8] & 0x3F) | 0x80
    value = str(uuid.UUID(bytes=bytes(raw)))
    return value, {"result": value}


@_random("random:index/randomUuid:RandomUuid", lambda where, name, s: _uuid(_Bytes(name), 4)[1])
def random_uuid(ctx: Context, r: Resource) -> Emulated:
    return _uuid(_seed(ctx, r), 4)


@_random("random:index/randomUuid4:RandomUuid4", lambda where, name, s: _uuid(_Bytes(name), 4)[1])
def random_uuid4(ctx: Context, r: Resource) -> Emulated:
    return _uuid(_seed(ctx, r), 4)


@_random("random:index/randomUuid7:RandomUuid7", lambda where, name, s: _uuid(_Bytes(name), 7)[1])
def random_uuid7(ctx: Context, r: Resource) -> Emulated:
    return _uuid(_seed(ctx, r), 7)


def _shuffle(rand: _Bytes, s: Mapping[str, Any]) -> dict[str, Any]:
    items = [str(v) for v in s.get("inputs") or []]
    count = int(s.get("resultCount") or len(items))
    shuffled = rand.shuffled(items)
    # A result count above the inputs repeats them, as the provider does.
    return {"results": [shuffled[i % len(shuffled)] for i in range(count)] if shuffled else []}


@_random(
    "random:index/randomShuffle:RandomShuffle",
    lambda where, name, s: _shuffle(_Bytes(name), s),
)
def random_shuffle(ctx: Context, r: Resource) -> Emulated:
    return "-", _shuffle(_seed(ctx, r), r.inputs)


def _random_bytes(rand: _Bytes, s: Mapping[str, Any]) -> dict[str, Any]:
    raw = rand.take(int(s.get("length") or 0))
    return {"base64": base64.b64encode(raw).decode(), "hex": raw.hex()}


@_random(
    "random:index/randomBytes:RandomBytes",
    lambda where, name, s: _random_bytes(_Bytes(name), s),
)
def random_bytes(ctx: Context, r: Resource) -> Emulated:
    return "none", _random_bytes(_seed(ctx, r), r.inputs)
