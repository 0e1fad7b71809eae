"""Hosts found by stack and role tags under moto, and `infra hosts` end to end: the instances come
from the emulated account, the SSH server is a real sshd reached with --bastion-address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pymysql
import pytest

from infra.cli import main
from infra.ops import commands, hosts
from infra.ops.ssh import Endpoint
from tests.infra.ops.conftest import REGION, Fleet

AMI = "ami-0123456789abcdef0"


def launch(ec2: Any, *, environment: str, role: str, name: str, public: bool = True) -> str:
    tags = [
        {"Key": "Project", "Value": "postings"},
        {"Key": "Environment", "Value": environment},
        {"Key": "Role", "Value": role},
        {"Key": "Name", "Value": name},
    ]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    instance = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        InstanceType="t4g.nano",
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": public}],
        TagSpecifications=[{"ResourceType": "instance", "Tags": tags}],
    )["Instances"][0]
    return str(instance["InstanceId"])


@pytest.fixture
def account(aws: None) -> dict[str, str]:
    ec2 = boto3.client("ec2", region_name=REGION)
    ids = {
        "bastion": launch(ec2, environment="dev", role="bastion", name="postings-dev-bastion"),
        "ops": launch(ec2, environment="dev", role="ops", name="postings-dev-ops", public=False),
        "staging": launch(ec2, environment="staging", role="bastion", name="postings-staging-bastion"),
        "old": launch(ec2, environment="dev", role="bastion", name="postings-dev-bastion-old"),
    }
    ec2.terminate_instances(InstanceIds=[ids["old"]])
    return ids


def test_hosts_are_found_by_stack_and_role_tags_running_only(account: dict[str, str]) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    found = hosts.find_hosts(ec2, "dev")
    assert [(h.instance_id, h.role, h.name) for h in found] == [
        (account["bastion"], "bastion", "postings-dev-bastion"),
        (account["ops"], "ops", "postings-dev-ops"),
    ]
    assert found[0].public_ip
    assert found[1].public_ip is None
    assert [h.instance_id for h in hosts.find_hosts(ec2, "dev", "bastion")] == [account["bastion"]]
    assert [h.instance_id for h in hosts.find_hosts(ec2, "staging")] == [account["staging"]]
    with pytest.raises(
        hosts.NoHosts, match="no running instance tagged Project=postings, Environment=prod with Role=ops"
    ):
        hosts.require_hosts(ec2, "prod", "ops")


def test_the_bastion_is_reached_on_its_public_address_the_others_on_their_private_one() -> None:
    bastion = hosts.Host("i-1", "postings-dev-bastion", "bastion", "10.0.0.5", "54.1.2.3", f"{REGION}a")
    ops = hosts.Host("i-2", "", "ops", "10.0.1.7", None, f"{REGION}b")
    assert hosts.bastion_endpoint(bastion) == Endpoint("postings-dev-bastion", "54.1.2.3", 22)
    assert hosts.host_endpoint(ops, 2222) == Endpoint("i-2", "10.0.1.7", 2222)
    with pytest.raises(hosts.BastionUnreachable, match="aws ssm start-session --target i-2"):
        hosts.bastion_endpoint(ops)


def test_hosts_list_prints_a_table(account: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hosts", "list", "dev", "--region", REGION]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["INSTANCE", "ROLE", "NAME", "PRIVATE", "IP", "PUBLIC", "IP", "ZONE"]
    assert [line.split()[:3] for line in lines[1:]] == [
        [account["bastion"], "bastion", "postings-dev-bastion"],
        [account["ops"], "ops", "postings-dev-ops"],
    ]
    assert lines[2].split()[4] == "-"


def test_hosts_list_of_an_empty_stack_says_what_to_check(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hosts", "list", "prod", "--region", REGION]) == 1
    assert "Environment=prod: list what there is with `infra hosts list prod`" in capsys.readouterr().err


def ssh_args(fleet: Fleet) -> list[str]:
    return [
        "--region",
        REGION,
        "--bastion-address",
        f"127.0.0.1:{fleet.bastion.port}",
        "--identity",
        str(fleet.user_key),
        "--known-hosts",
        str(fleet.known_hosts),
        "--user",
        fleet.settings().user,
    ]


def test_hosts_run_on_the_bastion_over_real_ssh(
    account: dict[str, str], fleet: Fleet, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "hosts",
                "run",
                "dev",
                "--role",
                "bastion",
                *ssh_args(fleet),
                "--",
                "echo",
                "$POSTINGS_HOST_MARK",
            ]
        )
        == 0
    )
    out, err = capsys.readouterr()
    assert out == "[postings-dev-bastion] bastion\n"
    assert err == "postings-dev-bastion: ok (exit 0)\n"


def test_hosts_run_exits_non_zero_when_a_host_fails(
    account: dict[str, str], fleet: Fleet, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hosts", "run", "dev", "--role", "bastion", *ssh_args(fleet), "--", "exit 4"]) == 1
    assert capsys.readouterr().err == "postings-dev-bastion: FAILED (exit 4)\n1 of 1 host(s) failed\n"


def test_hosts_run_without_a_command_is_a_usage_error(
    account: dict[str, str], fleet: Fleet, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hosts", "run", "dev", "--role", "bastion", *ssh_args(fleet)]) == 2
    assert "no command given" in capsys.readouterr().err


def test_hosts_bootstrap_installs_the_checks_on_the_bastion(
    account: dict[str, str], fleet: Fleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "check_postings_disk").write_text("#!/bin/sh\necho 'DISK OK'\n")
    target = tmp_path / "installed"
    args = [
        *ssh_args(fleet),
        "--checks",
        str(checks),
        "--plugin-dir",
        str(target),
        "--nrpe-file",
        str(tmp_path / "n.cfg"),
    ]
    assert main(["hosts", "bootstrap", "dev", *args]) == 0
    assert capsys.readouterr().out == (
        f"postings-dev-bastion: installed check_postings_disk in {target}; "
        "NRPE not running here, not reloaded\n"
    )
    assert (target / "check_postings_disk").stat().st_mode & 0o777 == 0o755


def test_hosts_tunnel_forwards_a_local_port_through_the_bastion(
    account: dict[str, str], fleet: Fleet, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers: list[tuple[Any, ...]] = []

    def use_the_tunnel(port: int) -> None:
        # What the operator does while the tunnel is open (instead of waiting for their Ctrl-C).
        db = pymysql.connect(host="127.0.0.1", port=port, user="root", password="", connect_timeout=5)
        try:
            with db.cursor() as cursor:
                cursor.execute("SELECT @@port, 'through the bastion'")
                row = cursor.fetchone()
                assert row is not None
                answers.append(row)
        finally:
            db.close()

    monkeypatch.setattr(commands, "hold_open", use_the_tunnel)
    args = [
        "hosts",
        "tunnel",
        "dev",
        "mysql",
        "--to",
        "127.0.0.1:3306",
        "--local-port",
        "0",
        *ssh_args(fleet),
    ]
    assert main(args) == 0
    assert answers == [(3306, "through the bastion")]
    out = capsys.readouterr().out
    assert out.startswith("127.0.0.1:")
    assert out.endswith(
        f" -> 127.0.0.1:3306 through the bastion postings-dev-bastion (127.0.0.1:{fleet.bastion.port}); "
        "Ctrl-C to close\n"
    )


def test_hosts_run_accepts_the_options_before_the_stack_too(
    account: dict[str, str], fleet: Fleet, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hosts", "run", "--role", "bastion", *ssh_args(fleet), "dev", "--", "echo", "-n", "x"]) == 0
    assert capsys.readouterr().out == "[postings-dev-bastion] x\n"


def test_hosts_bootstrap_without_a_checks_directory_fails_before_connecting(
    account: dict[str, str], fleet: Fleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fleet.bastion.log.count("Accepted publickey")
    assert main(["hosts", "bootstrap", "dev", *ssh_args(fleet), "--checks", str(tmp_path / "none")]) == 1
    assert f"infra: {tmp_path / 'none'} is not a directory: pass the directory" in capsys.readouterr().err
    assert fleet.bastion.log.count("Accepted publickey") == before


def test_hosts_bootstrap_reports_a_host_it_cannot_trust(
    account: dict[str, str], fleet: Fleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "check_postings_disk").write_text("#!/bin/sh\necho 'DISK OK'\n")
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    args = [
        *ssh_args(fleet),
        "--known-hosts",
        str(empty),
        "--checks",
        str(checks),
        "--plugin-dir",
        str(tmp_path / "p"),
    ]
    assert main(["hosts", "bootstrap", "dev", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("postings-dev-bastion: FAILED: postings-dev-bastion (127.0.0.1:")
    assert "refusing to trust an unknown host key" in err
    assert not (tmp_path / "p").exists()
