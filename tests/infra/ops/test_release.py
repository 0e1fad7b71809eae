"""`infra release`: tag from the git commit, ECR login and repository lookup under moto, the wheelhouse's
requirements, and the docker SDK's build and push exercised up to the engine: a fake Engine API that
records each request. The real engine and registry build, run and push the images in tests/docker."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from infra.cli import main
from infra.exit_codes import Exit
from infra.ops import release, stack
from infra.ops.errors import UsageError
from tests.infra.ops.conftest import REGION
from tests.infra.ops.fake_docker import API_VERSION, FakeEngine

SHA = "0123456789abcdef0123456789abcdef01234567"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git clone holding a service directory with a Dockerfile, committed."""
    repo = tmp_path / "repo"
    service = repo / "svc"
    service.mkdir(parents=True)
    (service / "Dockerfile").write_text("FROM python:3.11-slim\nCOPY . /app\n")
    (service / "app.py").write_text("print('postings')\n")
    (repo / "NOTES.md").write_text("outside the build context\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "service")
    return repo


@pytest.fixture
def repository(aws: None) -> str:
    ecr = boto3.client("ecr", region_name=REGION)
    return ecr.create_repository(repositoryName="postings-dev", imageTagMutability="IMMUTABLE")["repository"][
        "repositoryUri"
    ]


@pytest.fixture
def engine(repository: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEngine]:
    ecr = boto3.client("ecr", region_name=REGION)

    def register(repo: str, tag: str, manifest: str) -> str:
        assert repo == repository
        image = ecr.put_image(repositoryName="postings-dev", imageManifest=manifest, imageTag=tag)["image"]
        return image["imageId"]["imageDigest"]

    fake = FakeEngine(register_push=register).start()
    monkeypatch.setenv("DOCKER_HOST", fake.base_url)
    monkeypatch.delenv("DOCKER_TLS_VERIFY", raising=False)
    monkeypatch.delenv("DOCKER_CERT_PATH", raising=False)
    yield fake
    fake.stop()


def release_cli(checkout: Path, *extra: str) -> int:
    return main(
        [
            "release",
            "dev",
            "--project",
            str(checkout),
            "--region",
            REGION,
            "--context",
            str(checkout / "svc"),
            *extra,
        ]
    )


def test_the_tag_is_the_commit_and_a_dirty_build_gets_a_unique_suffix() -> None:
    assert release.image_tag(SHA, dirty=False) == SHA
    at = datetime(2026, 11, 22, 19, 45, 1, tzinfo=UTC)
    assert release.image_tag(SHA, dirty=True, now=at) == f"{SHA}-dirty.20261122194501"
    with pytest.raises(ValueError, match="40-character hex commit SHA"):
        release.image_tag("HEAD", dirty=False)


@pytest.mark.parametrize("tag", ["latest", "", "has space", "-leading-dash", "x" * 129])
def test_a_bad_tag_on_the_command_line_is_refused(tag: str) -> None:
    with pytest.raises(UsageError, match="is not a release tag"):
        release.check_tag(tag)


def test_revision_of_a_clean_checkout_is_head(checkout: Path) -> None:
    head = git(checkout, "rev-parse", "HEAD")
    (checkout / "NOTES.md").write_text("changed, but outside the image\n")
    found = release.revision(checkout, checkout / "svc", allow_dirty=False)
    assert found == release.Revision(commit=head, dirty=False, tag=head)


def test_a_dirty_build_context_is_refused_unless_allowed(checkout: Path) -> None:
    (checkout / "svc" / "app.py").write_text("print('uncommitted')\n")
    (checkout / "svc" / "new.py").write_text("")
    with pytest.raises(
        release.DirtyTree, match=r"has 2 uncommitted change\(s\)(.|\n)*svc/app.py(.|\n)*--allow-dirty"
    ):
        release.revision(checkout, checkout / "svc", allow_dirty=False)
    found = release.revision(checkout, checkout / "svc", allow_dirty=True)
    assert found.dirty
    assert found.tag.startswith(f"{found.commit}-dirty.")


def test_a_directory_that_is_not_a_checkout_is_refused(tmp_path: Path) -> None:
    with pytest.raises(release.NotACheckout, match="is not a git checkout"):
        release.revision(tmp_path, tmp_path, allow_dirty=False)


def test_repository_lookup_and_ecr_login(repository: str) -> None:
    ecr = boto3.client("ecr", region_name=REGION)
    assert stack.repository_uri(ecr, "dev") == repository
    assert repository.endswith(f".dkr.ecr.{REGION}.amazonaws.com/postings-dev")

    auth = release.registry_login(ecr, repository)

    # no registryIds (deprecated by AWS): the registry logged into is the repository's host
    token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    username, password = base64.b64decode(token).decode().split(":", 1)
    assert (auth.username, auth.password) == (username, password) == ("AWS", password)
    assert auth.registry == repository.split("/")[0]
    assert password not in repr(auth)


def test_a_stack_without_a_repository_says_to_deploy_first(aws: None) -> None:
    with pytest.raises(
        stack.RepositoryNotFound, match=r"postings-staging does not exist .*pulumi up -s staging"
    ):
        stack.repository_uri(boto3.client("ecr", region_name=REGION), "staging")


def test_without_an_engine_release_says_so_and_exits_7(
    checkout: Path,
    repository: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/docker.sock")
    assert release_cli(checkout) == Exit.UNAVAILABLE
    err = capsys.readouterr().err
    assert "infra: no Docker engine answered" in err
    assert "start Docker, or point DOCKER_HOST at a running engine" in err


def test_release_builds_pushes_with_the_ecr_token_and_prints_uri_and_digest(
    checkout: Path, repository: str, engine: FakeEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    head = git(checkout, "rev-parse", "HEAD")

    assert release_cli(checkout) == 0

    version, build, push = engine.requests
    assert (version.method, version.path) == ("GET", "/version")
    assert (build.method, build.path) == ("POST", f"/v{API_VERSION}/build")
    assert build.query["t"] == f"{repository}:{head}"
    assert build.query["dockerfile"] == "Dockerfile"
    assert build.query["platform"] == "linux/amd64"
    assert build.query["pull"] == "True"
    assert build.query["forcerm"] == "True"
    assert f'"org.opencontainers.image.revision": "{head}"' in build.query["labels"]
    assert build.tar_names() == ["Dockerfile", "app.py"]
    assert (push.method, push.path, push.query) == (
        "POST",
        f"/v{API_VERSION}/images/{repository}/push",
        {"tag": head},
    )
    ecr = boto3.client("ecr", region_name=REGION)
    token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    password = base64.b64decode(token).decode().split(":", 1)[1]
    assert push.registry_auth() == {
        "username": "AWS",
        "password": password,
        "serveraddress": repository.split("/")[0],
    }

    described = ecr.describe_images(repositoryName="postings-dev", imageIds=[{"imageTag": head}])
    digest = described["imageDetails"][0]["imageDigest"]
    out, err = capsys.readouterr()
    assert out == f"image: {repository}:{head}\ndigest: {digest}\n"
    assert "Step 2/2 : COPY . /app" in err
    assert "a1b2c3: Pushing" in err
    assert "a1b2c3: Pushed" in err
    assert err.count("a1b2c3: Pushing") == 1  # progress per layer status change, not per byte count
    assert password not in out + err


def test_a_tag_already_in_the_registry_is_not_built_again(
    checkout: Path, repository: str, engine: FakeEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert release_cli(checkout) == 0
    first = capsys.readouterr().out
    engine.requests.clear()

    assert release_cli(checkout) == 0

    out, err = capsys.readouterr()
    assert engine.requests == []
    assert out == first
    assert "is already in the registry (tags are immutable): nothing built" in err


def test_a_build_error_stops_the_release_before_any_push(
    checkout: Path, repository: str, engine: FakeEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    engine.build_error = "COPY failed: file not found in build context"
    assert release_cli(checkout) == 1
    assert [p.split(" ")[1].rsplit("/", 1)[-1] for p in engine.paths()] == ["version", "build"]
    assert "failed: COPY failed: file not found in build context" in capsys.readouterr().err


def test_a_push_error_fails_the_release_and_nothing_is_registered(
    checkout: Path, repository: str, engine: FakeEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    engine.push_error = "denied: not authorized to perform ecr:InitiateLayerUpload"
    assert release_cli(checkout) == 1
    assert "the push of" in capsys.readouterr().err
    assert (
        boto3.client("ecr", region_name=REGION).describe_images(repositoryName="postings-dev")["imageDetails"]
        == []
    )


def test_a_dirty_tree_is_refused_before_the_engine_is_asked(
    checkout: Path, repository: str, engine: FakeEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    (checkout / "svc" / "app.py").write_text("print('uncommitted')\n")
    assert release_cli(checkout) == 1
    assert engine.requests == []
    assert "uncommitted change" in capsys.readouterr().err


def test_allow_dirty_pushes_a_dirty_tag(
    checkout: Path, repository: str, engine: FakeEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    (checkout / "svc" / "app.py").write_text("print('uncommitted')\n")
    assert release_cli(checkout, "--allow-dirty") == 0
    head = git(checkout, "rev-parse", "HEAD")
    out, err = capsys.readouterr()
    assert out.startswith(f"image: {repository}:{head}-dirty.")
    assert "warning:" in err
    assert "(not for deploys)" in err


def test_the_service_context_sent_to_the_engine_holds_what_its_dockerfile_copies(
    engine: FakeEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    service = Path(__file__).resolve().parents[3] / "services" / "postings"
    dockerfile = service / "Dockerfile"
    client = release.docker_client()
    release.build(
        client,
        context=service,
        dockerfile=dockerfile,
        reference="postings:context-check",
        labels={},
        progress=lambda line: None,
    )
    build = engine.requests[-1]
    assert build.query["dockerfile"] == "Dockerfile"
    names = build.tar_names()
    sources = [
        source
        for line in dockerfile.read_text().splitlines()
        if line.startswith("COPY ") and "--from=" not in line
        for source in line.split()[1:-1]
    ]
    assert sources, "the Dockerfile copies nothing from the context"
    # wheelhouse/ is what release downloads before building (release.prepare_wheelhouse), not a source
    image = release.Image.beside("postings", service, dockerfile)
    assert image.wheelhouse == service / "wheelhouse"
    assert image.requirements == (service / "requirements.txt", service / "build-requirements.txt")
    for source in sources:
        if source == "wheelhouse":
            continue
        assert any(n == source or n.startswith(f"{source}/") for n in names), f"{source} is not sent"
    assert "src/postings/cli.py" in names
    # the SDK applies the context's .dockerignore (tests/, __pycache__/ ...) before sending it
    ignored = (service / ".dockerignore").read_text().split()
    assert "tests/" in ignored
    assert not [pattern for pattern in ignored if pattern.strip("/") in ("wheelhouse", "*")]
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]


def test_checks_image_is_built_from_the_repository_root_and_tagged_for_the_schedule(
    checkout: Path, repository: str, engine: FakeEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    checks = checkout / "monitoring" / "checks"
    checks.mkdir(parents=True)
    (checks / "Dockerfile").write_text("FROM python:3.11-slim\nCOPY monitoring/ /app/monitoring/\n")
    (checks / "check_http.py").write_text("print('OK')\n")
    git(checkout, "add", ".")
    git(checkout, "commit", "-q", "-m", "checks")
    head = git(checkout, "rev-parse", "HEAD")

    assert release_cli(checkout, "--checks") == 0

    _, build, push = engine.requests
    assert build.query["t"] == f"{repository}:checks-{head}"
    assert build.query["dockerfile"] == "monitoring/checks/Dockerfile"
    assert "monitoring/checks/check_http.py" in build.tar_names()
    assert "NOTES.md" in build.tar_names()
    assert push.query == {"tag": f"checks-{head}"}
    assert capsys.readouterr().out.startswith(f"image: {repository}:checks-{head}\n")


def test_checks_image_refuses_a_dirty_repository(
    checkout: Path, repository: str, engine: FakeEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    (checkout / "NOTES.md").write_text("changed outside the service, inside the checks' context\n")
    assert release_cli(checkout, "--checks") == 1
    assert engine.requests == []
    assert "uncommitted change" in capsys.readouterr().err


def test_a_build_arg_the_dockerfile_declares_reaches_the_engine(
    checkout: Path, repository: str, engine: FakeEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = checkout / "svc" / "Dockerfile"
    dockerfile.write_text("ARG BASE_IMAGE=python:3.11-slim-bookworm\nFROM ${BASE_IMAGE}\nCOPY . /app\n")
    git(checkout, "commit", "-q", "-am", "base as a build argument")

    assert release_cli(checkout, "--build-arg", "BASE_IMAGE=127.0.0.1:5000/debian-python:3.11-bookworm") == 0

    _, build, _ = engine.requests
    assert build.query["buildargs"] == '{"BASE_IMAGE": "127.0.0.1:5000/debian-python:3.11-bookworm"}'


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("PYTHON=3.12", "--build-arg PYTHON: .*declares no such ARG \\(it declares: none\\)"),
        ("BASE_IMAGE", "--build-arg 'BASE_IMAGE': expected NAME=VALUE"),
    ],
)
def test_a_build_arg_the_dockerfile_does_not_declare_is_refused_before_the_engine_is_asked(
    checkout: Path,
    repository: str,
    engine: FakeEngine,
    capsys: pytest.CaptureFixture[str],
    argument: str,
    message: str,
) -> None:
    assert release_cli(checkout, "--build-arg", argument) == Exit.USAGE
    assert engine.requests == []
    assert re.search(message, capsys.readouterr().err)


def test_declared_args_are_read_from_the_dockerfiles() -> None:
    root = Path(__file__).resolve().parents[3]
    assert release.declared_args(root / "services" / "postings" / "Dockerfile") == [
        "BASE_IMAGE",
        "RDS_CA_BUNDLE",
    ]
    assert release.declared_args(root / "monitoring" / "checks" / "Dockerfile") == ["BASE_IMAGE"]


def test_the_wheelhouse_requirements_are_resolved_for_the_images_python(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "# generated\n"
        "alembic==1.20.1 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via postings\n"
        "async-timeout==5.0.1 ; python_full_version < '3.11.3' \\\n    --hash=sha256:cc\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n    --hash=sha256:dd\n"
        "exceptiongroup==1.3.0 ; python_full_version < '3.11' \\\n    --hash=sha256:ee\n"
        "uvloop==0.23.0 ; platform_python_implementation != 'PyPy' and sys_platform != 'win32' \\\n"
        "    --hash=sha256:ff\n"
    )
    # async-timeout: bookworm's Python is 3.11.2, whatever Python runs the release
    assert release.wheel_requirements(requirements) == (
        "alembic==1.20.1 --hash=sha256:aa --hash=sha256:bb\n"
        "async-timeout==5.0.1 --hash=sha256:cc\n"
        "uvloop==0.23.0 --hash=sha256:ff\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("alembic>=1.20 \\\n    --hash=sha256:aa\n", "'alembic>=1.20' is not pinned with hashes"),
        ("alembic==1.20.1\n", "'alembic==1.20.1' is not pinned with hashes"),
        ("-e ./src\n", "-e is not supported"),
        (
            "pika==1.4.4 ; python_version <<< '3' \\\n    --hash=sha256:aa\n",
            "pika==1.4.4: Expected a marker variable",
        ),
    ],
)
def test_requirements_a_wheelhouse_cannot_be_made_from_are_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(text)
    with pytest.raises(release.BuildFailed, match=re.escape(message)):
        release.wheel_requirements(requirements)


def test_a_wheelhouse_is_downloaded_again_only_when_the_requirements_change(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("pika==1.4.4 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    wheelhouse = tmp_path / "wheelhouse"
    wanted = release.wheel_requirements(requirements)
    digest = hashlib.sha256("\n".join([wanted, *release.WHEEL_PLATFORMS]).encode()).hexdigest()
    wheelhouse.mkdir()
    (wheelhouse / release.WHEELHOUSE_STAMP).write_text(digest + "\n")
    (wheelhouse / "pika-1.4.4-py3-none-any.whl").write_text("kept")
    lines: list[str] = []

    release.prepare_wheelhouse([requirements], wheelhouse, lines.append)

    assert lines == []
    assert (wheelhouse / "pika-1.4.4-py3-none-any.whl").read_text() == "kept"
    # a wrong hash: pip refuses the wheel, the stale wheelhouse is gone, and the message says why
    requirements.write_text("pika==1.4.4 \\\n    --hash=sha256:" + "1" * 64 + "\n")
    with pytest.raises(release.BuildFailed, match=r"pip could not download the wheels of .*HASHES"):
        release.prepare_wheelhouse([requirements], wheelhouse, lines.append)
    assert lines == [f"downloading the wheels of {requirements} into {wheelhouse}"]
    assert not (wheelhouse / "pika-1.4.4-py3-none-any.whl").exists()
    assert not (wheelhouse / release.WHEELHOUSE_STAMP).exists()


def test_a_tag_pushed_while_release_was_building_is_not_pushed_again(
    checkout: Path, repository: str, engine: FakeEngine
) -> None:
    ecr = boto3.client("ecr", region_name=REGION)
    revision = release.revision(checkout, checkout / "svc", allow_dirty=False)
    other = '{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", '
    other += '"config": {"digest": "sha256:' + "e" * 64 + '"}, "layers": []}'

    def someone_else_pushes(line: str) -> None:
        if line.startswith("building "):
            ecr.put_image(repositoryName="postings-dev", imageManifest=other, imageTag=revision.tag)

    with pytest.raises(release.TagAlreadyExists, match=r"appeared in the registry .* while this release was"):
        release.release(
            ecr=ecr,
            repository=repository,
            revision=revision,
            image=release.Image.beside("postings", checkout / "svc", checkout / "svc" / "Dockerfile"),
            progress=someone_else_pushes,
        )
    assert [r.path.rsplit("/", 1)[-1] for r in engine.requests] == ["version", "build"]


def test_the_registry_refusing_an_immutable_tag_is_reported_as_such(
    checkout: Path, repository: str, engine: FakeEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    # what ECR answers a push to an existing tag of an immutable repository
    engine.push_error = (
        "tag invalid: The image tag 'x' already exists in the 'postings-dev' repository and cannot be "
        "overwritten because the repository is immutable."
    )
    assert release_cli(checkout) == 1
    err = capsys.readouterr().err
    assert "the registry refused" in err
    assert "(ECR: ImageTagAlreadyExistsException); deploy the image already under that tag" in err
