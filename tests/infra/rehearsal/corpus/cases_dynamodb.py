"""DynamoDB cases."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

TABLE = "aws:dynamodb/table:Table"
PROVIDER_TABLE = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/dynamodb/table.go"
)


def _table(**overrides: Any) -> None:
    args: dict[str, Any] = {
        "hash_key": "pk",
        "attributes": [{"name": "pk", "type": "S"}],
        "billing_mode": "PAY_PER_REQUEST",
    }
    args.update(overrides)
    aws.dynamodb.Table("table", **args)


@valid("dynamodb")
def dynamodb_on_demand_table_with_index_stream_and_ttl() -> None:
    _table(
        range_key="sk",
        attributes=[
            {"name": "pk", "type": "S"},
            {"name": "sk", "type": "S"},
            {"name": "email", "type": "S"},
            {"name": "created", "type": "N"},
        ],
        global_secondary_indexes=[
            {
                "name": "by-email",
                "hash_key": "email",
                "projection_type": "INCLUDE",
                "non_key_attributes": ["pk"],
            }
        ],
        local_secondary_indexes=[{"name": "by-created", "range_key": "created", "projection_type": "ALL"}],
        stream_enabled=True,
        stream_view_type="NEW_AND_OLD_IMAGES",
        ttl={"attribute_name": "expires", "enabled": True},
        point_in_time_recovery={"enabled": True},
    )


@valid("dynamodb")
def dynamodb_provisioned_table_with_capacities() -> None:
    _table(
        billing_mode="PROVISIONED",
        read_capacity=5,
        write_capacity=5,
        attributes=[{"name": "pk", "type": "S"}, {"name": "status", "type": "S"}],
        global_secondary_indexes=[
            {
                "name": "by-status",
                "hash_key": "status",
                "projection_type": "KEYS_ONLY",
                "read_capacity": 1,
                "write_capacity": 1,
            }
        ],
    )


@refused("dynamodb", token=TABLE, prop="attributes", source=PROVIDER_TABLE)
def dynamodb_attribute_defined_but_not_a_key() -> None:
    _table(attributes=[{"name": "pk", "type": "S"}, {"name": "email", "type": "S"}])


@refused("dynamodb", token=TABLE, prop="attributes", source=PROVIDER_TABLE)
def dynamodb_range_key_without_definition() -> None:
    _table(range_key="created_at")


@refused("dynamodb", token=TABLE, prop="readCapacity", source=PROVIDER_TABLE)
def dynamodb_provisioned_without_capacities() -> None:
    _table(billing_mode="PROVISIONED")


@refused("dynamodb", token=TABLE, prop="writeCapacity", source=PROVIDER_TABLE)
def dynamodb_provisioned_without_write_capacity() -> None:
    _table(billing_mode="PROVISIONED", read_capacity=5)


@refused("dynamodb", token=TABLE, prop="readCapacity", source=PROVIDER_TABLE)
def dynamodb_on_demand_with_read_capacity() -> None:
    _table(read_capacity=10)


@refused("dynamodb", token=TABLE, prop="writeCapacity", source=PROVIDER_TABLE)
def dynamodb_on_demand_with_write_capacity() -> None:
    _table(write_capacity=10)


@refused("dynamodb", token=TABLE, prop="globalSecondaryIndexes", source=PROVIDER_TABLE)
def dynamodb_provisioned_index_without_capacity() -> None:
    _table(
        billing_mode="PROVISIONED",
        read_capacity=5,
        write_capacity=5,
        attributes=[{"name": "pk", "type": "S"}, {"name": "status", "type": "S"}],
        global_secondary_indexes=[{"name": "by-status", "hash_key": "status", "projection_type": "ALL"}],
    )


@refused(
    "dynamodb",
    token=TABLE,
    prop="globalSecondaryIndexes",
    source="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Projection.html",
)
def dynamodb_include_projection_without_attributes() -> None:
    _table(
        attributes=[{"name": "pk", "type": "S"}, {"name": "status", "type": "S"}],
        global_secondary_indexes=[{"name": "by-status", "hash_key": "status", "projection_type": "INCLUDE"}],
    )


@refused(
    "dynamodb",
    token=TABLE,
    prop="globalSecondaryIndexes",
    source="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Projection.html",
)
def dynamodb_keys_only_projection_with_attributes() -> None:
    _table(
        attributes=[{"name": "pk", "type": "S"}, {"name": "status", "type": "S"}],
        global_secondary_indexes=[
            {
                "name": "by-status",
                "hash_key": "status",
                "projection_type": "KEYS_ONLY",
                "non_key_attributes": ["x"],
            }
        ],
    )


@refused("dynamodb", token=TABLE, prop="streamViewType", source=PROVIDER_TABLE)
def dynamodb_stream_without_view_type() -> None:
    _table(stream_enabled=True)


@refused(
    "dynamodb",
    token=TABLE,
    prop="attributes",
    source="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeDefinition.html",
)
def dynamodb_attribute_of_type_string() -> None:
    _table(attributes=[{"name": "pk", "type": "STRING"}])


@refused(
    "dynamodb",
    token=TABLE,
    prop="name",
    source="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html",
)
def dynamodb_table_name_of_two_characters() -> None:
    _table(name="ab")


@refused(
    "dynamodb",
    token=TABLE,
    prop="localSecondaryIndexes",
    source="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LSI.html",
)
def dynamodb_local_index_on_a_table_without_range_key() -> None:
    _table(
        attributes=[{"name": "pk", "type": "S"}, {"name": "created", "type": "N"}],
        local_secondary_indexes=[{"name": "by-created", "range_key": "created", "projection_type": "ALL"}],
    )


UPDATE_CONTINUOUS_BACKUPS = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PointInTimeRecoverySpecification.html"
)


@valid("dynamodb")
def dynamodb_point_in_time_recovery_for_a_week() -> None:
    _table(point_in_time_recovery={"enabled": True, "recovery_period_in_days": 7})


@refused("dynamodb", token=TABLE, prop="pointInTimeRecovery", source=UPDATE_CONTINUOUS_BACKUPS)
def dynamodb_point_in_time_recovery_beyond_35_days() -> None:
    _table(point_in_time_recovery={"enabled": True, "recovery_period_in_days": 40})


def _with_local_indexes(count: int) -> None:
    sort_keys = [f"by{index}" for index in range(count)]
    _table(
        range_key="sk",
        attributes=[{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}]
        + [{"name": key, "type": "S"} for key in sort_keys],
        local_secondary_indexes=[
            {"name": f"lsi-{key}", "range_key": key, "projection_type": "KEYS_ONLY"} for key in sort_keys
        ],
    )


@valid("dynamodb")
def dynamodb_five_local_secondary_indexes() -> None:
    _with_local_indexes(5)


@refused(
    "dynamodb",
    token=TABLE,
    prop="localSecondaryIndexes",
    source="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html",
)
def dynamodb_six_local_secondary_indexes() -> None:
    _with_local_indexes(6)
