"""The FastAPI application factory: routes, error shapes, request context and body limit, lifespan."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from postings import metrics
from postings.api.routes import health, postings, search
from postings.body_limit import RequestBodyLimitMiddleware
from postings.logs import configure, request_id
from postings.migrate import upgrade
from postings.resources import Resources
from postings.search.base import IndexUnavailableError
from postings.server import received_at, watch_event_loop
from postings.settings import Settings
from postings.store import (
    IdempotencyConflictError,
    InvalidCursorError,
    NotFoundError,
    PatchInvalidError,
    PreconditionFailedError,
)

log = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")


class RequestContextMiddleware:
    """Gives every request an id (the caller's X-Request-ID when sane), logs one JSON line per
    request and records the request metrics by route template, method and status.

    The duration runs from when the server read the request's first bytes (postings.server stamps it),
    so time the request waited for the event loop or behind another on its connection is counted; the
    log line also gives `queued_ms`, the part of it before the app started on the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"").decode("latin-1")
        rid = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        app_started = time.perf_counter()
        started = received_at(scope) or app_started
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            metrics.ERRORS.labels("api").inc()
            log.exception("unhandled error", extra={"path": scope["path"]})
            raise
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            method = scope["method"]
            metrics.REQUESTS.labels(method, template, status).inc()
            metrics.LATENCY.labels(method, template, status).observe(elapsed)
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "request",
                    extra={
                        "method": method,
                        "path": scope["path"],
                        "route": template,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                        "queued_ms": round((app_started - started) * 1000, 2),
                    },
                )
            request_id.reset(token)


def _field_errors(errors: list[Any]) -> list[dict[str, Any]]:
    out = []
    for error in errors:
        loc = [p for p in error.get("loc", ()) if isinstance(p, str | int)]
        named = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
        out.append(
            {
                "loc": loc,
                "field": ".".join(named) or "body",
                "msg": error.get("msg", ""),
                "type": error.get("type", ""),
            }
        )
    return out


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _field_errors(list(exc.errors()))}, status_code=422)

    @app.exception_handler(PatchInvalidError)
    async def invalid_patch(_request: Request, exc: PatchInvalidError) -> JSONResponse:
        errors = [e | {"loc": ["body", *e["loc"]]} for e in exc.errors]
        return JSONResponse({"detail": _field_errors(errors)}, status_code=422)

    @app.exception_handler(InvalidCursorError)
    async def invalid_cursor(_request: Request, exc: InvalidCursorError) -> JSONResponse:
        error = {"loc": ["query", "cursor"], "msg": str(exc), "type": "value_error"}
        return JSONResponse({"detail": _field_errors([error])}, status_code=422)

    @app.exception_handler(NotFoundError)
    async def not_found(_request: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse({"detail": f"posting {exc.args[0]} not found"}, status_code=404)

    @app.exception_handler(PreconditionFailedError)
    async def stale(_request: Request, exc: PreconditionFailedError) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc), "current_version": exc.current_version},
            status_code=412,
            headers={"ETag": f'"{exc.current_version}"'},
        )

    @app.exception_handler(IdempotencyConflictError)
    async def reused_key(_request: Request, exc: IdempotencyConflictError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(IndexUnavailableError)
    async def search_down(_request: Request, exc: IndexUnavailableError) -> JSONResponse:
        metrics.ERRORS.labels("search").inc()
        log.error("search backend unavailable", extra={"error": str(exc)[:300]})
        return JSONResponse(
            {"detail": "search unavailable, retry shortly"}, status_code=503, headers={"Retry-After": "5"}
        )

    @app.exception_handler(DBAPIError)
    async def database_down(_request: Request, exc: DBAPIError) -> JSONResponse:
        metrics.ERRORS.labels("database").inc()
        log.error("database error", extra={"error": str(exc.orig)[:300] if exc.orig else str(exc)[:300]})
        if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
            return JSONResponse(
                {"detail": "database unavailable, retry shortly"},
                status_code=503,
                headers={"Retry-After": "2"},
            )
        return JSONResponse({"detail": "internal error"}, status_code=500)


def create_app(settings: Settings | None = None, identity: metrics.TaskIdentity | None = None) -> FastAPI:
    """The app; settings are read when the factory is called (by uvicorn, as each process starts; never
    at import), unless a test hands them in. A process uvicorn started labels its metrics with its task
    (metrics.task_identity, read as it starts); an app built around a test's settings does so only when
    handed an identity, so its exposition lines stay those of the code under test."""
    current = settings if settings is not None else Settings.load()
    label_task = settings is None or identity is not None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure(current.log_level)
        if label_task:
            metrics.identify(identity or metrics.task_identity())
        if current.is_embedded_database:
            upgrade(current)
        resources = Resources.create(current)
        if not current.uses_amqp:
            resources.start_embedded_pipeline()
        app.state.resources = resources
        loop_watch = asyncio.create_task(watch_event_loop())
        log.info("postings api started", extra={"settings": current.describe()})
        try:
            yield
        finally:
            loop_watch.cancel()
            await resources.cache.close()
            resources.close()
            log.info("postings api stopped")

    app = FastAPI(
        title="Postings API",
        version="1.0.0",
        description="Job postings: create, edit, archive, list and search. Reads are public; writes need a "
        "bearer token with the `write` scope.",
        lifespan=lifespan,
    )
    # Inside the request context, so a refused body is logged and counted with its request id and route.
    app.add_middleware(RequestBodyLimitMiddleware, limit=current.max_request_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    _add_error_handlers(app)
    app.include_router(health.router)
    app.include_router(postings.router)
    app.include_router(search.router)
    return app
