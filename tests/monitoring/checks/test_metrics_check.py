"""check_postings_metrics: a signal of thresholds.py read from /metrics: the real service for what it
exports, and a stand-in exposition whose counters move between the check's two reads."""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitoring.checks import check_postings_metrics
from monitoring.checks.plugin import Status, execute
from monitoring.thresholds import SIGNALS, Kind
from tests.monitoring.conftest import free_port

CHECKS = Path(__file__).resolve().parents[3] / "monitoring" / "checks"


def plugin(*args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, str(CHECKS / "check_postings_metrics.py"), *args],
        capture_output=True,
        text=True,
        cwd="/",
        timeout=60,
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout + done.stderr
    return done.returncode, lines[0]


class Exposition:
    """Serves one exposition text per GET, in turn (the last one again once they run out)."""

    def __init__(self, *texts: str) -> None:
        self.texts = list(texts)
        served = self.texts

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = (served.pop(0) if len(served) > 1 else served[0]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/metrics"


@pytest.fixture
def exposition() -> Iterator[type[Exposition]]:
    started: list[Exposition] = []

    class Started(Exposition):
        def __init__(self, *texts: str) -> None:
            super().__init__(*texts)
            started.append(self)

    yield Started
    for one in started:
        one.server.shutdown()
        one.server.server_close()


def dead_lettered(*values: tuple[str, float]) -> str:
    lines = ["# TYPE postings_worker_messages_total counter"]
    for task, value in values:
        lines.append(f'postings_worker_messages_total{{outcome="dead_lettered",task="{task}"}} {value}')
        lines.append(f'postings_worker_messages_total{{outcome="indexed",task="{task}"}} {value * 100}')
    return "\n".join(lines) + "\n"


def test_every_signal_the_service_exports_can_be_checked() -> None:
    assert sorted(check_postings_metrics.SCRAPED) == [
        "consumer-lag",
        "outbox-age",
        "outbox-publish-failures",
        "worker-dead-lettered",
    ]
    assert {s.scraped.kind for s in check_postings_metrics.SCRAPED.values() if s.scraped} == set(Kind)


def test_ok_on_the_real_services_gauge_and_counter(service_url: str) -> None:
    code, line = plugin("-u", f"{service_url}/metrics", "-s", "outbox-age")
    assert code == 0, line
    assert re.fullmatch(
        rf"POSTINGS_METRICS OK - outbox-age 0 Seconds \(1 series\) from {service_url}/metrics; runbook "
        r"docs/runbooks/outbox-age.md \| outbox-age=0s;60;300;0",
        line,
    ), line
    code, line = plugin("-u", f"{service_url}/metrics", "-s", "worker-dead-lettered", "-i", "0.2")
    assert code == 0, line
    assert " worker-dead-lettered 0 count per minute (1 series) " in line, line
    assert line.endswith("| worker-dead-lettered=0;0;10;0"), line


def test_unknown_when_the_process_does_not_export_the_signal(service_url: str) -> None:
    # The embedded service has no broker, hence no queue to report.
    code, line = plugin("-u", f"{service_url}/metrics", "-s", "consumer-lag")
    assert code == 3, line
    assert 'exports no postings_consumer_lag_messages sample{queue="postings.search-indexer"}' in line, line
    closed = f"http://127.0.0.1:{free_port()}/metrics"
    code, line = plugin("-u", closed, "-s", "outbox-age")
    assert (code, line.startswith(f"POSTINGS_METRICS UNKNOWN - {closed} unreachable")) == (3, True), line


def test_counters_are_the_increase_per_minute_over_every_task(exposition: type[Exposition]) -> None:
    # Two tasks: one dead-letters 1 message between the reads, the other restarted (3 -> 1) and counts
    # 1 from 0; over 0.5 s that is 2 per 0.5 s = 240 per minute: critical (above 10).
    served = exposition(dead_lettered(("a", 5), ("b", 3)), dead_lettered(("a", 6), ("b", 1)))
    code, line = plugin("-u", served.url, "-s", "worker-dead-lettered", "-i", "0.5")
    assert code == 2, line
    assert line.startswith(
        "POSTINGS_METRICS CRITICAL - worker-dead-lettered 240 count per minute (2 series)"
    ), line
    # One message in 6 s is 10 per minute: above the warning (0), not the critical level (10).
    served = exposition(dead_lettered(("a", 5)), dead_lettered(("a", 6)))
    result = execute(
        check_postings_metrics.build,
        check_postings_metrics.check,
        ["-u", served.url, "-s", "worker-dead-lettered", "-i", "6", "-t", "9"],
    )
    assert (result.status, result.message.split(" (")[0]) == (
        Status.WARNING,
        "worker-dead-lettered 10 count per minute",
    )


def test_ranges_override_the_thresholds_and_a_bad_interval_is_unknown(exposition: type[Exposition]) -> None:
    served = exposition(
        "# TYPE postings_outbox_oldest_age_seconds gauge\n"
        'postings_outbox_oldest_age_seconds{task="a"} 42.5\npostings_outbox_oldest_age_seconds{task="b"} 7\n'
        'postings_outbox_publish_failures_total{task="a"} 3\n'
    )
    assert SIGNALS["outbox-age"].warning == 60
    code, line = plugin("-u", served.url, "-s", "outbox-age")
    assert (code, "outbox-age 42.5 Seconds (2 series)" in line) == (0, True), line
    code, line = plugin("-u", served.url, "-s", "outbox-age", "-w", "40", "-c", "100")
    assert code == 1, line
    assert line.endswith("| outbox-age=42.5s;40;100;0"), line
    code, line = plugin("-u", served.url, "-s", "outbox-publish-failures", "-i", "20")
    assert code == 3, line
    assert "--interval 20 must be above 0 and under the timeout 10" in line, line
