"""`infra release`: build the postings image, tag it with the git commit and push it to the stack's ECR."""

from __future__ import annotations

import base64
import re
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docker
import docker.errors

from infra.ops.errors import OpsError, Unavailable, UsageError

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

PLATFORM = "linux/amd64"
"""The task definitions run X86_64 Fargate tasks (infra/components/service.py)."""
SHA = re.compile(r"[0-9a-f]{40}")
TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")

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
    """A token for the registry holding `repository_uri` (ECR's `get-login-password`)."""
    registry_id = repository_uri.split(".", 1)[0]
    data = ecr.get_authorization_token(registryIds=[registry_id])["authorizationData"][0]
    username, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    if not password:
        raise PushFailed("ECR returned an authorization token without a password; retry the release")
    registry = data["proxyEndpoint"].removeprefix("https://").removeprefix("http://")
    return RegistryAuth(registry=registry, username=username, password=password)


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


def build(
    client: docker.DockerClient,
    *,
    context: Path,
    dockerfile: Path,
    reference: str,
    labels: Mapping[str, str],
    progress: Progress,
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
            message = event.get("errorDetail", {}).get("message") or event.get("error")
            raise PushFailed(f"the push of {repository}:{tag} failed: {str(message).strip()}")
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
    context: Path,
    dockerfile: Path,
    progress: Progress,
    connect: Callable[[], docker.DockerClient] = docker_client,
) -> Release:
    """Build and push the image of `revision` unless the registry already holds that tag, then check
    that the registry serves the digest the engine pushed."""
    present = existing_digest(ecr, repository, revision.tag)
    if present is not None:
        return Release(repository=repository, tag=revision.tag, digest=present, already_present=True)
    client = connect()
    auth = registry_login(ecr, repository)
    reference = f"{repository}:{revision.tag}"
    progress(f"building {reference} from {dockerfile} ({PLATFORM})")
    build(
        client,
        context=context,
        dockerfile=dockerfile,
        reference=reference,
        labels={
            "org.opencontainers.image.revision": revision.commit,
            "org.opencontainers.image.title": "postings",
        },
        progress=progress,
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
