"""Any Pulumi Python project: its own Pulumi.yaml, main, stackConfigDir and config (secure: placeholders)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.cli import main
from infra.exit_codes import Exit
from infra.rehearsal.emulated import ECHOED
from infra.rehearsal.engine import SECURE_PLACEHOLDER
from infra.rehearsal.plan import REDACTED
from infra.rehearsal.rehearse import rehearse
from tests.infra.rehearsal.conftest import FIXTURES

MINIMAL = FIXTURES / "minimal"
EXTRAS = FIXTURES / "extras"


def test_another_project_rehearses_and_says_what_was_not_emulated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_file = tmp_path / "plan.json"
    # It runs, and the policy pack judges it as it judges this repository's stacks (no platform tags).
    assert main(["rehearse", "test", "--project", str(MINIMAL), "--json", str(plan_file)]) == Exit.POLICY
    out = capsys.readouterr().out
    assert (
        "Rehearsing minimal (test) with an emulated AWS account (moto; account 555555555555, eu-central-1)"
        in out
    )
    assert "  not emulated: 1 type, 1 resources" in out
    assert (
        f"aws:glacier/vault:Vault ({ECHOED}; inputs checked against glacier CreateVault's service model)"
        in " ".join(out.split())
    )
    assert "  token: [secret]" in out
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    assert plan["project"] == "minimal"
    assert plan["config"]["minimal:apiToken"] == REDACTED
    assert plan["coverage"]["aws:glacier/vault:Vault"] == "not emulated"
    version = next(r for r in plan["resources"] if r["name"] == "api-token-value")
    assert version["inputs"]["secretString"] == REDACTED


def test_secure_config_reaches_the_program_as_a_marked_placeholder() -> None:
    with rehearse(MINIMAL, "test") as rehearsal:
        assert rehearsal.config["minimal:apiToken"] == SECURE_PLACEHOLDER
        assert rehearsal.secret_keys == ["minimal:apiToken"]
        client = rehearsal.session.client("secretsmanager", region_name="eu-central-1")
        secret = rehearsal.result.one("aws:secretsmanager/secret:Secret", "api-token")
        assert client.get_secret_value(SecretId=secret.id)["SecretString"] == SECURE_PLACEHOLDER
        subnet = rehearsal.result.one("aws:ec2/subnet:Subnet", "net-a")
        described = rehearsal.session.client("ec2", region_name="eu-central-1").describe_subnets(
            SubnetIds=[str(subnet.id)]
        )["Subnets"][0]
        assert (described["CidrBlock"], described["AvailabilityZone"]) == ("10.77.1.0/24", "eu-central-1a")


def test_types_the_platform_declares_next_are_emulated() -> None:
    with rehearse(EXTRAS, "test") as rehearsal:
        assert rehearsal.coverage.not_emulated == []
        session, region = rehearsal.session, "eu-west-1"
        key = rehearsal.result.one("aws:kms/key:Key", "data")
        kms = session.client("kms", region_name=region)
        assert kms.get_key_rotation_status(KeyId=key.id)["KeyRotationEnabled"] is True, key.urn
        aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
        assert aliases["alias/extras-data"] == key.id
        cloudwatch = session.client("cloudwatch", region_name=region)
        alarm = rehearsal.result.one("aws:cloudwatch/metricAlarm:MetricAlarm", "cpu-high")
        described = cloudwatch.describe_alarms(AlarmNames=[alarm.id])["MetricAlarms"][0]
        topic = rehearsal.result.one("aws:sns/topic:Topic", "alerts").id
        assert (described["Threshold"], described["AlarmActions"]) == (80.0, [topic]), alarm.urn
        body = json.loads(cloudwatch.get_dashboard(DashboardName="extras-overview")["DashboardBody"])
        assert body["widgets"][0]["properties"] == {"markdown": "hi"}
        subscriptions = session.client("sns", region_name=region).list_subscriptions_by_topic(TopicArn=topic)
        assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions["Subscriptions"]] == [
            ("email", "oncall@example.com")
        ]
        policy = session.client("ecr", region_name=region).get_repository_policy(repositoryName="extras")
        assert json.loads(policy["policyText"])["Statement"][0]["Principal"] == {"AWS": "111111111111"}
        zone = rehearsal.result.one("aws:route53/zone:Zone", "zone")
        records = session.client("route53").list_resource_record_sets(HostedZoneId=zone.id)[
            "ResourceRecordSets"
        ]
        certificate = rehearsal.result.one("aws:acm/certificate:Certificate", "web")
        validation_name = certificate.state["domainValidationOptions"][0]["resourceRecordName"].rstrip(".")
        assert validation_name in [r["Name"].rstrip(".") for r in records if r["Type"] == "CNAME"]


def test_strict_fails_a_run_that_left_a_type_not_emulated(capsys: pytest.CaptureFixture[str]) -> None:
    # Its mandatory policy findings come first; the verdict names both reasons.
    assert main(["rehearse", "test", "--project", str(MINIMAL), "--strict"]) == Exit.POLICY
    out = capsys.readouterr().out
    assert "  not emulated: 1 type, 1 resources" in out
    assert "--fail-on not-emulated: aws:glacier/vault:Vault echoed without an emulator's checks." in out
    assert out.rstrip().endswith(": FAILED (6 mandatory policy finding(s); 1 type(s) not emulated)")


def test_strict_passes_a_fully_emulated_stack() -> None:
    assert main(["rehearse", "dev", "--strict"]) == 0


def test_recording_mocks_stay_available(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rehearse", "test", "--project", str(MINIMAL), "--mocks", "recording"]) == Exit.POLICY
    out = capsys.readouterr().out
    assert "\n\nRehearsing minimal (test) with recording mocks (inputs echoed; nothing validated)\n" in out
    assert "Emulation:" not in out


def test_two_projects_with_main_dot_and_same_module_names_each_run_their_own(tmp_path: Path) -> None:
    from infra.rehearsal.engine import load_project, run_program
    from infra.rehearsal.recording import RecordingMocks

    for name in ("first", "second"):
        directory = tmp_path / name
        directory.mkdir()
        (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        (directory / "Pulumi.dev.yaml").write_text("config: {}\n")
        (directory / "helper.py").write_text(f"VALUE = {name!r}\n")
        (directory / "__main__.py").write_text(
            "import pulumi\nfrom helper import VALUE\npulumi.export('value', VALUE)\n"
        )
    seen = [
        run_program(load_project(tmp_path / name), "dev", RecordingMocks()).outputs["value"]
        for name in ("first", "second", "first")
    ]
    assert seen == ["first", "second", "first"]
