"""The catalogues of AWS offerings: a JSON file each in data/, with the API it mirrors, source and date."""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
REPO_ROOT = DATA_DIR.parents[2]
# The key of a catalogue whose source does not say which engine (version) a list belongs to.
ANY = "all"
# How old a catalogue may get before the check names its age (README: "How old it may get").
MAX_AGE_DAYS = 180


@dataclass(frozen=True)
class Spec:
    """One catalogue: its name (and file) and the AWS operation that answers it (`service:Operation`)."""

    name: str
    api: str

    @property
    def filename(self) -> str:
        return f"{self.name}.json"


# What each catalogue's `values` map (README: "The catalogues"): MySQL major version -> classes; MySQL major
# version -> versions; engine -> node types; engine -> versions; engine type -> versions; host instance type
# -> engine versions; `all` -> versions; engine version -> instance types; instance type -> architectures.
SPECS: dict[str, Spec] = {
    spec.name: spec
    for spec in (
        Spec("rds_instance_classes", "rds:DescribeOrderableDBInstanceOptions"),
        Spec("rds_engine_versions", "rds:DescribeDBEngineVersions"),
        Spec("elasticache_node_types", "elasticache:DescribeReservedCacheNodesOfferings"),
        Spec("elasticache_engine_versions", "elasticache:DescribeCacheEngineVersions"),
        Spec("mq_engine_versions", "mq:DescribeBrokerEngineTypes"),
        Spec("mq_instance_types", "mq:DescribeBrokerInstanceOptions"),
        Spec("opensearch_versions", "opensearch:ListVersions"),
        Spec("opensearch_instance_types", "opensearch:ListInstanceTypeDetails"),
        Spec("ec2_instance_types", "ec2:DescribeInstanceTypes"),
    )
}


@dataclass(frozen=True)
class Catalogue:
    """A catalogue as stored: `values` maps a key (a major version, an engine, an instance type; `all` when
    the source does not say) to the sorted values AWS offers under it."""

    name: str
    api: str
    source: str
    retrieved: datetime.date
    region: str | None
    values: Mapping[str, tuple[str, ...]]
    notes: str | None = None

    @property
    def path(self) -> Path:
        return DATA_DIR / SPECS[self.name].filename

    def lookup(self, key: str) -> tuple[str, ...] | None:
        """The values under `key`, else those the source gave for every key, else None."""
        return self.values.get(key, self.values.get(ANY))

    def age(self, today: datetime.date | None = None) -> int:
        """Days since the catalogue was retrieved."""
        return ((today or datetime.date.today()) - self.retrieved).days

    def citation(self, today: datetime.date | None = None) -> str:
        """`catalogue: <file>, <operation>, retrieved <date>`, for the end of a problem message; past
        MAX_AGE_DAYS it says how old it is and how to refresh it, since the refusal may be the catalogue's
        fault (a CI run cannot refresh it: that takes AWS credentials, so age never fails a test)."""
        operation = self.api.split(":", 1)[-1]
        text = f"catalogue: {self.path.relative_to(REPO_ROOT)}, {operation}, retrieved {self.retrieved}"
        age = self.age(today)
        if age > MAX_AGE_DAYS:
            text += (
                f", {age} days old: AWS may offer it since; refresh with "
                f"`infra offerings refresh --only {self.name}`"
            )
        return text

    def to_json(self) -> str:
        """The file's text: sorted keys, naturally sorted values, two-space indent, a final newline."""
        document: dict[str, object] = {
            "catalogue": self.name,
            "api": self.api,
            "source": self.source,
            "retrieved": self.retrieved.isoformat(),
            "region": self.region,
            "values": {key: sorted_naturally(values) for key, values in self.values.items()},
        }
        if self.notes:
            document["notes"] = self.notes
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class CatalogueError(Exception):
    """A catalogue file lacks a field or holds no values: regenerate it with `infra offerings refresh`."""


SIZES = {"nano": 0, "micro": 1, "small": 2, "medium": 3, "large": 4, "xlarge": 5}
SIZE = re.compile(r"(\d*)(nano|micro|small|medium|large|xlarge|metal)")


def natural_key(value: str) -> list[tuple[int, int, list[str | int]]]:
    """Sizes by magnitude (`micro` < `large` < `2xlarge` < `12xlarge` < `metal`), numbers as numbers
    (`8.0.9` < `8.0.10`), the rest as text: the order of every list in the catalogues."""
    key: list[tuple[int, int, list[str | int]]] = []
    for part in value.split("."):
        size = SIZE.fullmatch(part)
        if size is None:
            digits = re.split(r"(\d+)", part)
            key.append((0, 0, [int(d) if i % 2 else d for i, d in enumerate(digits)]))
        elif size[2] == "metal":
            key.append((1, 10_000, []))
        else:
            key.append((1, SIZES[size[2]] + int(size[1] or 0), []))
    return key


def sorted_naturally(values: Iterable[str]) -> list[str]:
    return sorted(set(values), key=natural_key)


def parse(name: str, text: str) -> Catalogue:
    """A catalogue from its file's text; every field checked, so a hand-edited file fails loudly."""
    data = json.loads(text)
    spec = SPECS[name]
    missing = [f for f in ("catalogue", "api", "source", "retrieved", "region", "values") if f not in data]
    if missing:
        raise CatalogueError(f"{spec.filename}: missing {', '.join(missing)}")
    if data["catalogue"] != name or data["api"] != spec.api:
        raise CatalogueError(f"{spec.filename}: holds {data['catalogue']} from {data['api']}, not {spec.api}")
    values = data["values"]
    lists = isinstance(values, dict) and all(isinstance(v, list) and v for v in values.values())
    if not values or not lists:
        raise CatalogueError(f"{spec.filename}: `values` must map keys to non-empty lists")
    return Catalogue(
        name=name,
        api=spec.api,
        source=str(data["source"]),
        retrieved=datetime.date.fromisoformat(data["retrieved"]),
        region=data["region"],
        values={str(k): tuple(str(x) for x in v) for k, v in values.items()},
        notes=data.get("notes"),
    )


@functools.cache
def load(name: str) -> Catalogue:
    """The shipped catalogue `name`, read once per process."""
    return parse(name, (DATA_DIR / SPECS[name].filename).read_text(encoding="utf-8"))
