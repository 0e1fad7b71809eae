"""Rewrite the catalogues from the AWS APIs they mirror (credentials needed): every page of every answer."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from infra.offerings.catalogue import ANY, DATA_DIR, SPECS, Catalogue, sorted_naturally

# A boto3 client for a service name ("rds", "mq", ...): boto3.session.Session(region_name=...).client.
ClientFactory = Callable[[str], Any]
Values = dict[str, list[str]]
# The engines whose offerings the platform reads (infra/components/database.py, cache.py, broker.py).
RDS_ENGINE = "mysql"
CACHE_ENGINES = ("redis", "valkey")
BROKER_ENGINE = "RABBITMQ"


def _pages(client: Any, operation: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every page of `operation`: botocore's paginator where the service model has one, else NextToken."""
    if client.can_paginate(operation):
        yield from client.get_paginator(operation).paginate(**kwargs)
        return
    method = getattr(client, operation)
    token: str | None = None
    while True:
        page = method(**kwargs, **({"NextToken": token} if token else {}))
        yield page
        token = page.get("NextToken")
        if not token:
            return


def _grouped(pairs: Iterator[tuple[str, str]]) -> Values:
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for key, value in pairs:
        groups[key].add(value)
    return {key: sorted_naturally(values) for key, values in groups.items()}


def _major(version: str) -> str:
    return ".".join(version.split(".")[:2])


def rds_instance_classes(clients: ClientFactory) -> Values:
    """The classes orderable in a VPC per MySQL major version (a class counts if any minor version has it)."""
    rds = clients("rds")
    return _grouped(
        (_major(option["EngineVersion"]), option["DBInstanceClass"])
        for page in _pages(rds, "describe_orderable_db_instance_options", Engine=RDS_ENGINE, Vpc=True)
        for option in page["OrderableDBInstanceOptions"]
    )


def rds_engine_versions(clients: ClientFactory) -> Values:
    rds = clients("rds")
    return _grouped(
        (_major(version["EngineVersion"]), version["EngineVersion"])
        for page in _pages(rds, "describe_db_engine_versions", Engine=RDS_ENGINE)
        for version in page["DBEngineVersions"]
        if version.get("Status", "available") == "available"
    )


def elasticache_node_types(clients: ClientFactory) -> Values:
    """Node types with a reserved-node offering in the region, per engine: the one ElastiCache operation that
    lists node types (CreateCacheCluster and the API reference's CacheNode data type only name them)."""
    elasticache = clients("elasticache")
    return _grouped(
        (offering["ProductDescription"], offering["CacheNodeType"])
        for page in _pages(elasticache, "describe_reserved_cache_nodes_offerings")
        for offering in page["ReservedCacheNodesOfferings"]
        if offering["ProductDescription"] in CACHE_ENGINES
    )


def elasticache_engine_versions(clients: ClientFactory) -> Values:
    elasticache = clients("elasticache")
    return _grouped(
        (version["Engine"], version["EngineVersion"])
        for engine in CACHE_ENGINES
        for page in _pages(elasticache, "describe_cache_engine_versions", Engine=engine)
        for version in page["CacheEngineVersions"]
    )


def mq_engine_versions(clients: ClientFactory) -> Values:
    mq = clients("mq")
    return _grouped(
        (engine["EngineType"], version["Name"])
        for page in _pages(mq, "describe_broker_engine_types", EngineType=BROKER_ENGINE)
        for engine in page["BrokerEngineTypes"]
        for version in engine["EngineVersions"]
    )


def mq_instance_types(clients: ClientFactory) -> Values:
    """For each RabbitMQ host instance type, the engine versions it runs."""
    mq = clients("mq")
    return _grouped(
        (option["HostInstanceType"], version)
        for page in _pages(mq, "describe_broker_instance_options", EngineType=BROKER_ENGINE)
        for option in page["BrokerInstanceOptions"]
        for version in option["SupportedEngineVersions"]  # names, where DescribeBrokerEngineTypes has objects
    )


def _opensearch_versions(clients: ClientFactory) -> list[str]:
    return sorted_naturally(
        version for page in _pages(clients("opensearch"), "list_versions") for version in page["Versions"]
    )


def opensearch_versions(clients: ClientFactory) -> Values:
    return {ANY: _opensearch_versions(clients)}


def opensearch_instance_types(clients: ClientFactory) -> Values:
    """For each engine version ListVersions names, the instance types ListInstanceTypeDetails gives it."""
    opensearch = clients("opensearch")
    return _grouped(
        (version, detail["InstanceType"])
        for version in _opensearch_versions(clients)
        for page in _pages(opensearch, "list_instance_type_details", EngineVersion=version)
        for detail in page["InstanceTypeDetails"]
    )


def ec2_instance_types(clients: ClientFactory) -> Values:
    """Each instance type the region offers with the architectures its processors run."""
    return {
        kind["InstanceType"]: sorted_naturally(kind["ProcessorInfo"]["SupportedArchitectures"])
        for page in _pages(clients("ec2"), "describe_instance_types")
        for kind in page["InstanceTypes"]
    }


FETCHERS: Mapping[str, Callable[[ClientFactory], Values]] = {
    "rds_instance_classes": rds_instance_classes,
    "rds_engine_versions": rds_engine_versions,
    "elasticache_node_types": elasticache_node_types,
    "elasticache_engine_versions": elasticache_engine_versions,
    "mq_engine_versions": mq_engine_versions,
    "mq_instance_types": mq_instance_types,
    "opensearch_versions": opensearch_versions,
    "opensearch_instance_types": opensearch_instance_types,
    "ec2_instance_types": ec2_instance_types,
}


class EmptyAnswer(Exception):
    """AWS answered with no offerings at all: the region lacks the service, or the call was filtered."""


def refresh(
    clients: ClientFactory,
    region: str,
    today: datetime.date,
    names: Sequence[str] = tuple(SPECS),
    data_dir: Path = DATA_DIR,
) -> list[Catalogue]:
    """Ask AWS for each named catalogue, then write them all (nothing is written if any call fails)."""
    catalogues = []
    for name in names:
        values = FETCHERS[name](clients)
        if not values:
            raise EmptyAnswer(f"{SPECS[name].api} in {region} returned nothing; {name} left as it was")
        spec = SPECS[name]
        catalogues.append(
            Catalogue(
                name=name,
                api=spec.api,
                source=f"AWS {spec.api} in {region}, every page, by `infra offerings refresh`",
                retrieved=today,
                region=region,
                values={key: tuple(vs) for key, vs in values.items()},
            )
        )
    for catalogue in catalogues:
        (data_dir / SPECS[catalogue.name].filename).write_text(catalogue.to_json(), encoding="utf-8")
    return catalogues
