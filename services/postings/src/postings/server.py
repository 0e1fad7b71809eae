"""The API's HTTP protocol: uvicorn's httptools protocol, noting when each request's bytes were read."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from postings import metrics

# The ASGI scope's `extensions` entry (a dict per extension, as the ASGI spec has them) that holds
# `received_at`, a time.perf_counter() of this process.
TIMING_EXTENSION = "postings.timing"


def received_at(scope: Any) -> float | None:
    """When the server read the first bytes of this request, if a TimedHttpToolsProtocol served it."""
    value = (scope.get("extensions") or {}).get(TIMING_EXTENSION, {}).get("received_at")
    return float(value) if isinstance(value, int | float) else None


class TimedHttpToolsProtocol(HttpToolsProtocol):
    """Stamps each request with the time the protocol read the bytes that began it, so the request
    metrics start there and not when the app's task first runs. Requests read in one turn of the event
    loop start their tasks in turn, and a pipelined one waits for the one before it: a handler that
    holds the loop delays them all, which a timer inside the app does not see. Time spent in the
    kernel's socket buffer before the loop reads it is still not counted (the load balancer's
    TargetResponseTime is)."""

    _read_at: float = 0.0

    def data_received(self, data: bytes) -> None:
        self._read_at = time.perf_counter()
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = {TIMING_EXTENSION: {"received_at": self._read_at}}


async def watch_event_loop(interval: float = 0.1) -> None:
    """Record in postings_event_loop_lag_seconds how late the loop wakes from a sleep of `interval`,
    until cancelled. Bytes that arrive while the loop is held wait in the socket for as long before the
    protocol reads them, which no request timer can see: this shows that part of the wait."""
    loop = asyncio.get_running_loop()
    while True:
        due = loop.time() + interval
        await asyncio.sleep(interval)
        metrics.EVENT_LOOP_LAG.observe(max(loop.time() - due, 0.0))
