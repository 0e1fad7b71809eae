"""DynamoDB emulator: the table, its index, stream and TTL are in moto as declared."""

from __future__ import annotations

from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


def test_table_has_its_keys_index_stream_and_ttl() -> None:
    with rehearse_case("dynamodb_on_demand_table_with_index_stream_and_ttl") as rehearsal:
        table = rehearsal.result.one("aws:dynamodb/table:Table", "table")
        client = rehearsal.session.client("dynamodb", region_name=rehearsal.account.region)
        described = client.describe_table(TableName=table.id)["Table"]
        assert [k["AttributeName"] for k in described["KeySchema"]] == ["pk", "sk"], table.urn
        assert [i["IndexName"] for i in described["GlobalSecondaryIndexes"]] == ["by-email"], table.urn
        assert described["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES", table.urn
        ttl = client.describe_time_to_live(TableName=table.id)["TimeToLiveDescription"]
        assert ttl["AttributeName"] == "expires", table.urn
        assert spec_of(table.type).arn_pattern().fullmatch(table.state["arn"]), table.state["arn"]
