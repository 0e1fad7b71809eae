"""The catalogue files: each names API, source, date, region, parses, and is stored as refresh writes."""

from __future__ import annotations

import datetime
import json

import pytest

from infra.offerings.catalogue import (
    ANY,
    DATA_DIR,
    MAX_AGE_DAYS,
    SPECS,
    CatalogueError,
    load,
    natural_key,
    parse,
    sorted_naturally,
)

REGIONAL = {"rds_instance_classes", "ec2_instance_types"}


def test_every_catalogue_has_a_file_and_every_file_a_catalogue() -> None:
    assert sorted(p.name for p in DATA_DIR.glob("*.json")) == sorted(spec.filename for spec in SPECS.values())


@pytest.mark.parametrize("name", sorted(SPECS))
def test_each_file_names_its_api_source_date_and_values(name: str) -> None:
    catalogue = load(name)
    assert catalogue.api == SPECS[name].api
    assert len(catalogue.source) > 40, f"{name}: say where the data came from, not just the API"
    assert catalogue.retrieved <= datetime.date.today()
    assert catalogue.values
    assert all(catalogue.values.values())
    assert (catalogue.region is not None) == (name in REGIONAL), f"{name}: region {catalogue.region}"
    for key, values in catalogue.values.items():
        assert len(set(values)) == len(values), f"{name}[{key}] repeats a value"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_each_file_is_stored_as_refresh_writes_it(name: str) -> None:
    text = (DATA_DIR / SPECS[name].filename).read_text(encoding="utf-8")
    assert parse(name, text).to_json() == text


def test_a_stale_catalogue_says_so_in_every_refusal_it_causes() -> None:
    catalogue = load("rds_instance_classes")
    fresh = catalogue.retrieved + datetime.timedelta(days=MAX_AGE_DAYS)
    assert "days old" not in catalogue.citation(today=fresh)
    stale = catalogue.citation(today=fresh + datetime.timedelta(days=1))
    assert stale.endswith(
        f", {MAX_AGE_DAYS + 1} days old: AWS may offer it since; refresh with "
        "`infra offerings refresh --only rds_instance_classes`"
    )


def test_the_values_the_stacks_rely_on_are_where_the_check_looks() -> None:
    assert "db.t4g.micro" in (load("rds_instance_classes").lookup("8.0") or ())
    assert load("ec2_instance_types").values["t4g.nano"] == ("arm64",)
    assert load("ec2_instance_types").values["t3.micro"] == ("x86_64",)
    assert load("opensearch_versions").lookup(ANY) is not None
    assert "4.2" in load("mq_instance_types").values["mq.m7g.large"]
    assert "4.2" not in load("mq_instance_types").values["mq.m5.large"]


def test_sizes_sort_by_magnitude_and_numbers_as_numbers() -> None:
    assert sorted_naturally(["db.m5.12xlarge", "db.m5.large", "db.m5.2xlarge", "db.m5.xlarge"]) == [
        "db.m5.large",
        "db.m5.xlarge",
        "db.m5.2xlarge",
        "db.m5.12xlarge",
    ]
    assert sorted_naturally(["t4g.small", "t4g.nano", "t4g.medium", "t4g.micro"]) == [
        "t4g.nano",
        "t4g.micro",
        "t4g.small",
        "t4g.medium",
    ]
    assert sorted_naturally(["8.0.10", "8.0.9", "8.4.1"]) == ["8.0.9", "8.0.10", "8.4.1"]
    assert natural_key("m7g.metal") > natural_key("m7g.16xlarge")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("source"), "missing source"),
        (lambda d: d.pop("retrieved"), "missing retrieved"),
        (lambda d: d.update(api="rds:DescribeDBInstances"), "not rds:DescribeOrderableDBInstanceOptions"),
        (lambda d: d.update(values={}), "`values` must map keys to non-empty lists"),
        (lambda d: d.update(values={"8.0": []}), "`values` must map keys to non-empty lists"),
        (lambda d: d.update(values=["db.t4g.micro"]), "`values` must map keys to non-empty lists"),
    ],
)
def test_a_broken_file_is_refused_naming_the_field(change: object, message: str) -> None:
    data = json.loads((DATA_DIR / "rds_instance_classes.json").read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    with pytest.raises(CatalogueError, match=message.replace("`", ".")):
        parse("rds_instance_classes", json.dumps(data))
