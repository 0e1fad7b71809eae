"""The stack config's instance classes, node types, engine versions and the bastion's architecture against
what AWS offers (the catalogues in data/): one problem per bad value, naming key, value and fix."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from infra.components.hosts import AMI_NAME_PATTERN
from infra.offerings.catalogue import ANY, Catalogue, load, natural_key

if TYPE_CHECKING:  # infra.config calls offering_problems from load_config: no import cycle at run time
    from infra.config import StackConfig

# The bastion boots the newest Amazon Linux 2023 image of this architecture (the AMI name's last part).
BASTION_ARCHITECTURE = AMI_NAME_PATTERN.rsplit("-", 1)[-1]
# RabbitMQ is the broker engine the platform runs (infra/components/broker.py); Redis OSS the cache engine.
BROKER_ENGINE = "RABBITMQ"
CACHE_ENGINE = "redis"
OPENSEARCH_SUFFIX = ".search"
SHOWN = 8
# How alike a suggestion must be (difflib's ratio) to be offered as `did you mean`.
SIMILAR = 0.6


def offering_problems(config: StackConfig) -> list[str]:
    """Every value of `config` that AWS does not offer, in config key order; [] when all are offered."""
    return [problem for rule in RULES if (problem := rule(config)) is not None]


def _key(field: str) -> str:
    """`db_instance_class` -> `postings:dbInstanceClass`, the key as the stack file spells it."""
    from infra.config import NAMESPACE

    head, *rest = field.split("_")
    return f"{NAMESPACE}:{head}{''.join(part.title() for part in rest)}"


def _family(version: str) -> str:
    """`8.0.39` -> `8.0`; `8.0` -> `8.0`."""
    return ".".join(version.split(".")[:2])


def _offers_version(offered: Iterable[str], version: str) -> bool:
    """`version` is offered itself, or is the major version of one that is (`8.0` of `8.0.42`)."""
    return any(o == version or o.startswith(f"{version}.") for o in offered)


def _kind(value: str) -> tuple[str, str]:
    """`db.t4g.medium` -> (`db.t4g`, `medium`); `m6g.large.search` -> (`m6g`, `large`)."""
    family, _, size = value.removesuffix(OPENSEARCH_SUFFIX).rpartition(".")
    return family, size


def _closest(value: str, offered: Iterable[str]) -> str | None:
    """The offered value nearest to `value`: its own family first (`db.t4g.` of `db.t4g.mega`), then the
    longest common start (`db.t4g.me`dium), then similarity; among equals the newest or largest."""
    offered = list(offered)
    family = _kind(value)[0]
    pool = [o for o in offered if _kind(o)[0] == family] or offered

    def likeness(candidate: str) -> tuple[int, float, list[tuple[int, int, list[str | int]]]]:
        pairs = zip(value, candidate, strict=False)
        common = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(value), len(candidate)))
        return common, difflib.SequenceMatcher(None, value, candidate).ratio(), natural_key(candidate)

    best = max(pool, key=likeness, default=None)
    if best is None or difflib.SequenceMatcher(None, value, best).ratio() < SIMILAR:
        return None
    return best


def _listing(values: Iterable[str]) -> str:
    ordered = sorted(values, key=natural_key)
    shown = ", ".join(ordered[:SHOWN])
    return shown if len(ordered) <= SHOWN else f"{shown}, ... ({len(ordered)} in all)"


def _refusal(
    field: str, value: str, what: str, offered: Iterable[str], catalogue: Catalogue, *, sized: bool = True
) -> str:
    """`<key> = <value>: <what>; did you mean <closest>? <family> comes as <sizes> (<citation>)`; `sized`
    False for versions, which have no family of sizes to list."""
    offered = list(offered)
    closest = _closest(value, offered)
    family = _kind(value)[0]
    kin = [o for o in offered if _kind(o)[0] == family] if sized else []
    sizes = f"{family} comes as {_listing(_kind(o)[1] for o in kin)}" if kin else ""
    if closest is not None:
        fix = f"did you mean {closest}?" + (f" {sizes}" if len(kin) > 1 else "")
    else:
        fix = sizes or f"offered: {_listing(offered)}"
    return f"{_key(field)} = {value}: {what}; {fix} ({catalogue.citation()})"


def _where(catalogue: Catalogue, c: StackConfig) -> str:
    """` in eu-west-1` for a regional catalogue, saying so when the stack lives in another region."""
    if catalogue.region is None:
        return ""
    if catalogue.region == c.region:
        return f" in {catalogue.region}"
    return f" in {catalogue.region} (the catalogue's region; the stack's is {c.region})"


def _scope(catalogue: Catalogue, key: str, label: str) -> str:
    """`for MySQL 8.0` when the catalogue lists values per key, `for MySQL` when its source did not say."""
    return f"{label} {key}" if key in catalogue.values else label


def _db_instance_class(c: StackConfig) -> str | None:
    catalogue = load("rds_instance_classes")
    family = _family(c.db_engine_version)
    offered = catalogue.lookup(family)
    if offered is None or c.db_instance_class in offered:
        return None
    what = f"not an RDS instance class for {_scope(catalogue, family, 'MySQL')}{_where(catalogue, c)}"
    return _refusal("db_instance_class", c.db_instance_class, what, offered, catalogue)


def _db_engine_version(c: StackConfig) -> str | None:
    catalogue = load("rds_engine_versions")
    family = _family(c.db_engine_version)
    offered = catalogue.lookup(family)
    if offered is not None and _offers_version(offered, c.db_engine_version):
        return None
    what = f"not a MySQL version RDS offers{_where(catalogue, c)}"
    everything = [v for versions in catalogue.values.values() for v in versions]
    return _refusal(
        "db_engine_version", c.db_engine_version, what, offered or everything, catalogue, sized=False
    )


def _cache_node_type(c: StackConfig) -> str | None:
    catalogue = load("elasticache_node_types")
    offered = catalogue.lookup(CACHE_ENGINE)
    if offered is None or c.cache_node_type in offered:
        return None
    what = f"not an ElastiCache node type for Redis OSS{_where(catalogue, c)}"
    return _refusal("cache_node_type", c.cache_node_type, what, offered, catalogue)


def _engine_version(
    field: str, catalogue_name: str, engine: str, what: str
) -> Callable[[StackConfig], str | None]:
    """The check of an engine version against the versions its catalogue lists for `engine`."""

    def check(c: StackConfig) -> str | None:
        catalogue = load(catalogue_name)
        offered = catalogue.lookup(engine)
        value = getattr(c, field)
        if offered is None or _offers_version(offered, value):
            return None
        return _refusal(field, value, f"{what}{_where(catalogue, c)}", offered, catalogue, sized=False)

    return check


_cache_engine_version = _engine_version(
    "cache_engine_version",
    "elasticache_engine_versions",
    CACHE_ENGINE,
    "not a Redis OSS version ElastiCache offers",
)
_broker_engine_version = _engine_version(
    "broker_engine_version", "mq_engine_versions", BROKER_ENGINE, "not a RabbitMQ version Amazon MQ offers"
)


def _broker_instance_type(c: StackConfig) -> str | None:
    catalogue = load("mq_instance_types")
    versions = catalogue.values.get(c.broker_instance_type)
    if versions is None:
        what = f"not an Amazon MQ broker instance type for RabbitMQ{_where(catalogue, c)}"
        return _refusal("broker_instance_type", c.broker_instance_type, what, catalogue.values, catalogue)
    offered_anywhere = load("mq_engine_versions").lookup(BROKER_ENGINE) or ()
    if _offers_version(versions, c.broker_engine_version) or not _offers_version(
        offered_anywhere, c.broker_engine_version
    ):
        return (
            None  # a version Amazon MQ offers on no host at all is reported once, by _broker_engine_version
        )
    hosts = [t for t, vs in catalogue.values.items() if _offers_version(vs, c.broker_engine_version)]
    return (
        f"{_key('broker_instance_type')} = {c.broker_instance_type}: Amazon MQ runs RabbitMQ "
        f"{c.broker_engine_version} only on {_listing(hosts)}; choose one of those, or "
        f"{_key('broker_engine_version')} {_listing(versions)} ({catalogue.citation()})"
    )


def _search_engine_version(c: StackConfig) -> str | None:
    catalogue = load("opensearch_versions")
    offered = catalogue.lookup(ANY) or ()
    if c.search_engine_version in offered:
        return None
    what = f"not an engine version Amazon OpenSearch Service offers{_where(catalogue, c)}"
    return _refusal("search_engine_version", c.search_engine_version, what, offered, catalogue, sized=False)


def _search_type(field: str) -> Callable[[StackConfig], str | None]:
    def rule(c: StackConfig) -> str | None:
        catalogue = load("opensearch_instance_types")
        value = str(getattr(c, field))
        offered = catalogue.lookup(c.search_engine_version)
        if offered is None or value in offered:
            return None
        scope = _scope(catalogue, c.search_engine_version, "OpenSearch Service")
        what = f"not an instance type of {scope}{_where(catalogue, c)}"
        return _refusal(field, value, what, offered, catalogue)

    return rule


def _bastion_instance_type(c: StackConfig) -> str | None:
    catalogue = load("ec2_instance_types")
    value = c.bastion_instance_type
    architectures = catalogue.values.get(value)
    if architectures is None:
        what = f"not an EC2 instance type{_where(catalogue, c)}"
        return _refusal("bastion_instance_type", value, what, catalogue.values, catalogue)
    if BASTION_ARCHITECTURE in architectures:
        return None
    fitting = [t for t, archs in catalogue.values.items() if BASTION_ARCHITECTURE in archs]
    size = value.rpartition(".")[2]
    counterpart = _closest(value, [t for t in fitting if t.rpartition(".")[2] == size] or fitting)
    instead = f", e.g. {counterpart}" if counterpart else ""
    return (
        f"{_key('bastion_instance_type')} = {value}: {'/'.join(architectures)} only, but the bastion "
        f"boots an {BASTION_ARCHITECTURE} Amazon Linux 2023 image (AMI_NAME_PATTERN in "
        f"infra/components/hosts.py); choose an {BASTION_ARCHITECTURE} type{instead} ({catalogue.citation()})"
    )


RULES: tuple[Callable[[StackConfig], str | None], ...] = (
    _db_instance_class,
    _db_engine_version,
    _cache_node_type,
    _cache_engine_version,
    _broker_instance_type,
    _broker_engine_version,
    _search_type("search_instance_type"),
    _search_type("search_master_instance_type"),
    _search_engine_version,
    _bastion_instance_type,
)
