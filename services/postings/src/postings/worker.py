"""The search indexer: consumes posting events and writes them to the search index.

It acks a message only after the index has it; a failure is retried with exponential back-off through
the retry queue, and after the last try the message is rejected into the dead-letter queue while the
rest keep flowing. Indexing is version-gated, so a redelivered or reordered event changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

import orjson
import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import Basic, BasicProperties

from postings import metrics
from postings.broker import AMQP_ERRORS, Topology, connection_parameters, retry_delay_ms
from postings.logs import request_id
from postings.schemas import Posting
from postings.search.base import IndexUnavailableError, SearchIndex
from postings.settings import DEFAULT_AMQP_CONNECT_TIMEOUT_SECONDS, DEFAULT_AMQP_HEARTBEAT_SECONDS
from postings.supervision import Backoff, TaskStatus

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-attempt"
OUTAGE_HEADER = "x-index-unavailable"


class PoisonMessageError(ValueError):
    """The message is not a posting event this service understands."""


class IndexingHandler:
    def __init__(self, search: SearchIndex) -> None:
        self.search = search

    def __call__(self, body: bytes) -> bool:
        """Index the event's posting; True if the index changed, False for a repeat."""
        try:
            event = orjson.loads(body)
            posting: dict[str, Any] = event["posting"]
            Posting.model_validate(posting)
        except (ValueError, KeyError, TypeError) as exc:
            raise PoisonMessageError(f"not a posting event: {exc}") from exc
        return self.search.index(posting)


def failure_reason(exc: Exception) -> str:
    """The `reason` label of a failed message: the index was down, the message is not an event, or else."""
    if isinstance(exc, IndexUnavailableError):
        return "index_unavailable"
    if isinstance(exc, PoisonMessageError):
        return "poison"
    return "error"


class AmqpWorker:
    def __init__(
        self,
        url: str,
        topology: Topology,
        handler: IndexingHandler,
        *,
        max_attempts: int,
        retry_base_ms: int,
        prefetch: int,
        connect_timeout: float = DEFAULT_AMQP_CONNECT_TIMEOUT_SECONDS,
        heartbeat: int = DEFAULT_AMQP_HEARTBEAT_SECONDS,
        backoff: Backoff | None = None,
    ) -> None:
        self.url = url
        self.topology = topology
        self.handler = handler
        self.max_attempts = max_attempts
        self.retry_base_ms = retry_base_ms
        self.prefetch = prefetch
        self.connect_timeout = connect_timeout
        self.heartbeat = heartbeat
        self.backoff = backoff or Backoff(0.5, 30.0)

    def on_message(
        self, channel: BlockingChannel, method: Basic.Deliver, properties: BasicProperties, body: bytes
    ) -> None:
        headers = properties.headers or {}
        attempt = int(headers.get(ATTEMPT_HEADER, 1))
        token = request_id.set(properties.message_id or "-")
        metrics.WORKER_CONSUMED.inc()
        try:
            changed = self.handler(body)
        except Exception as exc:
            metrics.WORKER_FAILURES.labels(failure_reason(exc)).inc()
            self._failed(channel, method, properties, body, attempt, exc)
        else:
            channel.basic_ack(method.delivery_tag)
            outcome = "indexed" if changed else "duplicate"
            metrics.WORKER_MESSAGES.labels(outcome).inc()
            log.info(
                "event handled",
                extra={
                    "outcome": outcome,
                    "routing_key": method.routing_key,
                    "redelivered": method.redelivered,
                },
            )
        finally:
            request_id.reset(token)

    def _failed(
        self,
        channel: BlockingChannel,
        method: Basic.Deliver,
        properties: BasicProperties,
        body: bytes,
        attempt: int,
        exc: Exception,
    ) -> None:
        outages = int((properties.headers or {}).get(OUTAGE_HEADER, 0))
        if isinstance(exc, IndexUnavailableError):
            # The index being down says nothing about the message: wait and retry without using up a try.
            outages += 1
            delay = retry_delay_ms(min(outages, 6), self.retry_base_ms)
            self._retry(
                channel, method, properties, body, {ATTEMPT_HEADER: attempt, OUTAGE_HEADER: outages}, delay
            )
            log.warning(
                "search index unavailable, will retry", extra={"retry_in_ms": delay, "error": str(exc)[:300]}
            )
            return
        if attempt >= self.max_attempts:
            # Rejected without requeue, the queue dead-letters it to Q.dead; the next message goes on.
            channel.basic_reject(method.delivery_tag, requeue=False)
            metrics.WORKER_MESSAGES.labels("dead_lettered").inc()
            log.error("event dead-lettered", extra={"attempt": attempt, "error": str(exc)[:500]})
            return
        delay = retry_delay_ms(attempt, self.retry_base_ms)
        self._retry(
            channel, method, properties, body, {ATTEMPT_HEADER: attempt + 1, OUTAGE_HEADER: outages}, delay
        )
        log.warning(
            "event failed, will retry",
            extra={"attempt": attempt, "retry_in_ms": delay, "error": str(exc)[:500]},
        )

    def _retry(
        self,
        channel: BlockingChannel,
        method: Basic.Deliver,
        properties: BasicProperties,
        body: bytes,
        headers: dict[str, int],
        delay_ms: int,
    ) -> None:
        retry_properties = pika.BasicProperties(
            content_type=properties.content_type,
            delivery_mode=pika.DeliveryMode.Persistent,
            message_id=properties.message_id,
            type=properties.type,
            headers=dict(properties.headers or {}) | headers,
        )
        # Confirmed before the ack: a crash between the two duplicates the message, never loses it.
        # The tier's queue holds it for its own TTL (no per-message expiration: see Topology).
        channel.basic_publish(
            "", self.topology.retry_queue(delay_ms), body, properties=retry_properties, mandatory=True
        )
        channel.basic_ack(method.delivery_tag)
        metrics.WORKER_MESSAGES.labels("retried").inc()

    def run(self, stop: threading.Event, status: TaskStatus | None = None) -> None:
        """Consume until `stop` is set, reconnecting after any failure with a jittered back-off, forever.
        Unacked messages of a lost connection go back to the queue; indexing is version-gated, so their
        redelivery changes nothing that was already indexed."""
        status = status or TaskStatus("consumer")
        while not stop.is_set():
            connection: pika.BlockingConnection | None = None
            try:
                connection = pika.BlockingConnection(
                    connection_parameters(
                        self.url, connect_timeout=self.connect_timeout, heartbeat=self.heartbeat
                    )
                )
                channel = connection.channel()
                self.topology.declare(channel)
                channel.confirm_delivery()
                channel.basic_qos(prefetch_count=self.prefetch)
                channel.basic_consume(self.topology.queue, self.on_message)
                log.info("worker consuming", extra={"queue": self.topology.queue})
                self.backoff.reset()
                status.set("running")
                while not stop.is_set():
                    connection.process_data_events(time_limit=0.5)
            except Exception as exc:
                metrics.CONSUMER_CONNECTION_LOSSES.inc()
                metrics.ERRORS.labels("worker").inc()
                delay = self.backoff.next_delay()
                status.set("retrying", repr(exc)[:200])
                log.warning(
                    "broker connection lost, reconnecting",
                    exc_info=not isinstance(exc, AMQP_ERRORS),
                    extra={"error": repr(exc)[:300], "retry_in_s": delay},
                )
                stop.wait(delay)
            finally:
                if connection is not None and connection.is_open:
                    with contextlib.suppress(*AMQP_ERRORS):
                        connection.close()
        log.info("worker stopped")
