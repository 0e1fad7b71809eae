"""Read-through cache for single postings and first pages: Redis, or in-process for the embedded mode.

Writers overwrite a posting's entry with the new representation and bump the list generation; readers
fill a missing entry with SET NX, so a reader holding an older row can never replace a newer one.
When Redis fails the cache steps aside for `retry_seconds` (requests go to the database) and remembers
the invalidations it could not make; it replays them before it serves anything from Redis again, so
an outage never leaves a stale posting behind.

In front of Redis each process keeps a near cache of postings, kept honest by Redis pub/sub: every
write publishes the posting id and every process drops it. The near cache is used only while the
subscription is live (a dropped subscription empties and disables it), an entry read from Redis is kept
only if no invalidation arrived while it was being read, and entries expire after NEAR_TTL_SECONDS
whatever happens, so a cache hit costs no network round trip and is never more than a moment stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections import OrderedDict
from typing import Protocol

from redis.asyncio import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from postings import metrics

log = logging.getLogger(__name__)

NEAR_TTL_SECONDS = 10.0
NEAR_MAX_ENTRIES = 10_000


class Cache(Protocol):
    name: str

    @property
    def available(self) -> bool: ...

    async def get_posting(self, posting_id: int) -> bytes | None: ...

    async def fill_posting(self, posting_id: int, body: bytes) -> None: ...

    async def write_posting(self, posting_id: int, body: bytes) -> None: ...

    async def list_generation(self) -> str | None: ...

    async def get_list(self, generation: str, key: str) -> bytes | None: ...

    async def fill_list(self, generation: str, key: str, body: bytes) -> None: ...

    async def invalidate_lists(self) -> None: ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...


def list_key(filters_key: str, limit: int) -> str:
    return hashlib.sha1(f"{filters_key}#{limit}".encode(), usedforsecurity=False).hexdigest()


class MemoryCache:
    """A bounded LRU with TTL in this process: correct only with one process, which is why the
    embedded mode runs one."""

    name = "memory"

    def __init__(self, *, ttl_seconds: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._generation = 0

    @property
    def available(self) -> bool:
        return True

    def _get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            self._entries.pop(key, None)
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def _set(self, key: str, body: bytes, *, only_if_missing: bool) -> None:
        if only_if_missing and self._get(key) is not None:
            return
        self._entries[key] = (time.monotonic() + self.ttl, body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def get_posting(self, posting_id: int) -> bytes | None:
        return _count("posting", self._get(f"posting:{posting_id}"))

    async def fill_posting(self, posting_id: int, body: bytes) -> None:
        self._set(f"posting:{posting_id}", body, only_if_missing=True)

    async def write_posting(self, posting_id: int, body: bytes) -> None:
        self._set(f"posting:{posting_id}", body, only_if_missing=False)

    async def list_generation(self) -> str | None:
        return str(self._generation)

    async def get_list(self, generation: str, key: str) -> bytes | None:
        return _count("list", self._get(f"list:{generation}:{key}"))

    async def fill_list(self, generation: str, key: str, body: bytes) -> None:
        self._set(f"list:{generation}:{key}", body, only_if_missing=True)

    async def invalidate_lists(self) -> None:
        self._generation += 1

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._entries.clear()


def _as_bytes(value: bytes | str | None) -> bytes | None:
    return value.encode() if isinstance(value, str) else value


def _count(kind: str, value: bytes | None) -> bytes | None:
    (metrics.CACHE_HITS if value is not None else metrics.CACHE_MISSES).labels(kind).inc()
    return value


class RedisCache:
    """Redis with a circuit breaker: a failure makes it step aside for `retry_seconds`."""

    name = "redis"

    def __init__(self, url: str, *, prefix: str, ttl_seconds: int, retry_seconds: float) -> None:
        self.client: Redis = Redis.from_url(
            url,
            socket_timeout=0.5,
            socket_connect_timeout=0.5,
            retry=Retry(NoBackoff(), 0),
            max_connections=64,
        )
        self.prefix = prefix
        self.ttl = ttl_seconds
        self.retry_seconds = retry_seconds
        self._down_until = 0.0
        self._lost_postings: set[int] = set()
        self._lost_lists = False
        metrics.CACHE_UP.set(1)
        # The subscriber waits on its socket indefinitely; it pings to notice a dead connection.
        self._subscriber: Redis = Redis.from_url(url, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
        self._near: OrderedDict[int, tuple[float, bytes]] = OrderedDict()
        self._near_live = False
        self._epoch = 0
        self._listener: asyncio.Task[None] | None = None

    @property
    def _channel(self) -> str:
        return f"{self.prefix}invalidations"

    def _drop_near(self) -> None:
        self._near.clear()
        self._epoch += 1

    def _start_listener(self) -> None:
        if self._listener is None or self._listener.done():
            self._listener = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        while True:
            pubsub = self._subscriber.pubsub()
            try:
                await pubsub.subscribe(self._channel)
                self._drop_near()
                self._near_live = True
                last_ping = time.monotonic()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None and message["type"] == "message":
                        self._epoch += 1
                        self._near.pop(int(message["data"]), None)
                    if time.monotonic() - last_ping > 5:
                        await asyncio.wait_for(pubsub.ping(), timeout=1.0)
                        last_ping = time.monotonic()
            except (RedisError, OSError, TimeoutError, ValueError) as exc:
                log.info(
                    "cache invalidation feed lost; near cache off until it is back",
                    extra={"error": repr(exc)},
                )
            finally:
                self._near_live = False
                self._drop_near()
                with contextlib.suppress(RedisError, OSError, TimeoutError):
                    await asyncio.wait_for(pubsub.aclose(), timeout=1.0)  # type: ignore[no-untyped-call]
            await asyncio.sleep(self.retry_seconds)

    @property
    def available(self) -> bool:
        return self._down_until == 0.0

    def _fail(self, operation: str, exc: Exception) -> None:
        if self._down_until == 0.0:
            log.warning(
                "redis unavailable, serving from the database",
                extra={"operation": operation, "error": str(exc)},
            )
        self._down_until = time.monotonic() + self.retry_seconds
        self._drop_near()
        metrics.CACHE_ERRORS.labels(operation).inc()
        metrics.CACHE_UP.set(0)

    async def _usable(self) -> bool:
        if self._down_until == 0.0:
            return True
        if time.monotonic() < self._down_until:
            return False
        try:
            await self._replay_lost()
        except RedisError as exc:
            self._fail("recover", exc)
            return False
        log.info("redis is back, cache in use again")
        self._down_until = 0.0
        metrics.CACHE_UP.set(1)
        return True

    async def _replay_lost(self) -> None:
        if self._lost_postings:
            await self.client.delete(*(self._posting_key(i) for i in self._lost_postings))
            for posting_id in self._lost_postings:
                await self.client.publish(self._channel, posting_id)
            self._lost_postings.clear()
        if self._lost_lists:
            await self.client.incr(self._generation_key)
            self._lost_lists = False

    def _posting_key(self, posting_id: int) -> str:
        return f"{self.prefix}posting:{posting_id}"

    @property
    def _generation_key(self) -> str:
        return f"{self.prefix}lists:generation"

    async def get_posting(self, posting_id: int) -> bytes | None:
        if not await self._usable():
            metrics.CACHE_BYPASSED.labels("posting").inc()
            return None
        self._start_listener()
        if self._near_live:
            near = self._near.get(posting_id)
            if near is not None and near[0] > time.monotonic():
                self._near.move_to_end(posting_id)
                metrics.CACHE_NEAR_HITS.inc()
                return _count("posting", near[1])
        epoch = self._epoch
        try:
            value = _as_bytes(await self.client.get(self._posting_key(posting_id)))
        except RedisError as exc:
            self._fail("get", exc)
            return None
        if value is not None and self._near_live and epoch == self._epoch:
            self._near[posting_id] = (time.monotonic() + NEAR_TTL_SECONDS, value)
            if len(self._near) > NEAR_MAX_ENTRIES:
                self._near.popitem(last=False)
        return _count("posting", value)

    async def fill_posting(self, posting_id: int, body: bytes) -> None:
        if not await self._usable():
            return
        try:
            await self.client.set(self._posting_key(posting_id), body, ex=self.ttl, nx=True)
        except RedisError as exc:
            self._fail("set", exc)

    async def write_posting(self, posting_id: int, body: bytes) -> None:
        self._epoch += 1
        self._near.pop(posting_id, None)
        if await self._usable():
            try:
                await self.client.set(self._posting_key(posting_id), body, ex=self.ttl)
                await self.client.publish(self._channel, posting_id)
                return
            except RedisError as exc:
                self._fail("set", exc)
        self._lost_postings.add(posting_id)

    async def list_generation(self) -> str | None:
        if not await self._usable():
            metrics.CACHE_BYPASSED.labels("list").inc()
            return None
        try:
            value = await self.client.get(self._generation_key)
        except RedisError as exc:
            self._fail("get", exc)
            return None
        raw = _as_bytes(value)
        return raw.decode() if raw is not None else "0"

    async def get_list(self, generation: str, key: str) -> bytes | None:
        try:
            value = await self.client.get(f"{self.prefix}list:{generation}:{key}")
        except RedisError as exc:
            self._fail("get", exc)
            return None
        return _count("list", _as_bytes(value))

    async def fill_list(self, generation: str, key: str, body: bytes) -> None:
        try:
            await self.client.set(f"{self.prefix}list:{generation}:{key}", body, ex=self.ttl, nx=True)
        except RedisError as exc:
            self._fail("set", exc)

    async def invalidate_lists(self) -> None:
        if await self._usable():
            try:
                await self.client.incr(self._generation_key)
                return
            except RedisError as exc:
                self._fail("incr", exc)
        self._lost_lists = True

    async def ping(self) -> bool:
        try:
            await self.client.ping()
        except RedisError:
            return False
        return True

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.wait({self._listener}, timeout=2.0)
        await self.client.aclose()
        await self._subscriber.aclose()
