"""The `postings` command: serve, worker, relay, cleanup, migrate, seed and tokens, thin over the modules."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import tempfile
import threading
import time
from typing import TYPE_CHECKING

from postings.logs import configure
from postings.settings import InvalidSettingsError, Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from postings.supervision import Task

log = logging.getLogger("postings.cli")
METRICS_PORT_HELP = "serve Prometheus metrics on this port (default POSTINGS_METRICS_PORT, 9464; 0: off)"


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def _handler(signum: int, _frame: object) -> None:
        log.info("stopping", extra={"signal": signal.Signals(signum).name})
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    return stop


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from postings.server import TimedHttpToolsProtocol

    workers = args.workers
    if workers > 1 and (settings.is_embedded_database or not settings.uses_redis or not settings.uses_amqp):
        log.warning(
            "the embedded mode (SQLite, in-process cache and queue) runs one process; ignoring --workers"
        )
        workers = 1
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="postings-metrics-")
    log.info(
        "serving", extra={"host": args.host, "port": args.port, "workers": workers, **settings.describe()}
    )
    uvicorn.run(
        "postings.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips="*",
        timeout_graceful_shutdown=20,
        loop="uvloop",
        # uvicorn's httptools protocol, stamping when each request's bytes were read (postings.server).
        http=TimedHttpToolsProtocol,
    )
    return 0


def _require_broker(settings: Settings) -> str:
    url = settings.resolved_amqp_url()
    if url is None:
        raise SystemExit(
            "no broker configured: set POSTINGS_AMQP_URL or POSTINGS_AMQP_HOST "
            "(without one, `postings serve` runs the relay and indexer in-process)"
        )
    return url


def worker(settings: Settings, args: argparse.Namespace) -> int:
    from postings.db import create_db_engine
    from postings.resources import (
        create_amqp_relay,
        create_backoff,
        create_consumer,
        create_search,
        start_process_metrics,
    )
    from postings.supervision import Supervisor

    url = _require_broker(settings)
    engine = create_db_engine(settings, pool_size=4)
    search = create_search(settings, engine)
    search.ensure_ready()
    # A task that dies anyway stops the process with status 1, so ECS replaces it.
    supervisor = Supervisor(_stop_on_signals(), restart=False, backoff=lambda: create_backoff(settings))
    if not args.no_relay:
        supervisor.start("outbox-relay", create_amqp_relay(settings, engine, url).run)
        supervisor.start("cleanup", _cleanup_task(settings, engine))
    supervisor.start("consumer", create_consumer(settings, search, url).run)
    metrics_server = start_process_metrics(
        settings, supervisor.statuses, None if args.no_relay else engine, args.metrics_port
    )
    status = supervisor.wait()
    if metrics_server is not None:
        metrics_server.close()
    engine.dispose()
    return status


def relay(settings: Settings, args: argparse.Namespace) -> int:
    from postings.db import create_db_engine
    from postings.resources import create_amqp_relay, create_backoff, start_process_metrics
    from postings.supervision import Supervisor

    url = _require_broker(settings)
    engine = create_db_engine(settings, pool_size=2)
    supervisor = Supervisor(_stop_on_signals(), restart=False, backoff=lambda: create_backoff(settings))
    supervisor.start("outbox-relay", create_amqp_relay(settings, engine, url).run)
    supervisor.start("cleanup", _cleanup_task(settings, engine))
    metrics_server = start_process_metrics(settings, supervisor.statuses, engine, args.metrics_port)
    status = supervisor.wait()
    if metrics_server is not None:
        metrics_server.close()
    engine.dispose()
    return status


def _cleanup_task(settings: Settings, engine: Engine) -> Task:
    """The retention clean-up, run where the relay runs (the outbox's other reader)."""
    from postings.cleanup import Retention, cleanup_task
    from postings.resources import create_backoff

    return cleanup_task(
        engine,
        Retention.from_settings(settings),
        interval_seconds=settings.cleanup_interval_seconds,
        backoff=lambda: create_backoff(settings),
    )


def cleanup(settings: Settings, _args: argparse.Namespace) -> int:
    from postings.cleanup import Retention, clean_up
    from postings.db import create_db_engine

    engine = create_db_engine(settings, pool_size=1)
    try:
        result = clean_up(engine, Retention.from_settings(settings))
    finally:
        engine.dispose()
    print(
        f"deleted {result.outbox_deleted} published outbox events older than "
        f"{settings.outbox_retention_hours:g} h and {result.idempotency_keys_deleted} idempotency keys "
        f"older than {settings.idempotency_retention_hours:g} h"
    )
    return 0


def migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from postings.migrate import upgrade

    revision = upgrade(settings)
    print(f"schema at revision {revision}")
    return 0


def seed(settings: Settings, args: argparse.Namespace) -> int:
    from postings.db import create_db_engine
    from postings.resources import create_search
    from postings.seed import INDEX_LOADERS, seed_postings

    engine = create_db_engine(settings, pool_size=1 + INDEX_LOADERS)
    search = create_search(settings, engine)
    started = time.perf_counter()
    count = seed_postings(
        engine, search, args.count, batch_size=args.batch_size, random_seed=args.random_seed
    )
    print(f"seeded {count} postings in {time.perf_counter() - started:.1f}s")
    engine.dispose()
    return 0


def tokens(settings: Settings, args: argparse.Namespace) -> int:
    from postings.db import create_db_engine
    from postings.tokens import UnknownScopeError, create_token, list_tokens, revoke_token

    engine = create_db_engine(settings, pool_size=1)
    try:
        if args.tokens_command == "create":
            try:
                token_id, token = create_token(engine, name=args.name, scopes=set(args.scope))
            except UnknownScopeError as exc:
                print(str(exc), file=sys.stderr)
                return 2
            print(
                f"token {token_id} ({args.name}, {' '.join(sorted(args.scope))}); shown once, store it now:"
            )
            print(token)
            return 0
        if args.tokens_command == "revoke":
            if revoke_token(engine, args.id):
                print(f"token {args.id} revoked")
                return 0
            print(f"no active token {args.id}", file=sys.stderr)
            return 1
        for row in list_tokens(engine):
            state = "revoked" if row["revoked"] else "active"
            print(f"{row['id']}\t{row['name']}\t{row['scopes']}\t{row['created_at']}\t{state}")
        return 0
    finally:
        engine.dispose()


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="postings", description="The postings service.")
    commands = root.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="run the HTTP API (production server: uvicorn)")
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(func=serve)

    p = commands.add_parser(
        "worker", help="index events from RabbitMQ (runs the outbox relay too, unless --no-relay)"
    )
    p.add_argument("--no-relay", action="store_true", help="consume only; run `postings relay` separately")
    p.add_argument("--metrics-port", type=int, default=None, help=METRICS_PORT_HELP)
    p.set_defaults(func=worker)

    p = commands.add_parser("relay", help="publish the outbox to RabbitMQ, alone")
    p.add_argument("--metrics-port", type=int, default=None, help=METRICS_PORT_HELP)
    p.set_defaults(func=relay)

    p = commands.add_parser(
        "cleanup", help="delete published outbox events and idempotency keys past their retention, once"
    )
    p.set_defaults(func=cleanup)

    p = commands.add_parser("migrate", help="bring the database schema up to date")
    p.set_defaults(func=migrate)

    p = commands.add_parser("seed", help="insert N realistic synthetic multilingual postings and index them")
    p.add_argument("count", type=int)
    p.add_argument("--batch-size", type=int, default=1000)
    p.add_argument("--random-seed", type=int, default=42)
    p.set_defaults(func=seed)

    p = commands.add_parser("tokens", help="create, list or revoke API tokens")
    token_commands = p.add_subparsers(dest="tokens_command", required=True)
    create = token_commands.add_parser("create", help="print a new token alone on the last line")
    create.add_argument("--scope", action="append", required=True, choices=["read", "write"])
    create.add_argument("--name", default="cli")
    revoke = token_commands.add_parser("revoke")
    revoke.add_argument("id", type=int)
    token_commands.add_parser("list")
    p.set_defaults(func=tokens)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.load()
    except InvalidSettingsError as exc:
        raise SystemExit(f"postings {args.command}: {exc}") from None
    configure(settings.log_level)
    if settings.is_embedded_database and args.command != "migrate":
        from postings.migrate import upgrade

        upgrade(settings)  # the embedded database keeps itself current, so one command starts everything
    result: int = args.func(settings, args)
    return result


if __name__ == "__main__":
    sys.exit(main())
