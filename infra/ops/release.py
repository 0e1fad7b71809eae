"""`infra release`: build the postings image, tag it with the git commit and push it to the stack's ECR."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docker
import docker.errors
from packaging.markers import InvalidMarker, Marker

from infra.ops.errors import OpsError, Unavailable, UsageError

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

PLATFORM = "linux/amd64"
"""The task definitions run X86_64 Fargate tasks (infra/components/service.py)."""
SHA = re.compile(r"[0-9a-f]{40}")
TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
ARG = re.compile(r"^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE | re.MULTILINE)
# The wheels the images install: CPython 3.11 on x86_64 Linux with Debian bookworm's glibc 2.36, which
# both the official python:3.11-slim-bookworm and the debootstrapped stand-in base are.
PYTHON_VERSION = "3.11"
GLIBC_MINOR = 36
WHEEL_PLATFORMS = (
    "manylinux2014_x86_64",
    *(f"manylinux_2_{minor}_x86_64" for minor in range(5, GLIBC_MINOR + 1)),
)
WHEELHOUSE_STAMP = ".requirements.sha256"
REQUIREMENT_FILES = ("requirements.txt", "build-requirements.txt")

Progress = Callable[[str], None]


class NotACheckout(OpsError):
    """The release must be built from a git checkout: the tag is its commit."""


class DirtyTree(OpsError):
    """The build context has uncommitted changes, so the commit would not describe the image."""


class DockerUnavailable(Unavailable):
    """No Docker engine answered."""


class BuildFailed(OpsError):
    """The engine reported an error while building."""


class PushFailed(OpsError):
    """The engine reported an error while pushing, or the registry does not show the pushed image."""


class TagAlreadyExists(PushFailed):
    """The repository already holds another image under the tag. ECR's immutable tags refuse it with
    ImageTagAlreadyExistsException (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html)."""


class ImageNotFound(OpsError):
    """The tag asked for was never pushed to the stack's repository."""


@dataclass(frozen=True)
class RegistryAuth:
    """Credentials for one ECR registry; `password` is a 12-hour token and is never printed."""

    registry: str
    username: str
    password: str

    def __repr__(self) -> str:
        return f"RegistryAuth(registry={self.registry!r}, username={self.username!r}, password=<hidden>)"

    def docker_auth_config(self) -> dict[str, str]:
        return {"username": self.username, "password": self.password, "serveraddress": self.registry}


@dataclass(frozen=True)
class Image:
    """What one image is built from: a build context, its Dockerfile, and the hashed requirements whose
    wheels are downloaded into `wheelhouse` (inside the context) before the build, for the Dockerfile to
    install with `--no-index --require-hashes`."""

    title: str
    context: Path
    dockerfile: Path
    requirements: tuple[Path, ...]
    wheelhouse: Path

    @classmethod
    def beside(cls, title: str, context: Path, dockerfile: Path) -> Image:
        """The convention of this repository: the requirement files and wheelhouse/ next to the
        Dockerfile (requirements.txt: what the image runs; build-requirements.txt: a build backend)."""
        return cls(
            title=title,
            context=context,
            dockerfile=dockerfile,
            requirements=tuple(
                path for name in REQUIREMENT_FILES if (path := dockerfile.parent / name).is_file()
            ),
            wheelhouse=dockerfile.parent / "wheelhouse",
        )


@dataclass(frozen=True)
class Revision:
    """The commit an image is built from and the tag that names it."""

    commit: str
    dirty: bool
    tag: str


@dataclass(frozen=True)
class Release:
    """What was pushed: `uri` is `<repository>:<tag>`, `pinned` is `<repository>@<digest>`."""

    repository: str
    tag: str
    digest: str
    already_present: bool = False

    @property
    def uri(self) -> str:
        return f"{self.repository}:{self.tag}"

    @property
    def pinned(self) -> str:
        return f"{self.repository}@{self.digest}"


def image_tag(commit: str, *, dirty: bool, now: datetime | None = None) -> str:
    """The tag of a build: the full commit SHA; a dirty build gets a unique suffix, since the
    repository's tags are immutable and the clean build of the same commit must still be pushable."""
    if not SHA.fullmatch(commit):
        raise ValueError(f"expected a 40-character hex commit SHA, got {commit!r}")
    if not dirty:
        return commit
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    return f"{commit}-dirty.{stamp}"


def check_tag(tag: str) -> str:
    """A tag given on the command line, when Docker and the registry would accept it."""
    if not TAG.fullmatch(tag) or tag == "latest":
        raise UsageError(
            f"{tag!r} is not a release tag: expected what `infra release` printed (the commit SHA), "
            "letters, digits, _ . - only, and never `latest`"
        )
    return tag


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.CalledProcessError) as err:
        detail = getattr(err, "stderr", "") or str(err)
        raise NotACheckout(
            f"{repo} is not a git checkout git can read ({detail.strip()}): release from a clone"
        ) from None
    return done.stdout


def revision(repo: Path, context: Path, *, allow_dirty: bool, now: datetime | None = None) -> Revision:
    """HEAD's commit and the tag to push. Only changes inside the build context make a tree dirty:
    nothing else ends up in the image."""
    commit = _git(repo, "rev-parse", "HEAD").strip()
    changes = _git(repo, "status", "--porcelain", "--untracked-files=all", "--", str(context)).splitlines()
    if changes and not allow_dirty:
        shown = "\n  ".join(changes[:10]) + ("\n  ..." if len(changes) > 10 else "")
        raise DirtyTree(
            f"{context} has {len(changes)} uncommitted change(s), so commit {commit[:12]} would not "
            f"describe the image:\n  {shown}\ncommit them, or pass --allow-dirty for a throwaway build "
            "(tagged <sha>-dirty.<time>)"
        )
    return Revision(commit=commit, dirty=bool(changes), tag=image_tag(commit, dirty=bool(changes), now=now))


def registry_login(ecr: ECRClient, repository_uri: str) -> RegistryAuth:
    """A token for the registry holding `repository_uri` (ECR's `get-login-password`). No registryIds:
    AWS deprecated them, the token opens every registry the caller may use (API_GetAuthorizationToken)."""
    data = ecr.get_authorization_token()["authorizationData"][0]
    username, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    if not password:
        raise PushFailed("ECR returned an authorization token without a password; retry the release")
    return RegistryAuth(registry=repository_uri.split("/", 1)[0], username=username, password=password)


def existing_digest(ecr: ECRClient, repository_uri: str, tag: str) -> str | None:
    """The digest `tag` already points at in the repository, if it was pushed before."""
    name = repository_uri.split("/", 1)[1]
    try:
        found = ecr.describe_images(repositoryName=name, imageIds=[{"imageTag": tag}])
    except ecr.exceptions.ImageNotFoundException:
        return None
    details = found["imageDetails"]
    return details[0]["imageDigest"] if details else None


def require_image(ecr: ECRClient, repository_uri: str, tag: str) -> str:
    """The digest of a released tag, or ImageNotFound saying how to release it."""
    digest = existing_digest(ecr, repository_uri, tag)
    if digest is None:
        raise ImageNotFound(
            f"{repository_uri}:{tag} does not exist: run `infra release <stack>` for that commit first"
        )
    return digest


def docker_client(timeout: int = 600) -> docker.DockerClient:
    """The engine DOCKER_HOST (or the default socket) points at; DockerUnavailable when none answers."""
    try:
        return docker.from_env(timeout=timeout)
    except docker.errors.DockerException as err:
        raise DockerUnavailable(
            f"no Docker engine answered ({err}): start Docker, or point DOCKER_HOST at a running engine, "
            "then run the release again"
        ) from None


def declared_args(dockerfile: Path) -> list[str]:
    """The build arguments a Dockerfile declares (`ARG NAME[=default]`), in order."""
    return list(dict.fromkeys(ARG.findall(dockerfile.read_text())))


def check_build_args(dockerfile: Path, build_args: Mapping[str, str]) -> dict[str, str]:
    """`build_args` when the Dockerfile declares each of them; Docker itself would only warn."""
    declared = declared_args(dockerfile)
    unknown = sorted(set(build_args) - set(declared))
    if unknown:
        raise UsageError(
            f"--build-arg {', '.join(unknown)}: {dockerfile} declares no such ARG "
            f"(it declares: {', '.join(declared) or 'none'})"
        )
    return dict(build_args)


def _target_environments() -> Iterator[dict[str, str]]:
    """The marker environments of the images' Python: any 3.11 patch release on x86_64 Linux."""
    for patch in range(100):
        yield {
            "implementation_name": "cpython",
            "implementation_version": f"{PYTHON_VERSION}.{patch}",
            "os_name": "posix",
            "platform_machine": "x86_64",
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Linux",
            "platform_version": "",
            "python_full_version": f"{PYTHON_VERSION}.{patch}",
            "python_version": PYTHON_VERSION,
            "sys_platform": "linux",
        }


def wheel_requirements(requirements: Path) -> str:
    """The pinned, hashed requirements an image's Python may install, markers resolved for that Python
    rather than for the one running `infra release` (`async-timeout; python_full_version < '3.11.3'` is
    needed by bookworm's 3.11.2 whatever the host runs)."""
    logical: list[str] = []
    pending = ""
    for raw in requirements.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        pending += " " + line.removesuffix("\\").strip()
        if not line.endswith("\\"):
            logical.append(pending.strip())
            pending = ""
    if pending.strip():
        logical.append(pending.strip())
    kept: list[str] = []
    for line in logical:
        if line.startswith("-"):
            raise BuildFailed(
                f"{requirements}: {line.split()[0]} is not supported in an image's requirements"
            )
        spec, _, options = line.partition(" --")
        name, _, marker = spec.partition(";")
        if "==" not in name or "--hash=" not in f" --{options}":
            raise BuildFailed(
                f"{requirements}: {name.strip()!r} is not pinned with hashes (run scripts/lock)"
            )
        if marker.strip():
            try:
                condition = Marker(marker.strip())
            except InvalidMarker as err:
                raise BuildFailed(f"{requirements}: {name.strip()}: {err}") from None
            if not any(condition.evaluate(env) for env in _target_environments()):
                continue
        kept.append(f"{name.strip()} --{options}")
    return "".join(f"{line}\n" for line in kept)


def prepare_wheelhouse(requirements: Sequence[Path], wheelhouse: Path, progress: Progress) -> None:
    """Download the wheels of `requirements` for the images' platform into `wheelhouse`, checking each
    against its hash, with the pip and the index configuration of the machine releasing. Done again only
    when the requirements change (a stamp file holds their digest)."""
    wanted = "".join(wheel_requirements(path) for path in requirements)
    sources = ", ".join(str(path) for path in requirements)
    digest = hashlib.sha256("\n".join([wanted, *WHEEL_PLATFORMS]).encode()).hexdigest()
    stamp = wheelhouse / WHEELHOUSE_STAMP
    if stamp.is_file() and stamp.read_text().strip() == digest:
        return
    if wheelhouse.exists():
        shutil.rmtree(wheelhouse)
    wheelhouse.mkdir(parents=True)
    listed = wheelhouse / ".requirements.txt"
    listed.write_text(wanted)
    progress(f"downloading the wheels of {sources} into {wheelhouse}")
    platforms = [arg for platform in WHEEL_PLATFORMS for arg in ("--platform", platform)]
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
        *platforms, "--python-version", PYTHON_VERSION, "--implementation", "cp",
        "--require-hashes", "--requirement", str(listed), "--dest", str(wheelhouse),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise BuildFailed(f"pip could not download the wheels of {sources}: {err}") from None
    listed.unlink()
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if "ERROR" in line] or done.stderr.splitlines()
        raise BuildFailed(
            f"pip could not download the wheels of {sources} for CPython {PYTHON_VERSION} on "
            f"manylinux x86_64: {' '.join(errors[-3:]).strip()}"
        )
    stamp.write_text(digest + "\n")


def build(
    client: docker.DockerClient,
    *,
    context: Path,
    dockerfile: Path,
    reference: str,
    labels: Mapping[str, str],
    progress: Progress,
    build_args: Mapping[str, str] | None = None,
) -> None:
    """Build `dockerfile` in `context` as `reference`, streaming the engine's output to `progress`."""
    if not dockerfile.is_file():
        raise BuildFailed(
            f"{dockerfile} does not exist: the service's Dockerfile is needed to build the image"
        )
    events: Iterator[dict[str, Any]] = client.api.build(
        path=str(context),
        dockerfile=str(dockerfile.resolve().relative_to(context.resolve())),
        tag=reference,
        labels=dict(labels),
        buildargs=dict(build_args or {}),
        platform=PLATFORM,
        pull=True,
        rm=True,
        forcerm=True,
        decode=True,
    )
    for event in events:
        if "error" in event or "errorDetail" in event:
            message = event.get("errorDetail", {}).get("message") or event.get("error")
            raise BuildFailed(f"the build of {reference} failed: {str(message).strip()}")
        text = event.get("stream")
        if text and text.strip():
            progress(text.rstrip("\n"))


def build_image(
    client: docker.DockerClient,
    image: Image,
    *,
    reference: str,
    labels: Mapping[str, str],
    build_args: Mapping[str, str],
    progress: Progress,
) -> None:
    """The wheelhouse, then the build: what `infra release` runs, and what the docker tests build with."""
    if image.requirements:
        prepare_wheelhouse(image.requirements, image.wheelhouse, progress)
    build(
        client,
        context=image.context,
        dockerfile=image.dockerfile,
        reference=reference,
        labels={"org.opencontainers.image.title": image.title, **labels},
        build_args=check_build_args(image.dockerfile, build_args),
        progress=progress,
    )


def push(
    client: docker.DockerClient, *, repository: str, tag: str, auth: RegistryAuth, progress: Progress
) -> str:
    """Push `repository:tag`, report each layer's status once per change, and return the digest."""
    events: Iterator[dict[str, Any]] = client.api.push(
        repository, tag=tag, auth_config=auth.docker_auth_config(), stream=True, decode=True
    )
    layers: dict[str, str] = {}
    digest: str | None = None
    for event in events:
        if "error" in event or "errorDetail" in event:
            message = str(event.get("errorDetail", {}).get("message") or event.get("error")).strip()
            if message.startswith("tag invalid") and "immutable" in message:
                raise TagAlreadyExists(
                    f"the registry refused {repository}:{tag}: {message} "
                    "(ECR: ImageTagAlreadyExistsException); deploy the image already under that tag, "
                    "or release another commit"
                )
            raise PushFailed(f"the push of {repository}:{tag} failed: {message}")
        aux = event.get("aux")
        if isinstance(aux, dict) and aux.get("Digest"):
            digest = str(aux["Digest"])
            continue
        status, layer = event.get("status"), event.get("id")
        if status and layer:
            if layers.get(layer) != status:
                layers[layer] = status
                progress(f"{layer}: {status}")
        elif status:
            progress(str(status))
    if digest is None:
        raise PushFailed(f"the engine finished pushing {repository}:{tag} without reporting a digest; retry")
    return digest


def release(
    *,
    ecr: ECRClient,
    repository: str,
    revision: Revision,
    image: Image,
    progress: Progress,
    build_args: Mapping[str, str] | None = None,
    connect: Callable[[], docker.DockerClient] = docker_client,
) -> Release:
    """Build and push the image of `revision` unless the registry already holds that tag, then check
    that the registry serves the digest the engine pushed. The tag is looked up in ECR before the build
    and again before the push: the repository's tags are immutable, so a tag another release pushed in
    between is refused here rather than by ECR halfway through the push."""
    present = existing_digest(ecr, repository, revision.tag)
    if present is not None:
        return Release(repository=repository, tag=revision.tag, digest=present, already_present=True)
    client = connect()
    auth = registry_login(ecr, repository)
    reference = f"{repository}:{revision.tag}"
    progress(f"building {reference} from {image.dockerfile} ({PLATFORM})")
    build_image(
        client,
        image,
        reference=reference,
        labels={"org.opencontainers.image.revision": revision.commit},
        build_args=build_args or {},
        progress=progress,
    )
    raced = existing_digest(ecr, repository, revision.tag)
    if raced is not None:
        raise TagAlreadyExists(
            f"{reference} appeared in the registry ({raced}) while this release was building; the "
            "repository's tags are immutable (ECR: ImageTagAlreadyExistsException), so this build is not "
            "pushed: deploy that digest, or release another commit"
        )
    progress(f"pushing {reference} to {auth.registry}")
    digest = push(client, repository=repository, tag=revision.tag, auth=auth, progress=progress)
    registered = existing_digest(ecr, repository, revision.tag)
    if registered != digest:
        raise PushFailed(
            f"the engine pushed {digest} but the registry shows {registered or 'nothing'} for "
            f"{reference}; check the repository before deploying this tag"
        )
    return Release(repository=repository, tag=revision.tag, digest=digest)
