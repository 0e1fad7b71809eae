"""Database: RDS MySQL private, encrypted, TLS-only, managed password, per-environment durability."""

from __future__ import annotations

import pytest

from infra.components.database import parameter_family, supports_performance_insights
from tests.infra.program import run, subnet_ids

INSTANCE = "aws:rds/instance:Instance"


def test_parameter_family_and_performance_insights_support() -> None:
    assert parameter_family("8.0") == "mysql8.0"
    assert parameter_family("8.4.3") == "mysql8.4"
    assert supports_performance_insights("db.r6g.large") is True
    assert supports_performance_insights("db.t4g.micro") is False
    assert supports_performance_insights("db.t4g.small") is False


def test_dev_instance_inputs() -> None:
    result = run("dev")
    inputs = result.one(INSTANCE, "postings-dev-db-instance").inputs
    subnet_group = result.one("aws:rds/subnetGroup:SubnetGroup", "postings-dev-db-subnets")
    params = result.one("aws:rds/parameterGroup:ParameterGroup", "postings-dev-db-params")
    db_sg = result.one("aws:ec2/securityGroup:SecurityGroup", "postings-dev-database")
    assert inputs["identifier"] == "postings-dev-mysql"
    assert (inputs["engine"], inputs["engineVersion"], inputs["instanceClass"]) == (
        "mysql",
        "8.0",
        "db.t4g.micro",
    )
    assert inputs["publiclyAccessible"] is False
    assert inputs["storageEncrypted"] is True
    assert inputs["manageMasterUserPassword"] is True
    assert "password" not in inputs
    assert inputs["username"] == "postings_admin"
    assert inputs["dbSubnetGroupName"] == subnet_group.state["name"]
    assert inputs["parameterGroupName"] == params.state["name"]
    assert inputs["vpcSecurityGroupIds"] == [db_sg.id]
    assert (inputs["multiAz"], inputs["deletionProtection"], inputs["backupRetentionPeriod"]) == (
        False,
        False,
        1,
    )
    assert inputs["skipFinalSnapshot"] is True
    assert inputs["enabledCloudwatchLogsExports"] == ["audit", "error", "general", "slowquery"]
    options = result.one("aws:rds/optionGroup:OptionGroup", "postings-dev-db-options")
    assert inputs["optionGroupName"] == options.state["name"]
    assert inputs["monitoringInterval"] == 60
    assert inputs["performanceInsightsEnabled"] is False
    assert inputs["iamDatabaseAuthenticationEnabled"] is True
    assert inputs["copyTagsToSnapshot"] is True


def test_prod_instance_is_durable() -> None:
    inputs = run("prod").one(INSTANCE, "postings-prod-db-instance").inputs
    assert (inputs["multiAz"], inputs["deletionProtection"], inputs["backupRetentionPeriod"]) == (
        True,
        True,
        14,
    )
    assert inputs["skipFinalSnapshot"] is False
    assert inputs["finalSnapshotIdentifier"] == "postings-prod-mysql-final"
    assert inputs["applyImmediately"] is False
    assert inputs["performanceInsightsEnabled"] is True
    assert (inputs["allocatedStorage"], inputs["maxAllocatedStorage"]) == (100, 1000)


def test_parameter_group_forces_utf8mb4_and_tls() -> None:
    params = run("dev").one("aws:rds/parameterGroup:ParameterGroup", "postings-dev-db-params").inputs
    assert params["family"] == "mysql8.0"
    assert {p["name"]: p["value"] for p in params["parameters"]} == {
        "character_set_server": "utf8mb4",
        "collation_server": "utf8mb4_0900_ai_ci",
        "require_secure_transport": "1",
        "slow_query_log": "1",
        "long_query_time": "1",
    }


def test_option_group_turns_on_the_audit_log() -> None:
    options = run("dev").one("aws:rds/optionGroup:OptionGroup", "postings-dev-db-options").inputs
    assert (options["engineName"], options["majorEngineVersion"]) == ("mysql", "8.0")
    assert options["options"] == [
        {
            "optionName": "MARIADB_AUDIT_PLUGIN",
            "optionSettings": [{"name": "SERVER_AUDIT_EVENTS", "value": "CONNECT,QUERY_DDL,QUERY_DCL"}],
        }
    ]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_subnet_group_uses_only_data_subnets(stack: str) -> None:
    result = run(stack)
    data = subnet_ids(result, "data")
    group = result.one("aws:rds/subnetGroup:SubnetGroup", f"postings-{stack}-db-subnets")
    assert sorted(group.inputs["subnetIds"]) == data


def test_database_secret_is_the_managed_one() -> None:
    result = run("dev")
    managed = result.one(INSTANCE, "postings-dev-db-instance").state["masterUserSecrets"][0]["secretArn"]
    assert result.outputs["databaseSecretArn"] == managed
