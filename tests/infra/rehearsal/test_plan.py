"""Plans: byte-identical across runs and processes, ids and ARNs as URN references, secrets redacted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.policies.evaluate import policy_document
from infra.policies.offline import findings_for
from infra.rehearsal.plan import REDACTED, build_plan, dumps
from infra.rehearsal.rehearse import Rehearsal

DB_URN = (
    "urn:pulumi:prod::postings::postings:infra:Database$aws:rds/instance:Instance::postings-prod-db-instance"
)
VPC_URN = "urn:pulumi:prod::postings::postings:infra:Network$aws:ec2/vpc:Vpc::postings-prod-vpc"


def _plan(rehearsal: Rehearsal) -> str:
    return dumps(
        build_plan(
            rehearsal.result,
            config=rehearsal.config,
            secret_keys=rehearsal.secret_keys,
            coverage=rehearsal.coverage.types,
            assumed=rehearsal.coverage.assumed,
            account_id=rehearsal.account.account_id,
            region=rehearsal.account.region,
            policy=policy_document(findings_for(rehearsal.result)),
        )
    )


@pytest.fixture(scope="module")
def prod_plan(prod: Rehearsal) -> str:
    return _plan(prod)


def test_two_rehearsals_of_prod_write_identical_plans(prod_plan: str, tmp_path: Path) -> None:
    # The second run is another process with another hash seed, as on another machine.
    target = tmp_path / "prod.json"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    completed = subprocess.run(
        [sys.executable, "-m", "infra.cli", "rehearse", "prod", "--json", str(target)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert target.read_text(encoding="utf-8") == prod_plan


def test_ids_and_arns_become_urn_references(prod: Rehearsal, prod_plan: str) -> None:
    plan = json.loads(prod_plan)
    resources = {r["urn"]: r for r in plan["resources"]}
    subnet = resources[
        "urn:pulumi:prod::postings::postings:infra:Network$aws:ec2/subnet:Subnet::postings-prod-data-eu-west-1a"
    ]
    assert subnet["inputs"]["vpcId"] == f"${{{VPC_URN}.id}}"
    assert plan["outputs"]["databaseEndpoint"] == f"${{{DB_URN}.address}}"
    assert plan["outputs"]["databaseSecretArn"] == f"${{{DB_URN}.masterUserSecrets[0].secretArn}}"
    vpc_id = prod.result.one("aws:ec2/vpc:Vpc", "postings-prod-vpc").id
    assert vpc_id is not None
    assert vpc_id not in prod_plan


def test_values_the_program_declared_stay_literals_when_a_later_resource_echoes_them(
    prod_plan: str,
) -> None:
    """The bastion's state returns the zone its subnet was declared in; that zone came from config,
    not from the instance, so the subnets and the names built from it keep it as written."""
    plan = json.loads(prod_plan)
    zones = {
        r["name"]: r["inputs"]["availabilityZone"]
        for r in plan["resources"]
        if r["type"] == "aws:ec2/subnet:Subnet"
    }
    assert len(zones) == 9  # three tiers in three zones
    assert all(name.endswith(zone) for name, zone in zones.items()), zones
    assert "availabilityZone}" not in prod_plan


def test_secrets_never_reach_the_plan(prod: Rehearsal, prod_plan: str) -> None:
    secrets = prod.session.client("secretsmanager", region_name="eu-west-1")
    for secret in prod.result.by_type("aws:secretsmanager/secret:Secret"):
        password = json.loads(secrets.get_secret_value(SecretId=secret.id)["SecretString"])["password"]
        assert password not in prod_plan, secret.urn
    plan = json.loads(prod_plan)
    resources = {r["name"]: r for r in plan["resources"]}
    assert resources["postings-prod-cache-redis"]["inputs"]["authToken"] == REDACTED
    assert resources["postings-prod-broker-rabbitmq"]["inputs"]["users"] == REDACTED
    assert resources["postings-prod-cache-auth-version"]["inputs"]["secretString"] == REDACTED


def test_plan_records_coverage_and_config(prod_plan: str) -> None:
    plan = json.loads(prod_plan)
    assert plan["project"] == "postings"
    assert plan["stack"] == "prod"
    assert plan["config"]["postings:allowedAccountIds"] == '["333333333333"]'
    assert plan["coverage"]["aws:rds/instance:Instance"] == "emulated"
    assert plan["coverage"]["random:index/randomPassword:RandomPassword"] == "computed locally"
    assert "not emulated" not in plan["coverage"].values()


def test_plan_carries_the_policy_report_of_the_rehearsal(prod_plan: str) -> None:
    policy = json.loads(prod_plan)["policy"]
    assert policy["stack"] == "prod"
    assert policy["summary"]["mandatory"] == 0
    assert policy["summary"]["advisory"] == len(policy["findings"])
    # prod serves HTTPS on its domain: the HTTP-only suppression of a stack without one is not there.
    assert policy["summary"]["suppressed"] == len(policy["suppressed"]) == 0
