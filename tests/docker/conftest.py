"""The real Docker engine and both images, built once per session through `infra release`'s own code.

scripts/test starts dockerd, a registry on 127.0.0.1:5000 and, where Docker Hub is out of reach, a
bookworm base image it exports as BASE_IMAGE (scripts/services.sh). Without an engine these tests fail
and say what is missing: they are never skipped."""

from __future__ import annotations

import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import docker
import docker.errors
import pytest

from infra.ops import release
from infra.ops.commands import CHECKS_DOCKERFILE, PROJECT_ROOT, SERVICE_DIR
from infra.rehearsal.rehearse import Rehearsal, rehearse

HERE = Path(__file__).resolve().parent
# The stack whose task definitions the containers follow: staging serves the api over HTTPS (it has a
# domain), so its scheduled checks include the HTTP ones.
STACK = "staging"
POSTINGS_IMAGE = "postings-platform/postings:docker-tests"
CHECKS_IMAGE = "postings-platform/checks:docker-tests"
RDS_TRUSTSTORE = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"
# Stands in for the RDS certificate authorities where their truststore cannot be reached: a self-signed
# certificate that only shows the bundle ends up where POSTINGS_DB_TLS_CA_FILE says, readable.
RDS_CA_STAND_IN = HERE / "rds-ca-stand-in.pem"
REPORT: dict[str, str] = {}
"""Build times and image sizes, printed at the end of the session."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("docker images")
        for key, value in REPORT.items():
            terminalreporter.write_line(f"{key}: {value}")


def dockerfile_default(dockerfile: Path, name: str) -> str:
    for line in dockerfile.read_text().splitlines():
        if line.startswith(f"ARG {name}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{dockerfile} declares no default for {name}")


@pytest.fixture(scope="session")
def engine() -> Iterator[docker.DockerClient]:
    problem = None
    try:
        client = release.docker_client()
        client.ping()
    except (release.DockerUnavailable, docker.errors.DockerException) as err:
        problem = str(err)
    if problem is not None:
        pytest.fail(
            f"the docker tests need a Docker engine and none answered ({problem}). scripts/test starts one "
            "(scripts/services.sh: ensure_docker installs docker.io and starts dockerd as root); run "
            'scripts/test, start dockerd, or deselect these tests with -m "not docker"',
            pytrace=False,
        )
    yield client
    client.close()


@pytest.fixture(scope="session")
def base_image(engine: docker.DockerClient) -> str:
    """BASE_IMAGE from scripts/services.sh, else the Dockerfiles' default, which must then be pullable."""
    default = dockerfile_default(SERVICE_DIR / "Dockerfile", "BASE_IMAGE")
    assert default == dockerfile_default(PROJECT_ROOT / CHECKS_DOCKERFILE, "BASE_IMAGE")
    image = os.environ.get("BASE_IMAGE") or default
    problem = None
    try:
        engine.images.pull(image)
    except docker.errors.APIError as err:
        problem = err.explanation
    if problem is not None:
        pytest.fail(
            f"the base image {image} cannot be pulled ({problem}). scripts/test prepares a local "
            "one (scripts/services.sh: ensure_base_image) and exports BASE_IMAGE; run scripts/test, or set "
            "BASE_IMAGE to a bookworm image with python3 and venv",
            pytrace=False,
        )
    return image


def reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def rds_ca_bundle() -> Iterator[str | None]:
    """None (the Dockerfile's default URL) when AWS's truststore answers; else a local URL serving the
    stand-in. The engine fetches it, and dockerd runs on this machine's network."""
    if reachable(RDS_TRUSTSTORE):
        yield None
        return
    handler = partial(SimpleHTTPRequestHandler, directory=str(HERE))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{RDS_CA_STAND_IN.name}"
    server.shutdown()
    server.server_close()


@dataclass(frozen=True)
class Built:
    """An image the session built: its reference, what it was built from and the arguments it got."""

    reference: str
    image: release.Image
    build_args: dict[str, str]
    seconds: float


def build(
    engine: docker.DockerClient, image: release.Image, reference: str, build_args: dict[str, str]
) -> Built:
    lines: list[str] = []
    started = time.monotonic()
    try:
        release.build_image(
            engine, image, reference=reference, labels={}, build_args=build_args, progress=lines.append
        )
    except release.BuildFailed as err:
        pytest.fail(f"{err}\n" + "\n".join(lines[-40:]), pytrace=False)
    seconds = time.monotonic() - started
    layers: dict[str, bool] = {}  # each step that makes a layer: whether it came from the cache
    step = ""
    for line in lines:
        if line.startswith("Step "):
            instruction = line.split(" : ", 1)[1]
            step = "" if instruction.startswith(("ARG ", "FROM ")) else line  # these make no layer
            if step:
                layers[step] = False
        elif step and "Using cache" in line:
            layers[step] = True
    cached, steps = sum(layers.values()), len(layers)
    REPORT[f"build {reference}"] = f"{seconds:.1f} s ({cached} of {steps} layers from the cache)"
    return Built(reference=reference, image=image, build_args=build_args, seconds=seconds)


@pytest.fixture(scope="session")
def postings_image(engine: docker.DockerClient, base_image: str, rds_ca_bundle: str | None) -> Built:
    args = {"BASE_IMAGE": base_image} | ({"RDS_CA_BUNDLE": rds_ca_bundle} if rds_ca_bundle else {})
    image = release.Image.beside("postings", SERVICE_DIR, SERVICE_DIR / "Dockerfile")
    return build(engine, image, POSTINGS_IMAGE, args)


@pytest.fixture(scope="session")
def checks_image(engine: docker.DockerClient, base_image: str) -> Built:
    image = release.Image.beside("postings-checks", PROJECT_ROOT, PROJECT_ROOT / CHECKS_DOCKERFILE)
    return build(engine, image, CHECKS_IMAGE, {"BASE_IMAGE": base_image})


@pytest.fixture(scope="package")
def stack() -> Iterator[Rehearsal]:
    """STACK rehearsed against an emulated account (moto): its task definitions, its ECR repository,
    and what its scheduled checks look at. Open for these tests only: while an account is open, moto
    patches botocore and sets fake credentials for the whole process."""
    with rehearse(PROJECT_ROOT, STACK) as rehearsal:
        yield rehearsal
