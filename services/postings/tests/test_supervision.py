"""Back-off, supervised tasks and bounded probes: a dead task stops the process or is restarted, and a
probe answers within its timeout whatever its check does."""

from __future__ import annotations

import random
import threading
import time

from postings.supervision import Backoff, Probe, Supervisor, TaskStatus


def test_backoff_doubles_with_jitter_up_to_the_cap_and_resets() -> None:
    backoff = Backoff(0.5, 4.0, random.Random(7))
    delays = [backoff.next_delay() for _ in range(7)]
    ceilings = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]
    for delay, ceiling in zip(delays, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling, (delay, ceiling)
    assert len(set(delays)) == 7  # jittered: no two tasks retry in lockstep
    backoff.reset()
    assert 0.25 <= backoff.next_delay() <= 0.5


def fast_backoff() -> Backoff:
    return Backoff(0.01, 0.02)


def test_a_task_that_dies_stops_the_process_with_status_1() -> None:
    stop = threading.Event()
    supervisor = Supervisor(stop, restart=False, backoff=fast_backoff)
    survivor_stopped = threading.Event()

    def dies(_stop: threading.Event, status: TaskStatus) -> None:
        status.set("running")
        raise RuntimeError("boom")

    def survivor(stop: threading.Event, status: TaskStatus) -> None:
        status.set("running")
        stop.wait()
        survivor_stopped.set()

    supervisor.start("survivor", survivor)
    supervisor.start("dies", dies)

    started = time.monotonic()
    assert supervisor.wait() == 1
    assert time.monotonic() - started < 2
    assert stop.is_set()
    assert survivor_stopped.wait(2)  # the survivor sees the stop on its own thread, soon after
    assert supervisor.statuses["dies"].describe() == "dead: RuntimeError('boom')"


def test_a_task_that_returns_early_counts_as_dead() -> None:
    supervisor = Supervisor(threading.Event(), restart=False, backoff=fast_backoff)
    supervisor.start("quits", lambda _stop, _status: None)
    assert supervisor.wait() == 1
    assert supervisor.statuses["quits"].describe() == "dead: returned before the process stopped"


def test_signalled_stop_exits_0() -> None:
    stop = threading.Event()
    supervisor = Supervisor(stop, restart=False, backoff=fast_backoff)

    def waits(stop: threading.Event, _status: TaskStatus) -> None:
        stop.wait()

    supervisor.start("waits", waits)
    threading.Timer(0.1, stop.set).start()
    assert supervisor.wait() == 0


def test_a_restarted_task_reports_its_restarts() -> None:
    stop = threading.Event()
    supervisor = Supervisor(stop, restart=True, backoff=fast_backoff)
    runs: list[int] = []
    running = threading.Event()

    def flaky(stop: threading.Event, status: TaskStatus) -> None:
        runs.append(1)
        if len(runs) < 3:
            raise ConnectionError("lost")
        status.set("running")
        running.set()
        stop.wait()

    status = supervisor.start("flaky", flaky)
    assert running.wait(5)
    assert len(runs) == 3
    assert status.describe() == "running (restarted 2x)"
    stop.set()
    supervisor.join()
    assert not supervisor.failed.is_set()


def test_retrying_status_says_for_how_long_and_why() -> None:
    status = TaskStatus("relay")
    status.set("retrying", "broker unreachable")
    status.since -= 3.0
    assert status.describe() == "retrying for 3.0 s: broker unreachable"


def test_a_hung_check_answers_within_the_timeout_and_is_never_started_twice() -> None:
    release = threading.Event()
    calls: list[float] = []

    def hangs() -> int:
        calls.append(time.monotonic())
        release.wait(10)
        return 42

    probe = Probe("hangs", hangs, timeout=0.2, max_age=0.0)
    for _ in range(3):
        started = time.monotonic()
        outcome = probe.get()
        assert time.monotonic() - started < 0.4
        assert (outcome.value, outcome.error) == (None, "no answer within 0.2 s")
    assert len(calls) == 1

    release.set()
    assert probe.get().value == 42
    assert len(calls) == 1  # the answer of the call that hung


def test_an_answer_is_reused_for_max_age_and_a_failure_is_reported() -> None:
    values = iter([1, 2])
    probe = Probe("counts", lambda: next(values), timeout=0.5, max_age=0.3)
    assert probe.get().value == 1
    assert probe.get().value == 1
    time.sleep(0.35)
    assert probe.get().value == 2

    def fails() -> int:
        raise ConnectionRefusedError("refused")

    failing = Probe("fails", fails, timeout=0.5, max_age=0.0)
    outcome = failing.get()
    assert not outcome.ok
    assert outcome.error == "ConnectionRefusedError('refused')"
