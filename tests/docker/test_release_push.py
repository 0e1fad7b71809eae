"""`infra release <stack>` for real: a clone of this repository built by the engine and pushed, with the
emulated account's ECR authorization token, to a registry standing in for the stack's ECR repository
(tests/docker/registry.py), which records each push in the emulated ECR and refuses an existing tag as
the stack's IMMUTABLE repository does."""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import botocore.handlers
import docker
import docker.errors
import pytest

from infra.cli import main
from infra.ops import release
from infra.ops.commands import PROJECT_ROOT
from infra.ops.stack import repository_uri
from infra.rehearsal.rehearse import Rehearsal
from tests.docker.conftest import REPORT, STACK, Built
from tests.docker.registry import EcrStandIn

pytestmark = pytest.mark.docker

REPOSITORY = f"postings-{STACK}"
MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"


@dataclass(frozen=True)
class Target:
    """The stand-in registry, the emulated ECR behind it, the token ECR hands out, and a clone to release."""

    registry: EcrStandIn
    ecr: Any
    password: str
    checkout: Path
    build_args: list[str]

    @property
    def repository(self) -> str:
        return f"{self.registry.host}/{REPOSITORY}"

    def manifest_digest(self, tag: str) -> str:
        """The digest the registry serves for `tag`, asked with the ECR token as docker would."""
        request = urllib.request.Request(
            f"http://{self.registry.host}/v2/{REPOSITORY}/manifests/{tag}",
            method="HEAD",
            headers={
                "Accept": MANIFEST_V2,
                "Authorization": "Basic " + base64.b64encode(f"AWS:{self.password}".encode()).decode(),
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(response.headers["Docker-Content-Digest"])

    def ecr_digest(self, tag: str) -> str:
        found = self.ecr.describe_images(repositoryName=REPOSITORY, imageIds=[{"imageTag": tag}])
        return str(found["imageDetails"][0]["imageDigest"])

    def release(self, *extra: str) -> int:
        return main(
            [
                "release",
                STACK,
                "--project",
                str(self.checkout),
                "--context",
                str(self.checkout / "services" / "postings"),
                *self.build_args,
                *extra,
            ]
        )


@pytest.fixture(scope="module")
def target(
    engine: docker.DockerClient,
    stack: Rehearsal,
    postings_image: Built,
    checks_image: Built,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Target]:
    ecr = stack.account.client("ecr")
    repository = ecr.describe_repositories(repositoryNames=[REPOSITORY])["repositories"][0]
    assert repository["imageTagMutability"] == "IMMUTABLE", (
        "the stack's repository, as its Registry declares it"
    )
    token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    username, password = base64.b64decode(token).decode().split(":", 1)
    assert username == "AWS"
    registry = EcrStandIn(ecr, tmp_path_factory.mktemp("registry"), username, password)
    # release tags what is committed: a clone of HEAD, whatever else the working tree holds
    checkout = tmp_path_factory.mktemp("release") / "checkout"
    subprocess.run(["git", "clone", "-q", str(PROJECT_ROOT), str(checkout)], check=True, timeout=60)
    for built in (postings_image, checks_image):  # already downloaded: release sees their stamps match
        wheelhouse = built.image.wheelhouse
        shutil.copytree(wheelhouse, checkout / wheelhouse.relative_to(PROJECT_ROOT))
    args = [
        arg for name, value in postings_image.build_args.items() for arg in ("--build-arg", f"{name}={value}")
    ]
    target = Target(registry=registry, ecr=ecr, password=password, checkout=checkout, build_args=args)
    yield target
    registry.close()
    for image in engine.images.list(name=target.repository):  # the layers stay, shared and cached
        names = image.tags + image.attrs.get("RepoDigests", [])
        for name in names:
            if name.startswith((f"{target.repository}:", f"{target.repository}@")):
                with contextlib.suppress(docker.errors.NotFound):  # gone with the repository's last tag
                    engine.images.remove(name)


@pytest.fixture
def released_through_the_stand_in(
    target: Target, stack: Rehearsal, monkeypatch: pytest.MonkeyPatch
) -> Target:
    """`infra release` with the emulated account's credentials, and the stand-in where the account's
    registry is: ECR answers the repository's URI as `<account>.dkr.ecr.<region>.amazonaws.com/<name>`,
    a name this machine cannot resolve to the stand-in, so the answer is rewritten on its way to the
    client (what DNS would do); everything else release asks ECR is answered by the emulated account."""
    credentials = stack.session.get_credentials()
    assert credentials is not None
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials.secret_key)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)

    def at_the_stand_in(parsed: dict[str, Any], **_: Any) -> None:
        for repository in parsed.get("repositories", []):
            assert repository["repositoryUri"].endswith(
                f".dkr.ecr.{stack.account.region}.amazonaws.com/{REPOSITORY}"
            )
            repository["repositoryUri"] = target.repository

    handlers = [*botocore.handlers.BUILTIN_HANDLERS, ("after-call.ecr.DescribeRepositories", at_the_stand_in)]
    monkeypatch.setattr(botocore.handlers, "BUILTIN_HANDLERS", handlers)
    return target


def head(checkout: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_release_pushes_to_the_stacks_repository_with_the_ecr_token(
    released_through_the_stand_in: Target, engine: docker.DockerClient, capsys: pytest.CaptureFixture[str]
) -> None:
    target = released_through_the_stand_in
    sha = head(target.checkout)
    started = time.monotonic()

    assert target.release() == 0

    REPORT["infra release (build and push)"] = f"{time.monotonic() - started:.1f} s"
    out, err = capsys.readouterr()
    digest = target.ecr_digest(sha)
    assert out == f"image: {target.repository}:{sha}\ndigest: {digest}\n"
    assert target.manifest_digest(sha) == digest
    assert target.registry.manifest_puts == [f"{REPOSITORY}:{sha}"]
    assert f"pushing {target.repository}:{sha} to {target.registry.host}" in err
    # the registry wants the token: without it, nothing
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://{target.registry.host}/v2/", timeout=10)
    assert refused.value.code == 401
    image = engine.images.get(f"{target.repository}:{sha}")
    assert image.labels["org.opencontainers.image.revision"] == sha
    described = json.dumps(image.history()) + json.dumps(image.attrs)
    assert target.password not in described + out + err


def test_a_second_release_of_the_commit_pushes_nothing(
    released_through_the_stand_in: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    target = released_through_the_stand_in
    sha = head(target.checkout)
    first = target.ecr_digest(sha)

    assert target.release() == 0

    out, err = capsys.readouterr()
    assert out == f"image: {target.repository}:{sha}\ndigest: {first}\n"
    assert "is already in the registry (tags are immutable): nothing built" in err
    assert "building" not in err
    assert target.registry.manifest_puts == [f"{REPOSITORY}:{sha}"]


def test_another_image_under_a_released_tag_is_refused_as_ecr_refuses_it(
    released_through_the_stand_in: Target, engine: docker.DockerClient, checks_image: Built, stack: Rehearsal
) -> None:
    target = released_through_the_stand_in
    sha = head(target.checkout)
    before = target.ecr_digest(sha)
    engine.images.get(checks_image.reference).tag(target.repository, sha)  # another image, the same tag
    ecr = boto3.Session(region_name=stack.account.region).client("ecr")
    assert repository_uri(ecr, STACK) == target.repository
    auth = release.registry_login(ecr, target.repository)

    with pytest.raises(
        release.TagAlreadyExists, match="cannot be overwritten because the repository is immutable"
    ):
        release.push(engine, repository=target.repository, tag=sha, auth=auth, progress=lambda line: None)

    assert target.manifest_digest(sha) == target.ecr_digest(sha) == before


def test_a_wrong_token_is_refused_by_the_registry(
    released_through_the_stand_in: Target, engine: docker.DockerClient, checks_image: Built
) -> None:
    target = released_through_the_stand_in
    engine.images.get(checks_image.reference).tag(target.repository, "wrong-token")
    auth = release.RegistryAuth(registry=target.registry.host, username="AWS", password="not-the-token")

    with pytest.raises(release.PushFailed, match="unauthorized"):
        release.push(
            engine, repository=target.repository, tag="wrong-token", auth=auth, progress=lambda line: None
        )

    assert target.registry.manifest_puts == [f"{REPOSITORY}:{head(target.checkout)}"]


def test_release_pushes_the_checks_image_for_the_schedule(
    released_through_the_stand_in: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    target = released_through_the_stand_in
    tag = f"checks-{head(target.checkout)}"
    base_image = [arg for arg in target.build_args if arg.startswith("BASE_IMAGE=")]

    assert (
        main(["release", STACK, "--checks", "--project", str(target.checkout), "--build-arg", *base_image])
        == 0
    )

    out, _ = capsys.readouterr()
    assert out == f"image: {target.repository}:{tag}\ndigest: {target.ecr_digest(tag)}\n"
    assert target.manifest_digest(tag) == target.ecr_digest(tag)
