"""The HTTP checks against the real running service: OK, WARNING, CRITICAL and UNKNOWN, run as plugins."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from monitoring.checks import check_postings_http, check_postings_ready
from monitoring.checks.plugin import Status, execute
from tests.monitoring.conftest import free_port

CHECKS = Path(__file__).resolve().parents[3] / "monitoring" / "checks"
TIME = r"time=\d+(\.\d+)?s"


def plugin(name: str, *args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, str(CHECKS / name), *args], capture_output=True, text=True, cwd="/", timeout=60
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout + done.stderr
    return done.returncode, lines[0]


def test_http_ok_with_status_body_and_latency(service_url: str) -> None:
    code, line = plugin("check_postings_http.py", "-u", f"{service_url}/healthz", "-s", '"status":"ok"')
    assert code == 0, line
    assert re.fullmatch(
        rf"POSTINGS_HTTP OK - HTTP 200 in \d+\.\d{{3}} s, 15 bytes from {service_url}/healthz "
        rf"\| {TIME};1;2\.5;0 size=15B;;;0",
        line,
    ), line


def test_http_warning_when_slower_than_the_warning_range(service_url: str) -> None:
    code, line = plugin("check_postings_http.py", "-u", f"{service_url}/healthz", "-w", "0.000001")
    assert code == 1, line
    assert line.startswith("POSTINGS_HTTP WARNING - HTTP 200"), line
    assert ";0.000001;2.5;0 " in line, line


def test_http_critical_on_status_body_or_no_answer(service_url: str) -> None:
    code, line = plugin("check_postings_http.py", "-u", f"{service_url}/no-such-route")
    assert code == 2, line
    assert "HTTP 404" in line, line
    assert "expected 200" in line, line
    code, line = plugin("check_postings_http.py", "-u", f"{service_url}/healthz", "-s", "degraded")
    assert (code, "body lacks 'degraded'" in line) == (2, True), line
    closed = f"http://127.0.0.1:{free_port()}/healthz"
    code, line = plugin("check_postings_http.py", "-u", closed)
    assert code == 2, line
    assert line.startswith(f"POSTINGS_HTTP CRITICAL - {closed} unreachable: "), line


def test_http_critical_when_slower_than_the_critical_range(service_url: str) -> None:
    result = execute(
        check_postings_http.build, check_postings_http.check, ["-u", f"{service_url}/healthz", "-c", "0"]
    )
    assert result.status is Status.CRITICAL, result.message


def test_http_unknown_on_a_bad_range(service_url: str) -> None:
    code, line = plugin("check_postings_http.py", "-u", f"{service_url}/healthz", "-c", "~")
    assert code == 3, line


def test_ready_ok_lists_every_dependency(service_url: str) -> None:
    code, line = plugin("check_postings_ready.py", "-u", service_url)
    assert code == 0, line
    assert line.startswith(
        "POSTINGS_READY OK - ready (broker: in-process, cache: in-process, database: up, "
        "indexer: in-process, relay: up, search: sql: up) | "
    ), line
    assert line.endswith(" degraded=0;0;3;0;6"), line


def test_ready_warning_and_critical_follow_the_degraded_ranges(service_url: str) -> None:
    # `@0:0` alerts when nothing is degraded: the ranges apply to the count as the guidelines define.
    code, line = plugin("check_postings_ready.py", "-u", service_url, "-w", "@0:0")
    assert (code, line.split(" - ")[0]) == (1, "POSTINGS_READY WARNING"), line
    code, line = plugin("check_postings_ready.py", "-u", service_url, "-c", "@0:0")
    assert (code, line.split(" - ")[0]) == (2, "POSTINGS_READY CRITICAL"), line


def test_ready_critical_when_the_service_is_down() -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    result = execute(check_postings_ready.build, check_postings_ready.check, ["-u", closed])
    assert result.status is Status.CRITICAL
    assert result.message.startswith(f"{closed}/readyz unreachable: ")


def test_ready_unknown_when_the_answer_is_not_a_readiness_document(service_url: str) -> None:
    result = execute(check_postings_ready.build, check_postings_ready.check, ["-u", f"{service_url}/healthz"])
    assert (result.status, result.message) == (
        Status.UNKNOWN,
        f"{service_url}/healthz/readyz answered HTTP 404 without the readiness document",
    )


def test_ready_warning_when_a_dependency_is_down(service_without_cache_url: str) -> None:
    code, line = plugin("check_postings_ready.py", "-u", service_without_cache_url)
    assert code == 1, line
    assert line.startswith(
        "POSTINGS_READY WARNING - ready, degraded: cache (broker: in-process, "
        "cache: down (serving from the database), database: up, indexer: in-process, relay: up, "
        "search: sql: up) | "
    ), line
    assert line.endswith(" degraded=1;0;3;0;6"), line


def test_ready_critical_when_the_database_is_down(service_without_database_url: str) -> None:
    code, line = plugin("check_postings_ready.py", "-u", service_without_database_url)
    assert code == 2, line
    assert line.startswith("POSTINGS_READY CRITICAL - not ready (HTTP 503): "), line
    assert "database: down" in line, line
    code, line = plugin("check_postings_http.py", "-u", f"{service_without_database_url}/readyz")
    assert code == 2, line
    assert "HTTP 503" in line, line
    assert "expected 200" in line, line


def test_background_work_that_stopped_counts_as_degraded() -> None:
    from monitoring.checks.check_postings_ready import degraded

    checks = {
        "database": "up",
        "cache": "in-process",
        "search": "opensearch: up",
        "broker": "up",
        "relay": "stalled (12 events waiting, oldest 75.0 s)",
        "indexer": "no consumer (40 messages waiting)",
    }
    assert degraded(checks) == ["indexer", "relay"]
    assert degraded(
        {**checks, "relay": "up", "indexer": "up", "broker": "down (writes wait in the outbox)"}
    ) == ["broker"]
