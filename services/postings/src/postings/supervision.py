"""Background work that cannot die quietly: jittered back-off, supervised threads and bounded probes."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Backoff:
    """Exponential back-off with full jitter (a random wait up to base * 2^n, capped), so many tasks
    reconnecting after the same outage do not arrive at the broker together."""

    def __init__(self, base: float, cap: float, rng: random.Random | None = None) -> None:
        self.base = base
        self.cap = cap
        self.failures = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * 2**self.failures)
        self.failures = min(self.failures + 1, 32)
        return self._rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.failures = 0


TaskState = Literal["starting", "running", "retrying", "dead"]


@dataclass
class TaskStatus:
    """What one background task says about itself, read by /readyz."""

    name: str
    state: TaskState = "starting"
    since: float = 0.0
    error: str | None = None
    restarts: int = 0

    def set(self, state: TaskState, error: str | None = None) -> None:
        if state != self.state or error != self.error:
            self.state, self.error, self.since = state, error, time.monotonic()

    def describe(self) -> str:
        if self.state == "retrying":
            return f"retrying for {time.monotonic() - self.since:.1f} s: {self.error}"
        if self.state == "dead":
            return f"dead: {self.error}"
        return self.state if not self.restarts else f"{self.state} (restarted {self.restarts}x)"


Task = Callable[[threading.Event, TaskStatus], None]


class Supervisor:
    """Runs each task in its own thread until `stop` is set. A task is expected to run until then
    (handling its own failures); if it returns or raises anyway, the supervisor either restarts it
    after a back-off (`restart=True`, for the API's in-process relay) or sets `failed` and `stop`, so
    the process exits non-zero and ECS replaces the task (`restart=False`, the worker and relay)."""

    def __init__(self, stop: threading.Event, *, restart: bool, backoff: Callable[[], Backoff]) -> None:
        self.stop = stop
        self.restart = restart
        self.backoff = backoff
        self.failed = threading.Event()
        self.statuses: dict[str, TaskStatus] = {}
        self.threads: list[threading.Thread] = []

    def start(self, name: str, task: Task) -> TaskStatus:
        status = TaskStatus(name, since=time.monotonic())
        self.statuses[name] = status
        thread = threading.Thread(target=self._run, args=(task, status), name=name, daemon=True)
        thread.start()
        self.threads.append(thread)
        return status

    def _run(self, task: Task, status: TaskStatus) -> None:
        backoff = self.backoff()
        while not self.stop.is_set():
            try:
                task(self.stop, status)
                if self.stop.is_set():
                    return
                error = "returned before the process stopped"
            except BaseException as exc:  # a dying task is reported, whatever killed it
                error = repr(exc)[:300]
                log.exception("background task died", extra={"task": status.name})
            status.set("dead", error)
            if not self.restart:
                log.critical("background task died, stopping the process", extra={"task": status.name})
                self.failed.set()
                self.stop.set()
                return
            delay = backoff.next_delay()
            log.error("restarting background task", extra={"task": status.name, "retry_in_s": delay})
            if self.stop.wait(delay):
                return
            status.restarts += 1
            status.set("starting")

    def wait(self) -> int:
        """Block until stop is set (a signal or a dead task), join the tasks; 1 if one died, else 0."""
        while not self.stop.wait(0.5):
            pass
        self.join()
        return 1 if self.failed.is_set() else 0

    def join(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0.0))


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


class Probe(Generic[T]):
    """Calls `check` in a thread of its own and waits at most `timeout` for it; an answer is reused for
    `max_age` seconds. A check that hangs is never started twice: later callers wait on the same call,
    so a hung dependency costs one thread, and every caller gets an answer within `timeout`."""

    def __init__(self, name: str, check: Callable[[], T], *, timeout: float, max_age: float) -> None:
        self.name = name
        self.check = check
        self.timeout = timeout
        self.max_age = max_age
        self._lock = threading.Lock()
        self._pending: Future[T] | None = None
        self._last: tuple[float, Outcome[T]] | None = None

    def _run(self, future: Future[T]) -> None:
        try:
            future.set_result(self.check())
        except BaseException as exc:  # handed to the caller through the future
            future.set_exception(exc)

    def get(self) -> Outcome[T]:
        with self._lock:
            if self._last is not None and time.monotonic() - self._last[0] < self.max_age:
                return self._last[1]
            if self._pending is None or self._pending.done():
                self._pending = Future()
                threading.Thread(
                    target=self._run, args=(self._pending,), name=f"probe-{self.name}", daemon=True
                ).start()
            pending = self._pending
        try:
            outcome: Outcome[T] = Outcome(pending.result(timeout=self.timeout), None)
        except FutureTimeoutError:
            outcome = Outcome(None, f"no answer within {self.timeout:g} s")
        except Exception as exc:
            outcome = Outcome(None, repr(exc)[:300])
        with self._lock:
            self._last = (time.monotonic(), outcome)
        if not outcome.ok:
            log.warning("probe failed", extra={"probe": self.name, "error": outcome.error})
        return outcome
