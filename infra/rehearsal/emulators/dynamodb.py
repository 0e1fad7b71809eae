"""DynamoDB: tables, with the key schema, capacity and index rules the provider and AWS enforce."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import Context, Resource
from infra.rehearsal.spec import Emulated, Naming, emulates, rule

TABLE_TOKEN = "aws:dynamodb/table:Table"
PROVIDER_TABLE = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/dynamodb/table.go"
)
PROJECTION = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Projection.html"
TABLE_NAME = Naming(
    max_length=255,
    pattern=r"[a-zA-Z0-9_.-]{3,255}",
    source=(
        "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html"
        " (TableName: 3-255 of [a-zA-Z0-9_.-])"
    ),
)
PROVISIONED, PAY_PER_REQUEST = "PROVISIONED", "PAY_PER_REQUEST"


def billing_mode(r: Resource) -> str:
    return str(r.get("billingMode") or PROVISIONED)


def _key_schema(hash_key: Any, range_key: Any) -> list[dict[str, str]]:
    schema = [{"AttributeName": str(hash_key), "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": str(range_key), "KeyType": "RANGE"})
    return schema


def _projection(index: dict[str, Any]) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": index.get("projectionType")}
    if index.get("nonKeyAttributes"):
        projection["NonKeyAttributes"] = list(index["nonKeyAttributes"])
    return projection


def _throughput(source: dict[str, Any] | Resource) -> dict[str, int]:
    return {
        "ReadCapacityUnits": int(source.get("readCapacity") or 0),
        "WriteCapacityUnits": int(source.get("writeCapacity") or 0),
    }


MAX_LOCAL_SECONDARY_INDEXES = 5


@rule(
    "dynamodb-local-secondary-index-count",
    TABLE_TOKEN,
    prop="localSecondaryIndexes",
    summary=f"A table has at most {MAX_LOCAL_SECONDARY_INDEXES} local secondary indexes",
    source="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html "
    "(LocalSecondaryIndexes: the maximum is 5)",
)
def _local_secondary_index_count(ctx: Context, r: Resource) -> str | None:
    count = len(r.get("localSecondaryIndexes") or [])
    if count <= MAX_LOCAL_SECONDARY_INDEXES:
        return None
    return f"{count} local secondary indexes; a table takes at most {MAX_LOCAL_SECONDARY_INDEXES}"


@emulates(
    TABLE_TOKEN,
    note="create_table, update_time_to_live, update_continuous_backups; key, capacity and index rules are"
    " catalogued",
    replace_on={
        "hashKey",
        "importTable",
        "localSecondaryIndexes",
        "name",
        "rangeKey",
        "restoreDateTime",
        "restoreSourceName",
        "restoreSourceTableArn",
        "restoreToLatestTime",
    },
    naming=TABLE_NAME,
    arn="arn:{partition}:dynamodb:{region}:{account}:table/{name}",
    stateful="table items",
)
def table(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    mode = billing_mode(r)
    kwargs: dict[str, Any] = {
        "TableName": name,
        "BillingMode": mode,
        "KeySchema": _key_schema(r.get("hashKey"), r.get("rangeKey")),
        "AttributeDefinitions": [
            {"AttributeName": a.get("name"), "AttributeType": a.get("type")} for a in r.get("attributes", [])
        ],
    }
    if mode == PROVISIONED:
        kwargs["ProvisionedThroughput"] = _throughput(r)
    indexes = []
    for index in r.get("globalSecondaryIndexes", []):
        converted = {
            "IndexName": index.get("name"),
            "KeySchema": _key_schema(index.get("hashKey"), index.get("rangeKey")),
            "Projection": _projection(index),
        }
        if mode == PROVISIONED:
            converted["ProvisionedThroughput"] = _throughput(index)
        indexes.append(converted)
    if indexes:
        kwargs["GlobalSecondaryIndexes"] = indexes
    local = [
        {
            "IndexName": index.get("name"),
            "KeySchema": _key_schema(r.get("hashKey"), index.get("rangeKey")),
            "Projection": _projection(index),
        }
        for index in r.get("localSecondaryIndexes", [])
    ]
    if local:
        kwargs["LocalSecondaryIndexes"] = local
    if r.get("streamEnabled"):
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": r.get("streamViewType")}
    encryption = r.get("serverSideEncryption")
    if encryption and encryption.get("enabled"):
        kwargs["SSESpecification"] = {"Enabled": True, "SSEType": "KMS"}
        if encryption.get("kmsKeyArn"):
            kwargs["SSESpecification"]["KMSMasterKeyId"] = encryption["kmsKeyArn"]
    for key, boto in (
        ("tableClass", "TableClass"),
        ("deletionProtectionEnabled", "DeletionProtectionEnabled"),
    ):
        if r.get(key) is not None:
            kwargs[boto] = r.get(key)
    if r.get("tags"):
        kwargs["Tags"] = [{"Key": k, "Value": str(v)} for k, v in sorted(dict(r.get("tags")).items())]
    created = ctx.aws(r, "attributes", "dynamodb", "create_table", **kwargs)["TableDescription"]
    ttl = r.get("ttl")
    if ttl and ttl.get("enabled"):
        ctx.aws(
            r,
            "ttl",
            "dynamodb",
            "update_time_to_live",
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl.get("attributeName")},
        )
    recovery = r.get("pointInTimeRecovery") or {}
    if recovery.get("enabled"):
        specification: dict[str, Any] = {"PointInTimeRecoveryEnabled": True}
        if recovery.get("recoveryPeriodInDays") is not None:
            specification["RecoveryPeriodInDays"] = int(recovery["recoveryPeriodInDays"])
        ctx.aws(
            r,
            "pointInTimeRecovery",
            "dynamodb",
            "update_continuous_backups",
            TableName=name,
            PointInTimeRecoverySpecification=specification,
        )
    return name, {
        "name": name,
        "arn": created["TableArn"],
        "streamArn": created.get("LatestStreamArn", ""),
        "streamLabel": created.get("LatestStreamLabel", ""),
        "billingMode": mode,
    }


def _key_names(r: Resource) -> set[str]:
    keys = {r.get("hashKey"), r.get("rangeKey")}
    for index in r.get("globalSecondaryIndexes", []):
        keys |= {index.get("hashKey"), index.get("rangeKey")}
    for index in r.get("localSecondaryIndexes", []):
        keys.add(index.get("rangeKey"))
    return {str(k) for k in keys if k}


@rule(
    "dynamodb-lsi-composite-key",
    TABLE_TOKEN,
    prop="localSecondaryIndexes",
    summary="A table with local secondary indexes has a composite primary key (a range key)",
    source="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LSI.html (a local secondary"
    " index is for a table with a composite primary key)",
)
def _lsi_composite_key(ctx: Context, r: Resource) -> str | None:
    if r.get("localSecondaryIndexes") and r.get("hashKey") and not r.get("rangeKey"):
        return "local secondary indexes need the table to have a rangeKey (a composite primary key)"
    return None


@rule(
    "dynamodb-attributes-match-keys",
    TABLE_TOKEN,
    prop="attributes",
    summary="The attribute definitions are exactly the table's and its indexes' key attributes",
    source=PROVIDER_TABLE,
)
def _attributes(ctx: Context, r: Resource) -> str | None:
    if not r.get("hashKey"):
        return None
    defined = {str(a.get("name")) for a in r.get("attributes", [])}
    keys = _key_names(r)
    if keys - defined:
        return f"all indexes must match a defined attribute. Unmatched indexes: {sorted(keys - defined)}"
    if defined - keys:
        return f"all attributes must be indexed. Unused attributes: {sorted(defined - keys)}"
    return None


def _capacity_rule(rule_id: str, prop: str) -> None:
    """The provider's validateProvisionedThroughputField for one capacity."""

    def check(ctx: Context, r: Resource) -> str | None:
        value = int(r.get(prop) or 0)
        mode = billing_mode(r)
        if mode == PROVISIONED and value < 1:
            return f"{prop} must be at least 1 when billingMode is {PROVISIONED} (the default)"
        if mode == PAY_PER_REQUEST and value != 0:
            return f"{prop} can not be set when billingMode is {PAY_PER_REQUEST}"
        return None

    check.__qualname__ = f"check_{prop}"
    rule(
        rule_id,
        TABLE_TOKEN,
        prop=prop,
        summary=f"{prop} is set (at least 1) for PROVISIONED tables and only for them",
        source=PROVIDER_TABLE,
    )(check)


_capacity_rule("dynamodb-read-capacity-billing-mode", "readCapacity")
_capacity_rule("dynamodb-write-capacity-billing-mode", "writeCapacity")


@rule(
    "dynamodb-gsi-capacity",
    TABLE_TOKEN,
    prop="globalSecondaryIndexes",
    summary="A PROVISIONED table's global secondary indexes set read and write capacity",
    source=PROVIDER_TABLE,
)
def _gsi_capacity(ctx: Context, r: Resource) -> str | None:
    if billing_mode(r) != PROVISIONED:
        return None
    for index in r.get("globalSecondaryIndexes", []):
        if int(index.get("readCapacity") or 0) < 1 or int(index.get("writeCapacity") or 0) < 1:
            return (
                f"index {index.get('name')!r}: read and write capacity should be set when billing mode is "
                f"{PROVISIONED}"
            )
    return None


@rule(
    "dynamodb-index-projection",
    TABLE_TOKEN,
    prop="globalSecondaryIndexes",
    summary="An INCLUDE projection lists nonKeyAttributes; ALL and KEYS_ONLY projections list none",
    source=PROJECTION,
)
def _projection_attributes(ctx: Context, r: Resource) -> str | None:
    for index in r.get("globalSecondaryIndexes", []):
        kind, extra = index.get("projectionType"), index.get("nonKeyAttributes")
        if kind == "INCLUDE" and not extra:
            return f"index {index.get('name')!r}: an INCLUDE projection needs nonKeyAttributes"
        if kind in ("ALL", "KEYS_ONLY") and extra:
            return (
                f"index {index.get('name')!r}: nonKeyAttributes apply to INCLUDE projections only, not {kind}"
            )
    return None


@rule(
    "dynamodb-stream-view-type",
    TABLE_TOKEN,
    prop="streamViewType",
    summary="An enabled stream names its view type",
    source=PROVIDER_TABLE,
)
def _stream_view(ctx: Context, r: Resource) -> str | None:
    if r.get("streamEnabled") and not r.get("streamViewType"):
        return "streamViewType is required when streamEnabled is true"
    if not r.get("streamEnabled") and r.get("streamViewType"):
        return "streamViewType can only be set when streamEnabled is true"
    return None
