"""A one-line count on stderr while a rehearsal runs, so a person at a terminal sees it move; nothing
when stderr is not a terminal (CI logs) or with `--quiet`."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO


class Progress:
    """`with Progress("prod", enabled=...) as progress: progress.watch(count)` redraws
    `prod: 120 resources declared, 1.4 s` every `interval` seconds and clears it at the end."""

    def __init__(self, label: str, *, enabled: bool, stream: TextIO | None = None, interval: float = 0.2):
        self.label = label
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = time.monotonic()
        self._drawn = 0

    @staticmethod
    def wanted(quiet: bool, stream: TextIO | None = None) -> bool:
        """Progress is for people: on unless asked to be quiet or writing to something else than a tty."""
        stream = stream if stream is not None else sys.stderr
        return not quiet and stream.isatty()

    def watch(self, count: Callable[[], int]) -> None:
        if not self.enabled or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, args=(count,), name="progress", daemon=True)
        self._thread.start()

    def _run(self, count: Callable[[], int]) -> None:
        while not self._stop.wait(self.interval):
            self._draw(
                f"{self.label}: {count()} resources declared, {time.monotonic() - self._started:.1f} s"
            )

    def _draw(self, text: str) -> None:
        self.stream.write("\r" + text.ljust(self._drawn))
        self.stream.flush()
        self._drawn = len(text)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            if self._drawn:
                self.stream.write("\r" + " " * self._drawn + "\r")
                self.stream.flush()
