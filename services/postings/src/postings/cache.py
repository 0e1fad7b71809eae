"""Read-through cache for single postings and first pages: Redis, or in-process for the embedded mode.

What it guarantees: once a write has returned, no process serves an older version of that posting, or
a first page cached before the write, from any cache, whatever Redis did meanwhile (refused, hung,
restarted empty) and whichever process wrote. Two leases make that hold without touching the
database on a cache hit:

- The epoch lease (Redis outages). Every Redis key carries the cache epoch, a counter per cache prefix
  in the database (`cache_epochs`). A writer that cannot update Redis after its commit (so Redis may
  hold the old version, or a reader may still put one there with SET NX) bumps the epoch in the
  database and then waits EPOCH_LEASE_SECONDS before it returns. Every process reads the epoch every
  EPOCH_POLL_SECONDS (one primary-key row) and uses the cache only within EPOCH_LEASE_SECONDS of
  *starting* a read that returned its current epoch; a process that cannot read it serves from the
  database. So by the time the write returns, every process has either seen the new epoch (whose keys
  Redis does not hold yet) or stopped using the cache. Nothing has to be replayed, so it does not
  matter if the writer stops before Redis returns, or if Redis comes back empty or full. Readers put
  what they read under the epoch they held before reading the database, so a slow reader's old row
  lands in an abandoned epoch.
- The near-cache lease (pub/sub delivery). Each process keeps postings in memory, dropped by Redis
  pub/sub when any process writes. Delivery is asynchronous, so a writer waits NEAR_LEASE_SECONDS after
  its PUBLISH is acknowledged, and a process serves from memory only within NEAR_LEASE_SECONDS of
  sending a PING on its subscription whose PONG it has read: Redis answers a PING after every message
  it published before it, so that process has applied every invalidation published before the PING.
  PINGs go out every NEAR_PING_SECONDS whether or not the last one was answered (the lease counts
  from the sending of the PING whose PONG was read), so a loaded process keeps its near cache.

Why not check the version in the database on every hit: that is a database round trip per read, which
is what the cache is for; the leases cost one epoch read per process every EPOCH_POLL_SECONDS, a PING
every NEAR_PING_SECONDS, NEAR_LEASE_SECONDS of latency on every write, and EPOCH_LEASE_SECONDS on a
write that found Redis failing. Within one epoch the ordering is Redis's: writers overwrite, readers
fill with SET NX, so a reader holding an older row never replaces a newer one.

When Redis fails the cache steps aside for `retry_seconds` (requests go to the database).

A first page is cached under two generations: one per listing scope (its workplace, language, status
and tag filters; see listing_scope) and one for every listing. A write sets a new generation for each
scope that can show the posting's version before or after it (scopes_showing), so a listing of other
tags, workplaces, languages or statuses stays cached; only a write that cannot tell which version it
replaced (another write came between) sets the one for every listing. Company and location do not
narrow a scope: the database compares them by its collation (case and accents), which a key here
would have to reproduce exactly. Generations are random tokens, never counters, so a Redis restarted
empty cannot bring an old generation's pages back.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import logging
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Mapping
from typing import Any, Protocol, TypeVar

from redis.asyncio import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry
from sqlalchemy import BigInteger, Column, Engine, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from postings import metrics
from postings.db import MYSQL_TABLE_ARGS, metadata
from postings.store import ListFilters

log = logging.getLogger(__name__)

# Invalidations and the lease keep a near entry current, not its age: the age only bounds how long a
# posting nobody asks for stays in memory.
NEAR_TTL_SECONDS = 60.0
NEAR_MAX_ENTRIES = 10_000
NEAR_LEASE_SECONDS = 0.05
NEAR_PING_SECONDS = 0.01
NEAR_PINGS_IN_FLIGHT = 100
EPOCH_LEASE_SECONDS = 1.0
EPOCH_POLL_SECONDS = 0.2
EPOCH_READS_IN_FLIGHT = 3
T = TypeVar("T")
# A clock-rate allowance between hosts, on top of the lease a writer waits out.
LEASE_MARGIN_SECONDS = 0.05

cache_epochs = Table(
    "cache_epochs",
    metadata,
    Column("name", String(191), primary_key=True),
    Column("epoch", BigInteger, nullable=False),
    **MYSQL_TABLE_ARGS,
)


def read_epoch(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        value = conn.execute(select(cache_epochs.c.epoch).where(cache_epochs.c.name == name)).scalar()
    return int(value or 0)


def in_daemon_thread(func: Callable[..., T], *args: Any) -> asyncio.Future[T]:
    """`func(*args)` in a thread of its own that nothing waits for at shutdown. A database that accepts the
    connection and never answers keeps the read forever (PyMySQL has no timeout once connected): in the
    event loop's default executor, that thread would hold up the loop's shutdown, and so the process's."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def run() -> None:
        try:
            result = func(*args)
        except BaseException as exc:  # handed to the awaiting task, as asyncio.to_thread would
            error = exc
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits any more
                loop.call_soon_threadsafe(settle, lambda: future.set_exception(error))
        else:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, lambda: future.set_result(result))

    threading.Thread(target=run, name=f"cache-{func.__name__}", daemon=True).start()
    return future


def bump_epoch(engine: Engine, name: str) -> int:
    """Make every cache key of `name` unreachable for every process; the new epoch."""
    bump = update(cache_epochs).where(cache_epochs.c.name == name).values(epoch=cache_epochs.c.epoch + 1)
    with engine.begin() as conn:
        if conn.execute(bump).rowcount == 0:
            try:
                with conn.begin_nested():
                    conn.execute(insert(cache_epochs).values(name=name, epoch=1))
            except IntegrityError:
                conn.execute(bump)
    return read_epoch(engine, name)


class Cache(Protocol):
    name: str

    @property
    def available(self) -> bool: ...

    def bind(self, engine: Engine) -> None:
        """The database the cache epoch lives in; the routes bind it before their first use."""

    def fill_token(self) -> int | None:
        """Taken before reading the database for a miss, given back to fill_posting; None: don't fill."""

    async def get_posting(self, posting_id: int) -> bytes | None: ...

    async def fill_posting(self, posting_id: int, body: bytes, token: int | None) -> None: ...

    async def write_posting(self, posting_id: int, body: bytes, scopes: Collection[str] | None) -> None:
        """After a committed write: the posting's new entry, and the listing scopes it may have
        changed (scopes_showing of the versions before and after; None: every listing)."""

    async def list_generation(self, scope: str) -> str | None: ...

    async def get_list(self, generation: str, key: str) -> bytes | None: ...

    async def fill_list(self, generation: str, key: str, body: bytes) -> None: ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...


def listing_scope(filters: ListFilters) -> str:
    """Which listings a cached page belongs to, for invalidation: its filters on the fields whose
    values compare exactly (company and location compare by the database's collation, which no key
    here reproduces, so they do not narrow it)."""
    language = filters.language.lower() if filters.language else None
    return f"{filters.workplace}|{language}|{filters.status}|{filters.tag}"


def scopes_showing(posting: Mapping[str, Any]) -> set[str]:
    """The scope of every listing that can show this version of the posting: each choice of filtering
    or not on its workplace, language and status, with no tag or one of its tags."""
    scopes = set()
    for workplace, language, status in itertools.product(
        (None, posting["workplace"]), (None, posting["language"]), (None, posting["status"])
    ):
        for tag in (None, *posting["tags"]):
            filters = ListFilters(workplace=workplace, language=language, status=status, tag=tag)
            scopes.add(listing_scope(filters))
    return scopes


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

    def bind(self, engine: Engine) -> None:
        pass

    def fill_token(self) -> int | None:
        return 0

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

    async def fill_posting(self, posting_id: int, body: bytes, token: int | None) -> None:
        if token is not None:
            self._set(f"posting:{posting_id}", body, only_if_missing=True)

    async def write_posting(self, posting_id: int, body: bytes, scopes: Collection[str] | None) -> None:
        self._set(f"posting:{posting_id}", body, only_if_missing=False)
        self._generation += 1

    async def list_generation(self, scope: str) -> str | None:
        return str(self._generation)

    async def get_list(self, generation: str, key: str) -> bytes | None:
        return _count("list", self._get(f"list:{generation}:{key}"))

    async def fill_list(self, generation: str, key: str, body: bytes) -> None:
        self._set(f"list:{generation}:{key}", body, only_if_missing=True)

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
    """Redis with a circuit breaker (a failure makes it step aside for `retry_seconds`), a near cache,
    and the two leases of the module docstring."""

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
        metrics.CACHE_UP.set(1)
        # The subscriber waits on its socket indefinitely; its PINGs tell it the connection is alive.
        self._subscriber: Redis = Redis.from_url(url, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
        self._near: OrderedDict[int, tuple[float, bytes]] = OrderedDict()
        self._near_until = 0.0
        self._invalidations = 0
        self._engine: Engine | None = None
        self._epoch = 0
        self._epoch_until = 0.0
        self._tasks: list[asyncio.Task[None]] = []

    def bind(self, engine: Engine) -> None:
        if self._engine is None:
            self._engine = engine
            loop = asyncio.get_running_loop()
            self._tasks = [loop.create_task(self._watch_epoch()), loop.create_task(self._listen())]

    @property
    def _channel(self) -> str:
        return f"{self.prefix}invalidations"

    def _drop_near(self) -> None:
        self._near.clear()
        self._invalidations += 1

    def _set_epoch(self, epoch: int) -> None:
        if epoch != self._epoch:
            self._epoch = epoch
            self._drop_near()

    async def _watch_epoch(self) -> None:
        assert self._engine is not None
        # A read the database never answers keeps its thread; at most this many, so a hung database
        # cannot exhaust the thread pool, and a fresh read can renew the lease once it answers again.
        reads: set[asyncio.Future[int]] = set()
        while True:
            reads = {read for read in reads if not read.done()}
            if len(reads) < EPOCH_READS_IN_FLIGHT:
                started = time.monotonic()
                read = in_daemon_thread(read_epoch, self._engine, self.prefix)
                read.add_done_callback(lambda done: done.cancelled() or done.exception())
                reads.add(read)
                try:
                    epoch = await asyncio.wait_for(asyncio.shield(read), EPOCH_LEASE_SECONDS)
                except Exception as exc:
                    if time.monotonic() >= self._epoch_until:
                        log.info("cache epoch unreadable; cache off until it is", extra={"error": repr(exc)})
                else:
                    self._set_epoch(epoch)
                    self._epoch_until = started + EPOCH_LEASE_SECONDS
            await asyncio.sleep(EPOCH_POLL_SECONDS)

    async def _listen(self) -> None:
        while True:
            pubsub = self._subscriber.pubsub()
            try:
                await pubsub.subscribe(self._channel)
                self._drop_near()
                sequence = 0
                sent = 0.0
                # The PINGs in flight, oldest first: a new one goes out every NEAR_PING_SECONDS
                # without waiting for the last PONG, so a busy event loop that reads each PONG late
                # still renews the lease while that delay stays under NEAR_LEASE_SECONDS (waiting for
                # each PONG before the next PING let it lapse at half that).
                in_flight: deque[tuple[bytes, float]] = deque()
                while True:
                    now = time.monotonic()
                    if now - sent >= NEAR_PING_SECONDS and len(in_flight) < NEAR_PINGS_IN_FLIGHT:
                        sequence += 1
                        sent = now
                        in_flight.append((str(sequence).encode(), sent))
                        await pubsub.ping(str(sequence))
                    if in_flight and now - in_flight[0][1] > 1.0:
                        raise TimeoutError("no answer to PING on the invalidation feed in 1 s")
                    message = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=NEAR_PING_SECONDS
                    )
                    # Then whatever else has arrived: one message per turn fell behind a loaded loop,
                    # reading ever older PONGs.
                    while message is not None:
                        if message["type"] == "message":
                            self._invalidations += 1
                            self._near.pop(int(message["data"]), None)
                        elif message["type"] == "pong":
                            answered = _as_bytes(message["data"])
                            while in_flight:  # Redis answers in order: earlier PINGs are answered too
                                ping, ping_sent = in_flight.popleft()
                                if ping == answered:
                                    self._near_until = ping_sent + NEAR_LEASE_SECONDS
                                    break
                        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.0)
            except (RedisError, OSError, TimeoutError, ValueError) as exc:
                log.info(
                    "cache invalidation feed lost; near cache off until it is back",
                    extra={"error": repr(exc)},
                )
            finally:
                self._near_until = 0.0
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
        """Within the epoch lease and Redis not known to be failing."""
        return time.monotonic() < self._epoch_until and await self._breaker_closed()

    async def _breaker_closed(self) -> bool:
        if self._down_until == 0.0:
            return True
        if time.monotonic() < self._down_until:
            return False
        try:
            await self.client.ping()
        except RedisError as exc:
            self._fail("recover", exc)
            return False
        log.info("redis is back, cache in use again")
        self._down_until = 0.0
        metrics.CACHE_UP.set(1)
        return True

    def _posting_key(self, epoch: int, posting_id: int) -> str:
        return f"{self.prefix}{epoch}:posting:{posting_id}"

    def _generation_key(self, epoch: int) -> str:
        return f"{self.prefix}{epoch}:lists:generation"

    def _scope_key(self, epoch: int, scope: str) -> str:
        digest = hashlib.sha1(scope.encode(), usedforsecurity=False).hexdigest()
        return f"{self.prefix}{epoch}:lists:scope:{digest}"

    def fill_token(self) -> int | None:
        return self._epoch if time.monotonic() < self._epoch_until else None

    async def get_posting(self, posting_id: int) -> bytes | None:
        if not await self._usable():
            metrics.CACHE_BYPASSED.labels("posting").inc()
            return None
        if time.monotonic() < self._near_until:
            near = self._near.get(posting_id)
            if near is not None and near[0] > time.monotonic():
                self._near.move_to_end(posting_id)
                metrics.CACHE_NEAR_HITS.inc()
                return _count("posting", near[1])
        invalidations = self._invalidations
        try:
            value = _as_bytes(await self.client.get(self._posting_key(self._epoch, posting_id)))
        except RedisError as exc:
            self._fail("get", exc)
            return None
        if value is not None and invalidations == self._invalidations and time.monotonic() < self._near_until:
            self._near[posting_id] = (time.monotonic() + NEAR_TTL_SECONDS, value)
            if len(self._near) > NEAR_MAX_ENTRIES:
                self._near.popitem(last=False)
        return _count("posting", value)

    async def fill_posting(self, posting_id: int, body: bytes, token: int | None) -> None:
        if token is None or not await self._usable():
            return
        try:
            await self.client.set(self._posting_key(token, posting_id), body, ex=self.ttl, nx=True)
        except RedisError as exc:
            self._fail("set", exc)

    async def write_posting(self, posting_id: int, body: bytes, scopes: Collection[str] | None) -> None:
        # The epoch as the database has it after the commit: a bump after this read starts an epoch
        # whose entries are all read after the commit, so writing under this one is enough.
        self._set_epoch(await self._read_epoch())
        if await self._breaker_closed():
            try:
                async with self.client.pipeline(transaction=False) as pipe:
                    pipe.set(self._posting_key(self._epoch, posting_id), body, ex=self.ttl)
                    generation = uuid.uuid4().hex
                    for key in (
                        [self._generation_key(self._epoch)]
                        if scopes is None
                        else [self._scope_key(self._epoch, scope) for scope in scopes]
                    ):
                        pipe.set(key, generation, ex=self.ttl)
                    await pipe.execute()
                await self.client.publish(self._channel, posting_id)
            except RedisError as exc:
                self._fail("set", exc)
            else:
                self._near.pop(posting_id, None)
                await asyncio.sleep(NEAR_LEASE_SECONDS + LEASE_MARGIN_SECONDS)
                return
        await self._abandon_epoch()

    async def _read_epoch(self) -> int:
        if self._engine is None:
            raise RuntimeError("RedisCache.bind(engine) was not called before a write")
        return await in_daemon_thread(read_epoch, self._engine, self.prefix)

    async def _abandon_epoch(self) -> None:
        if self._engine is None:
            raise RuntimeError("RedisCache.bind(engine) was not called before a write")
        self._near.clear()
        self._set_epoch(await in_daemon_thread(bump_epoch, self._engine, self.prefix))
        log.info("redis missed a write; cache epoch bumped", extra={"epoch": self._epoch})
        await asyncio.sleep(EPOCH_LEASE_SECONDS + LEASE_MARGIN_SECONDS)

    async def list_generation(self, scope: str) -> str | None:
        """The generation of every listing (bumped by a write whose versions are unknown) and of the
        listings in `scope`, with the epoch: a page is cached under all three."""
        if not await self._usable():
            metrics.CACHE_BYPASSED.labels("list").inc()
            return None
        epoch = self._epoch
        keys = (self._generation_key(epoch), self._scope_key(epoch, scope))
        try:
            values = await self.client.mget(keys)
            if None in values:
                for key, value in zip(keys, values, strict=True):
                    if value is None:
                        await self.client.set(key, uuid.uuid4().hex, ex=self.ttl, nx=True)
                values = await self.client.mget(keys)
        except RedisError as exc:
            self._fail("get", exc)
            return None
        if None in values:
            return None
        everything, scoped = (_as_bytes(v) or b"" for v in values)
        return f"{epoch}:{everything.decode()}:{scoped.decode()}"

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

    async def ping(self) -> bool:
        try:
            await self.client.ping()
        except RedisError:
            return False
        return True

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=2.0)
        await self.client.aclose()
        await self._subscriber.aclose()
