"""The built images themselves: what the task definitions rely on, their size, and no secret in them."""

from __future__ import annotations

import io
import json
import re
import secrets
import tarfile
from collections.abc import Iterator

import docker
import pytest
from docker.models.images import Image

from infra import workload
from infra.components.scheduled_checks import CHECKS_USER
from tests.docker.conftest import RDS_CA_STAND_IN, REPORT, Built, build

pytestmark = pytest.mark.docker

MB = 1_000_000
# What each image may add to its base (uncompressed, as `docker images` counts). Fargate keeps no image
# cache: every task start pulls the whole image, so size is scale-out and rollback time, and ECR bills
# storage by the GB. Today the service adds 140 MB (its venv: pydantic-core, SQLAlchemy, grpcio,
# botocore, with bytecode compiled for a read-only root) and the checks 27 MB (boto3); the bounds leave
# room for ordinary upgrades, not for a stray wheelhouse, tests, caches or a compiler.
ADDED_BOUND = {"postings": 200 * MB, "checks": 60 * MB}
# botocore's copy of AWS's API documentation, whose IAM examples show a placeholder private key.
AWS_API_EXAMPLES = "opt/venv/lib/python3.11/site-packages/botocore/data/"
CREDENTIAL_FILES = re.compile(
    r"(^|/)(\.env(\..*)?|\.netrc|\.pypirc|pip\.conf|\.git-credentials|id_(rsa|ecdsa|ed25519)|"
    r"\.aws/credentials|\.docker/config\.json)$"
)


def layers(image: Image, skip: int) -> Iterator[tuple[str, tarfile.TarFile]]:
    """Each layer of the image as `docker save` exports it, but the first `skip` (the base's)."""
    data = b"".join(image.save())
    with tarfile.open(fileobj=io.BytesIO(data)) as saved:
        manifest = json.load(saved.extractfile("manifest.json"))  # type: ignore[arg-type]
        for layer in manifest[0]["Layers"][skip:]:
            member = saved.extractfile(layer)
            assert member is not None
            with tarfile.open(fileobj=io.BytesIO(member.read())) as tar:
                yield layer, tar


def test_the_service_image_runs_as_the_task_definitions_expect(
    postings_image: Built, engine: docker.DockerClient
) -> None:
    config = engine.images.get(postings_image.reference).attrs["Config"]
    assert config["User"] == "10001:10001"
    assert config["Entrypoint"] == workload.ENTRY_POINT
    assert config["Cmd"] == workload.API_COMMAND
    assert config["ExposedPorts"] == {f"{workload.APP_PORT}/tcp": {}}
    assert config["Healthcheck"]["Test"][0] == "CMD"
    assert f"http://127.0.0.1:{workload.APP_PORT}/healthz" in config["Healthcheck"]["Test"][-1]
    assert config["Labels"]["org.opencontainers.image.title"] == "postings"
    env = dict(item.split("=", 1) for item in config["Env"])
    assert env["POSTINGS_DB_TLS_CA_FILE"] == "/etc/ssl/certs/rds-global-bundle.pem"
    assert env["PATH"].startswith("/opt/venv/bin:")


def test_the_checks_image_runs_as_the_schedule_expects(
    checks_image: Built, engine: docker.DockerClient
) -> None:
    config = engine.images.get(checks_image.reference).attrs["Config"]
    assert config["User"] == CHECKS_USER
    assert config["Cmd"] == ["python", "-m", "monitoring.checks.scheduled"]
    assert config["WorkingDir"] == "/app"
    assert config["Labels"]["org.opencontainers.image.title"] == "postings-checks"


def test_the_rds_bundle_is_readable_by_the_service_user(
    postings_image: Built, engine: docker.DockerClient
) -> None:
    out = engine.containers.run(
        postings_image.reference,
        entrypoint=["python", "-c"],
        command=["import os, sys; sys.stdout.write(open(os.environ['POSTINGS_DB_TLS_CA_FILE']).read())"],
        read_only=True,
        network_disabled=True,
        remove=True,
    )
    bundle = out.decode()
    assert "-----BEGIN CERTIFICATE-----" in bundle
    if "RDS_CA_BUNDLE" in postings_image.build_args:  # AWS's truststore could not be reached
        assert bundle == RDS_CA_STAND_IN.read_text()


@pytest.mark.parametrize("name", ["postings", "checks"])
def test_image_sizes_are_reported_and_bounded(
    name: str, postings_image: Built, checks_image: Built, base_image: str, engine: docker.DockerClient
) -> None:
    built = postings_image if name == "postings" else checks_image
    size = int(engine.images.get(built.reference).attrs["Size"])
    base = int(engine.images.get(base_image).attrs["Size"])
    REPORT[f"size {built.reference}"] = (
        f"{size / MB:.0f} MB ({base / MB:.0f} MB base + {(size - base) / MB:.0f} MB)"
    )
    added, bound = (size - base) / MB, ADDED_BOUND[name] / MB
    assert added <= bound, f"{built.reference} adds {added:.0f} MB to its base, above {bound:.0f} MB"


@pytest.mark.parametrize("name", ["postings", "checks"])
def test_no_secret_enters_a_layer_or_the_history(
    name: str,
    postings_image: Built,
    checks_image: Built,
    base_image: str,
    engine: docker.DockerClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Built again (from the layer cache) with credentials in the environment of the machine building
    (AWS keys, a registry token, a pip password): none reaches the image's history or config, or a
    layer it adds to its base; none of those layers holds a credential file, a private key, or a wheel
    (the wheelhouse stays in the build stage)."""
    session = postings_image if name == "postings" else checks_image
    sentinels = {
        variable: f"sentinel-{secrets.token_hex(16)}"
        for variable in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "DOCKER_AUTH_CONFIG", "PIP_PASSWORD")
    }
    for variable, value in sentinels.items():
        monkeypatch.setenv(variable, value)
    built = build(engine, session.image, f"{session.reference}-secrets-check", session.build_args)
    image = engine.images.get(built.reference)
    try:
        described = json.dumps(image.history()) + json.dumps(image.attrs)
        assert [v for v, value in sentinels.items() if value in described] == []
        values = [value.encode() for value in sentinels.values()]
        found: list[str] = []
        base = len(engine.images.get(base_image).attrs["RootFS"]["Layers"])
        assert (
            image.attrs["RootFS"]["Layers"][:base] == engine.images.get(base_image).attrs["RootFS"]["Layers"]
        )
        for layer, tar in layers(image, skip=base):
            for member in tar:
                if CREDENTIAL_FILES.search(member.name) or member.name.endswith(".whl"):
                    found.append(f"{layer}: {member.name}")
                if not member.isfile():
                    continue
                content = tar.extractfile(member)
                assert content is not None
                data = content.read()
                found += [f"{layer}: {member.name} holds a sentinel" for value in values if value in data]
                if b"PRIVATE KEY-----" in data and not member.name.startswith(AWS_API_EXAMPLES):
                    found.append(f"{layer}: {member.name} holds a private key")
        assert found == []
    finally:
        engine.images.remove(built.reference)
