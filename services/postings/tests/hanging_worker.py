"""A worker whose indexing hangs after it has received a message: the fault test kills it mid-message.

Run as a script with the usual POSTINGS_* environment and the path of a marker file to write the
message body to once the message is in hand.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from postings.db import create_db_engine
from postings.resources import create_search, create_topology
from postings.settings import Settings
from postings.worker import AmqpWorker, IndexingHandler


class HangingHandler(IndexingHandler):
    def __init__(self, handler: IndexingHandler, marker: Path) -> None:
        super().__init__(handler.search)
        self.marker = marker

    def __call__(self, body: bytes) -> bool:
        self.marker.write_bytes(body)
        time.sleep(120)  # killed long before this ends
        return super().__call__(body)


def main() -> None:
    settings = Settings()
    engine = create_db_engine(settings, pool_size=1)
    url = settings.resolved_amqp_url()
    assert url is not None
    handler = HangingHandler(IndexingHandler(create_search(settings, engine)), Path(sys.argv[1]))
    worker = AmqpWorker(url, create_topology(settings), handler, max_attempts=5, retry_base_ms=50, prefetch=1)
    worker.run(threading.Event())


if __name__ == "__main__":
    main()
