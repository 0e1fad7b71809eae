"""RabbitMQ topology, the confirming publisher the relay uses, and the embedded mode's direct delivery.

Topology (names from settings; `E` the exchange, `Q` the indexer's queue):
  E            topic exchange, durable; events are routed as posting.created / .updated / .archived
  Q            durable queue bound to E with `posting.*`; rejected messages dead-letter to E.dead-letter
  Q.retry.<D>ms  one queue per back-off tier D (retry_tiers_ms of the base delay): a failed message
               waits in its tier's queue for the queue's own x-message-ttl, then dead-letters back to Q
  Q.dead       where a message lands after the last failed try, bound to E.dead-letter
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel
from pika.adapters.utils.connection_workflow import AMQPConnectorException

from postings import metrics
from postings.settings import DEFAULT_AMQP_CONNECT_TIMEOUT_SECONDS, DEFAULT_AMQP_HEARTBEAT_SECONDS

log = logging.getLogger(__name__)

ROUTING_PATTERN = "posting.*"
MAX_RETRY_DELAY_MS = 5 * 60 * 1000
# Every way pika's BlockingConnection reports a broker it cannot reach or lost:
# - AMQPError: refused, closed, heartbeat missed, channel errors;
# - AMQPConnectorException (a plain Exception, not an AMQPError): AMQPConnectorStackTimeout when the
#   broker accepts TCP and never completes the AMQP handshake within stack_timeout;
# - OSError; ValueError ("Expected connected socket"), a connection dropped during its handshake.
AMQP_ERRORS: tuple[type[BaseException], ...] = (
    pika.exceptions.AMQPError,
    AMQPConnectorException,
    OSError,
    ValueError,
)


def retry_delay_ms(attempt: int, base_ms: int) -> int:
    """Back-off before try `attempt + 1`: base, 2x base, 4x base, ... capped at five minutes."""
    return int(min(base_ms * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS))


def retry_tiers_ms(base_ms: int) -> tuple[int, ...]:
    """Every delay retry_delay_ms can give for this base, shortest first: one retry queue each."""
    tiers: list[int] = []
    attempt = 1
    while not tiers or tiers[-1] < MAX_RETRY_DELAY_MS:
        tiers.append(retry_delay_ms(attempt, base_ms))
        attempt += 1
    return tuple(tiers)


class PublishError(Exception):
    """The broker did not confirm the message; it stays in the outbox and is retried."""


class Publisher(Protocol):
    def publish(self, routing_key: str, body: bytes, message_id: str) -> None:
        """Return only once the message is safely with the broker; raise PublishError otherwise."""

    def close(self) -> None: ...


def connection_parameters(
    url: str,
    *,
    connect_timeout: float = DEFAULT_AMQP_CONNECT_TIMEOUT_SECONDS,
    heartbeat: int = DEFAULT_AMQP_HEARTBEAT_SECONDS,
) -> pika.URLParameters:
    """One attempt, given up after `connect_timeout` from TCP connect to the end of the AMQP handshake;
    an open connection that hears nothing is closed (and raises) heartbeat + 5 to twice that later."""
    params = pika.URLParameters(url)
    if urlsplit(url).scheme == "amqps":
        context = ssl.create_default_context()
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        params.ssl_options = pika.SSLOptions(context, server_hostname=params.host)
    params.heartbeat = heartbeat
    # A broker that blocks publishers (memory or disk alarm) for this long is treated as lost.
    params.blocked_connection_timeout = 30
    params.connection_attempts = 1
    params.socket_timeout = connect_timeout
    params.stack_timeout = connect_timeout
    return params


class Topology:
    """The names and arguments of the exchanges and queues.

    A retry waits in the queue of its delay tier, whose x-message-ttl is that delay. RabbitMQ expires
    messages only at the head of a queue, so with per-message TTLs in one retry queue a 1 s retry queued
    behind a 5 min one waited 5 min (https://www.rabbitmq.com/docs/ttl#per-message-ttl-caveats); in a
    queue where every message has the same TTL, the head is always the first to expire."""

    def __init__(
        self, exchange: str, queue: str, queue_type: str = "quorum", *, retry_base_ms: int = 1000
    ) -> None:
        self.exchange = exchange
        self.dead_letter_exchange = f"{exchange}.dead-letter"
        self.queue = queue
        self.dead_queue = f"{queue}.dead"
        self.queue_type = queue_type
        # Named by delay, not by rank: a new base declares new queues instead of redeclaring an
        # existing one with another TTL (which RabbitMQ refuses with PRECONDITION_FAILED).
        self.retry_queues = {delay: f"{queue}.retry.{delay}ms" for delay in retry_tiers_ms(retry_base_ms)}

    def retry_queue(self, delay_ms: int) -> str:
        """The queue of the shortest tier that waits at least `delay_ms` (the longest for anything more)."""
        tier = next((d for d in self.retry_queues if d >= delay_ms), max(self.retry_queues))
        return self.retry_queues[tier]

    @property
    def queues(self) -> tuple[str, ...]:
        """Every queue of the topology: the indexer's, each retry tier's, the dead-letter one."""
        return (self.queue, *self.retry_queues.values(), self.dead_queue)

    def declare(self, channel: BlockingChannel) -> None:
        """Idempotent: both the relay and the worker declare it, so whichever starts first, no
        message is published to an exchange without its queue."""
        channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)
        channel.exchange_declare(self.dead_letter_exchange, exchange_type="direct", durable=True)
        channel.queue_declare(
            self.queue,
            durable=True,
            arguments={
                "x-queue-type": self.queue_type,
                "x-dead-letter-exchange": self.dead_letter_exchange,
                "x-dead-letter-routing-key": self.queue,
            },
        )
        channel.queue_bind(self.queue, self.exchange, routing_key=ROUTING_PATTERN)
        for delay, name in self.retry_queues.items():
            channel.queue_declare(
                name,
                durable=True,
                arguments={
                    "x-message-ttl": delay,
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": self.queue,
                },
            )
        channel.queue_declare(self.dead_queue, durable=True, arguments={"x-queue-type": self.queue_type})
        channel.queue_bind(self.dead_queue, self.dead_letter_exchange, routing_key=self.queue)


class AmqpPublisher:
    """Publishes persistent, mandatory messages on a confirm-mode channel: basic_publish returns only
    after the broker has taken responsibility for the message (routed to a durable queue)."""

    def __init__(
        self,
        url: str,
        topology: Topology,
        *,
        connect_timeout: float = DEFAULT_AMQP_CONNECT_TIMEOUT_SECONDS,
        heartbeat: int = DEFAULT_AMQP_HEARTBEAT_SECONDS,
    ) -> None:
        self.url = url
        self.topology = topology
        self.connect_timeout = connect_timeout
        self.heartbeat = heartbeat
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def _ensure_channel(self) -> BlockingChannel:
        if self._channel is None or not self._channel.is_open:
            self.close()
            self._connection = pika.BlockingConnection(
                connection_parameters(
                    self.url, connect_timeout=self.connect_timeout, heartbeat=self.heartbeat
                )
            )
            channel = self._connection.channel()
            self.topology.declare(channel)
            channel.confirm_delivery()
            self._channel = channel
        return self._channel

    def publish(self, routing_key: str, body: bytes, message_id: str) -> None:
        try:
            channel = self._ensure_channel()
            channel.basic_publish(
                self.topology.exchange,
                routing_key,
                body,
                properties=pika.BasicProperties(
                    content_type="application/json",
                    delivery_mode=pika.DeliveryMode.Persistent,
                    message_id=message_id,
                    type=routing_key,
                ),
                mandatory=True,
            )
        except (pika.exceptions.UnroutableError, pika.exceptions.NackError) as exc:
            raise PublishError(f"broker refused {message_id}: {exc!r}") from exc
        except AMQP_ERRORS as exc:
            self.close()
            raise PublishError(f"broker unreachable: {exc!r}") from exc

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            with contextlib.suppress(*AMQP_ERRORS):
                connection.close()


@dataclass(frozen=True)
class IndexerQueues:
    """Messages waiting in each of the indexer's queues, and how many consumers read the main one."""

    depths: dict[str, int]
    consumers: int


def indexer_queues(
    url: str, topology: Topology, *, connect_timeout: float = DEFAULT_AMQP_CONNECT_TIMEOUT_SECONDS
) -> IndexerQueues:
    """The indexer's queues, read on a short connection. The topology is declared first (idempotent),
    so an API started before any relay or worker reports 0, not an error."""
    connection = pika.BlockingConnection(
        connection_parameters(url, connect_timeout=connect_timeout, heartbeat=max(int(connect_timeout), 1))
    )
    try:
        channel = connection.channel()
        topology.declare(channel)
        depths = {}
        consumers = 0
        for name in topology.queues:
            declared = channel.queue_declare(name, passive=True).method
            depths[name] = declared.message_count
            if name == topology.queue:
                consumers = declared.consumer_count
        return IndexerQueues(depths, consumers)
    finally:
        if connection.is_open:
            with contextlib.suppress(*AMQP_ERRORS):
                connection.close()


def queue_depths(url: str, topology: Topology) -> dict[str, int]:
    """Messages waiting in the indexer's queues."""
    return indexer_queues(url, topology).depths


class DirectPublisher:
    """The embedded mode's broker: hands each event straight to the handler, retrying with back-off
    and setting it aside after the last try. The relay marks the event sent only after this returns,
    so a crash mid-way redelivers it from the outbox, as RabbitMQ would."""

    def __init__(self, handler: Callable[[bytes], Any], *, max_attempts: int, retry_base_ms: int) -> None:
        self.handler = handler
        self.max_attempts = max_attempts
        self.retry_base_ms = retry_base_ms
        self.dead_letters: list[tuple[str, bytes]] = []

    def publish(self, routing_key: str, body: bytes, message_id: str) -> None:
        for attempt in range(1, self.max_attempts + 1):
            try:
                changed = self.handler(body)
            except Exception:
                log.warning(
                    "event handling failed",
                    exc_info=True,
                    extra={"message_id": message_id, "attempt": attempt},
                )
                if attempt < self.max_attempts:
                    time.sleep(min(retry_delay_ms(attempt, self.retry_base_ms), 30_000) / 1000)
                continue
            metrics.WORKER_MESSAGES.labels("indexed" if changed else "duplicate").inc()
            return
        metrics.WORKER_MESSAGES.labels("dead_lettered").inc()
        log.error("event dead-lettered", extra={"message_id": message_id, "routing_key": routing_key})
        self.dead_letters.append((message_id, body))

    def close(self) -> None:
        return None
