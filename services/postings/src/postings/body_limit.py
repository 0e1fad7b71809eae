"""The request body limit: a body larger than the configured size is refused with 413 before it is read."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLargeError(Exception):
    """Raised to the app from `receive` instead of the chunk that would pass the limit."""


class RequestBodyLimitMiddleware:
    """Answers 413 with the service's error body when a request body would pass `limit` bytes: at the
    app's first read when Content-Length says so, else at the first chunk that passes it (a chunked upload
    declares no length), so the rest of the body is never read and the connection is closed after the
    answer. Only a route that reads its body is refused, after routing, so the request log and metrics
    name the route.

    Not Starlette's RequestBodyLimitMiddleware (nor FastAPI's `max_body_size`, built on it): it answers a
    body whose Content-Length is over the limit in plain text, not with the service's error body, and
    FastAPI's sits outside RequestContextMiddleware (no request id; logged there as an unhandled error)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        received = 0
        refused = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if declared is not None and declared > self.limit:
                refused = True
                raise BodyTooLargeError
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    refused = True
                    raise BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused and not started:
                return  # the app's answer to its interrupted read (FastAPI's is a 400): the 413 replaces it
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused or started:
                raise
        if refused and not started:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"detail": f"request body larger than {self.limit} bytes"},
            status_code=413,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
