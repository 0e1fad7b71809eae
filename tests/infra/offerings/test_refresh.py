"""`infra offerings refresh`: every page of every answer, written sorted and the same twice; against moto
where moto answers (EC2 DescribeInstanceTypes), recorded responses (botocore Stubber) where it does not."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import moto.ec2.models.instance_types as moto_instance_types
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from infra.cli import main
from infra.exit_codes import Exit
from infra.offerings.catalogue import SPECS, parse
from infra.offerings.refresh import refresh

REGION = "eu-west-1"
TODAY = datetime.date(2026, 11, 30)
# A handful of moto's own instance types: its DescribeInstanceTypes answers all 1,395 in ~5 s.
MOTO_TYPES = ("t4g.nano", "t4g.micro", "t3.micro", "m7g.large", "m5.large", "mac2.metal")


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def aws(credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    kept = [
        t for t in moto_instance_types.InstanceTypeBackend.instance_types if t["InstanceType"] in MOTO_TYPES
    ]
    monkeypatch.setattr(moto_instance_types.InstanceTypeBackend, "instance_types", kept)
    with mock_aws():
        yield


def written(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.json"))}


def test_ec2_against_moto_writes_each_type_with_its_architectures(aws: None, tmp_path: Path) -> None:
    assert main(["offerings", "refresh", "--only", "ec2_instance_types", "--data-dir", str(tmp_path)]) == 0
    first = written(tmp_path)
    assert main(["offerings", "refresh", "--only", "ec2_instance_types", "--data-dir", str(tmp_path)]) == 0
    assert written(tmp_path) == first
    assert list(first) == ["ec2_instance_types.json"]
    catalogue = parse("ec2_instance_types", first["ec2_instance_types.json"])
    assert dict(catalogue.values) == {
        "m5.large": ("x86_64",),
        "m7g.large": ("arm64",),
        "mac2.metal": ("arm64_mac",),
        "t3.micro": ("x86_64",),
        "t4g.micro": ("arm64",),
        "t4g.nano": ("arm64",),
    }
    assert catalogue.region == REGION
    assert catalogue.retrieved == datetime.date.today()
    assert (
        catalogue.source
        == "AWS ec2:DescribeInstanceTypes in eu-west-1, every page, by `infra offerings refresh`"
    )


def test_the_command_says_what_it_wrote(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["offerings", "refresh", "--only", "ec2_instance_types", "--data-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{tmp_path}/ec2_instance_types.json: 6 values from ec2:DescribeInstanceTypes in eu-west-1, "
        f"{datetime.date.today()}"
    ]


def test_an_empty_answer_is_not_written(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # moto answers DescribeOrderableDBInstanceOptions for aurora-postgresql and neptune only: none for mysql.
    args = ["offerings", "refresh", "--only", "ec2_instance_types", "--only", "rds_instance_classes"]
    assert main([*args, "--data-dir", str(tmp_path)]) == Exit.ERROR
    assert written(tmp_path) == {}
    assert capsys.readouterr().err.splitlines() == [
        "infra: rds:DescribeOrderableDBInstanceOptions in eu-west-1 returned nothing; rds_instance_classes "
        "left as it was"
    ]


def test_missing_credentials_are_one_line_and_exit_7(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    assert main(["offerings", "refresh", "--only", "mq_engine_versions", "--data-dir", str(tmp_path)]) == 7
    out = capsys.readouterr()
    assert out.out == ""
    assert len(out.err.splitlines()) == 1
    assert out.err.startswith("infra: no usable AWS credentials (Unable to locate credentials): ")
    assert written(tmp_path) == {}


# Recorded answers, shaped as each service model says (Stubber refuses any other shape), two pages each.
def rds_answers(stub: Stubber) -> None:
    ask = {"Engine": "mysql", "Vpc": True}

    def option(version: str, klass: str) -> dict[str, Any]:
        return {"Engine": "mysql", "EngineVersion": version, "DBInstanceClass": klass, "Vpc": True}

    stub.add_response(
        "describe_orderable_db_instance_options",
        {
            "OrderableDBInstanceOptions": [
                option("8.0.42", "db.t4g.micro"),
                option("8.4.7", "db.t4g.micro"),
                option("8.0.42", "db.r6g.12xlarge"),
            ],
            "Marker": "page-2",
        },
        ask,
    )
    stub.add_response(
        "describe_orderable_db_instance_options",
        {"OrderableDBInstanceOptions": [option("8.0.43", "db.r6g.2xlarge"), option("8.4.7", "db.r8g.large")]},
        {**ask, "Marker": "page-2"},
    )
    stub.add_response(
        "describe_db_engine_versions",
        {
            "DBEngineVersions": [
                {"Engine": "mysql", "EngineVersion": "8.0.42", "Status": "available"},
                {"Engine": "mysql", "EngineVersion": "8.0.36", "Status": "deprecated"},
            ],
            "Marker": "page-2",
        },
        {"Engine": "mysql"},
    )
    stub.add_response(
        "describe_db_engine_versions",
        {"DBEngineVersions": [{"Engine": "mysql", "EngineVersion": "8.4.7", "Status": "available"}]},
        {"Engine": "mysql", "Marker": "page-2"},
    )


def elasticache_answers(stub: Stubber) -> None:
    def offering(node_type: str, engine: str) -> dict[str, Any]:
        return {
            "ReservedCacheNodesOfferingId": f"{node_type}-{engine}",
            "CacheNodeType": node_type,
            "ProductDescription": engine,
        }

    stub.add_response(
        "describe_reserved_cache_nodes_offerings",
        {
            "ReservedCacheNodesOfferings": [
                offering("cache.t4g.micro", "redis"),
                offering("cache.m1.small", "memcached"),
            ],
            "Marker": "page-2",
        },
        {},
    )
    stub.add_response(
        "describe_reserved_cache_nodes_offerings",
        {
            "ReservedCacheNodesOfferings": [
                offering("cache.r7g.large", "redis"),
                offering("cache.t4g.micro", "valkey"),
            ]
        },
        {"Marker": "page-2"},
    )
    for engine, versions in (("redis", ["7.1", "6.2"]), ("valkey", ["8.0", "7.2"])):
        stub.add_response(
            "describe_cache_engine_versions",
            {"CacheEngineVersions": [{"Engine": engine, "EngineVersion": versions[0]}], "Marker": "page-2"},
            {"Engine": engine},
        )
        stub.add_response(
            "describe_cache_engine_versions",
            {"CacheEngineVersions": [{"Engine": engine, "EngineVersion": versions[1]}]},
            {"Engine": engine, "Marker": "page-2"},
        )


def mq_answers(stub: Stubber) -> None:
    ask = {"EngineType": "RABBITMQ"}
    stub.add_response(
        "describe_broker_engine_types",
        {
            "BrokerEngineTypes": [{"EngineType": "RABBITMQ", "EngineVersions": [{"Name": "4.2"}]}],
            "NextToken": "2",
        },
        ask,
    )
    stub.add_response(
        "describe_broker_engine_types",
        {"BrokerEngineTypes": [{"EngineType": "RABBITMQ", "EngineVersions": [{"Name": "3.13"}]}]},
        {**ask, "NextToken": "2"},
    )

    def option(host: str, *versions: str) -> dict[str, Any]:
        return {
            "EngineType": "RABBITMQ",
            "HostInstanceType": host,
            "StorageType": "EBS",
            "SupportedDeploymentModes": ["SINGLE_INSTANCE", "CLUSTER_MULTI_AZ"],
            "SupportedEngineVersions": list(versions),
            "AvailabilityZones": [{"Name": f"{REGION}a"}],
        }

    stub.add_response(
        "describe_broker_instance_options",
        {"BrokerInstanceOptions": [option("mq.m7g.large", "4.2", "3.13")], "NextToken": "2"},
        ask,
    )
    stub.add_response(
        "describe_broker_instance_options",
        {"BrokerInstanceOptions": [option("mq.t3.micro", "3.13"), option("mq.m7g.medium", "3.13", "4.2")]},
        {**ask, "NextToken": "2"},
    )


def opensearch_answers(stub: Stubber) -> None:
    for _ in range(2):  # ListVersions for opensearch_versions, then again for opensearch_instance_types
        stub.add_response(
            "list_versions", {"Versions": ["OpenSearch_3.1", "OpenSearch_2.19"], "NextToken": "2"}, {}
        )
        stub.add_response("list_versions", {"Versions": ["Elasticsearch_7.10"]}, {"NextToken": "2"})
    for version, types in (
        ("Elasticsearch_7.10", [["t3.small.search"], ["r5.large.search"]]),
        ("OpenSearch_2.19", [["r6g.large.search", "t3.small.search"], ["m6g.large.search"]]),
        ("OpenSearch_3.1", [["r6g.large.search"], ["or1.medium.search"]]),
    ):
        stub.add_response(
            "list_instance_type_details",
            {"InstanceTypeDetails": [{"InstanceType": t} for t in types[0]], "NextToken": "2"},
            {"EngineVersion": version},
        )
        stub.add_response(
            "list_instance_type_details",
            {"InstanceTypeDetails": [{"InstanceType": t} for t in types[1]]},
            {"EngineVersion": version, "NextToken": "2"},
        )


RECORDED = {
    "rds": rds_answers,
    "elasticache": elasticache_answers,
    "mq": mq_answers,
    "opensearch": opensearch_answers,
}
STUBBED = [name for name in SPECS if name != "ec2_instance_types"]


def stubbed_refresh(directory: Path) -> list[Stubber]:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )
    clients: dict[str, Any] = {}
    stubs = []
    for service, record in RECORDED.items():
        client = session.client(service)  # type: ignore[call-overload]
        stub = Stubber(client)
        record(stub)
        stub.activate()
        clients[service] = client
        stubs.append(stub)
    refresh(clients.__getitem__, REGION, TODAY, STUBBED, directory)
    return stubs


def test_recorded_answers_of_every_page_are_written_sorted_and_the_same_twice(tmp_path: Path) -> None:
    for stub in stubbed_refresh(tmp_path):
        stub.assert_no_pending_responses()
    first = written(tmp_path)
    assert sorted(first) == sorted(SPECS[name].filename for name in STUBBED)
    stubbed_refresh(tmp_path)
    assert written(tmp_path) == first
    values = {name: json.loads(first[SPECS[name].filename])["values"] for name in STUBBED}
    assert values == {
        "rds_instance_classes": {
            "8.0": ["db.r6g.2xlarge", "db.r6g.12xlarge", "db.t4g.micro"],
            "8.4": ["db.r8g.large", "db.t4g.micro"],
        },
        "rds_engine_versions": {"8.0": ["8.0.42"], "8.4": ["8.4.7"]},
        "elasticache_node_types": {
            "redis": ["cache.r7g.large", "cache.t4g.micro"],
            "valkey": ["cache.t4g.micro"],
        },
        "elasticache_engine_versions": {"redis": ["6.2", "7.1"], "valkey": ["7.2", "8.0"]},
        "mq_engine_versions": {"RABBITMQ": ["3.13", "4.2"]},
        "mq_instance_types": {
            "mq.m7g.large": ["3.13", "4.2"],
            "mq.m7g.medium": ["3.13", "4.2"],
            "mq.t3.micro": ["3.13"],
        },
        "opensearch_versions": {"all": ["Elasticsearch_7.10", "OpenSearch_2.19", "OpenSearch_3.1"]},
        "opensearch_instance_types": {
            "Elasticsearch_7.10": ["r5.large.search", "t3.small.search"],
            "OpenSearch_2.19": ["m6g.large.search", "r6g.large.search", "t3.small.search"],
            "OpenSearch_3.1": ["or1.medium.search", "r6g.large.search"],
        },
    }
    document = json.loads(first["mq_engine_versions.json"])
    assert {k: document[k] for k in ("api", "region", "retrieved", "source")} == {
        "api": "mq:DescribeBrokerEngineTypes",
        "region": REGION,
        "retrieved": "2026-11-30",
        "source": "AWS mq:DescribeBrokerEngineTypes in eu-west-1, every page, by `infra offerings refresh`",
    }


def test_nothing_is_written_when_a_later_call_fails(tmp_path: Path) -> None:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )
    client = session.client("mq")
    stub = Stubber(client)
    engine = {"EngineType": "RABBITMQ", "EngineVersions": [{"Name": "4.2"}]}
    stub.add_response(
        "describe_broker_engine_types", {"BrokerEngineTypes": [engine]}, {"EngineType": "RABBITMQ"}
    )
    stub.add_client_error("describe_broker_instance_options", "ForbiddenException", http_status_code=403)
    stub.activate()
    with pytest.raises(ClientError, match="ForbiddenException"):
        refresh(
            {"mq": client}.__getitem__, REGION, TODAY, ["mq_engine_versions", "mq_instance_types"], tmp_path
        )
    assert written(tmp_path) == {}
