"""ASGI middleware of every service: body size limit, correlation ids, security headers,
request metrics. Plain ASGI, not Starlette's BaseHTTPMiddleware (see `ObserveRequests`).
"""

import time
from uuid import uuid4

import structlog
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opsledger.http import CORRELATION_HEADER, error_body
from opsledger.metrics import Metrics
from opsledger.settings import DEFAULT_MAX_REQUEST_BODY_BYTES

# A caller's correlation id is stored with every event it causes (a 200-character column)
# and sent in Kafka headers: 1 to 128 visible ASCII characters, else the request is 400.
MAX_CORRELATION_ID = 128

# Sent with every answer. A page that needs more (Swagger UI's script, the AsyncAPI page's
# style) sets its own Content-Security-Policy, which is kept.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def valid_correlation_id(value: str) -> bool:
    """1 to MAX_CORRELATION_ID visible ASCII characters (no space, no control character)."""
    return 0 < len(value) <= MAX_CORRELATION_ID and all("!" <= c <= "~" for c in value)


class BodySizeLimit:
    """ASGI middleware: refuse request bodies above the limit with 413, before the app reads
    them into memory. A declared Content-Length is checked up front; a chunked body is
    counted as it arrives. The limit is the service's `max_request_body_bytes` setting."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    @staticmethod
    def _limit(scope: Scope) -> int:
        service = getattr(getattr(scope.get("app"), "state", None), "service", None)
        settings = getattr(service, "settings", None)
        limit = getattr(settings, "max_request_body_bytes", DEFAULT_MAX_REQUEST_BODY_BYTES)
        return int(limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        self.metrics.http_body_rejected.inc()
        await JSONResponse(
            error_body("PAYLOAD_TOO_LARGE", f"request body exceeds {limit} bytes"),
            status_code=413,
        )({"type": "http"}, _no_receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await JSONResponse(
                    error_body("VALIDATION", "Content-Length must be a non-negative integer"),
                    status_code=400,
                )(scope, receive, send)
                return
            if int(declared) > limit:
                await self._refuse(send, limit)
                return
        received = 0
        too_large = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    return {"type": "http.disconnect"}  # the app stops reading
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large and not started:
                return  # we answer 413 instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._refuse(send, limit)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


class ObserveRequests:
    """ASGI middleware: a correlation id in and out, requests and latency per route, and
    the security headers of every answer (`Cache-Control: no-store` on answers to a request
    with credentials: they carry personal data).

    Plain ASGI, not Starlette's BaseHTTPMiddleware: that one runs every request through
    an extra task and memory streams, a measurable share of a command's CPU.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        given = request_headers.get(CORRELATION_HEADER)
        refused = given is not None and not valid_correlation_id(given)
        correlation_id = given if given and not refused else str(uuid4())
        scope.setdefault("state", {})["correlation_id"] = correlation_id  # request.state
        structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
        authenticated = "authorization" in request_headers
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[CORRELATION_HEADER] = correlation_id
                raw = message["headers"]
                raw.extend(SECURITY_HEADERS)
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = STRICT_CSP
                if authenticated:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        try:
            if refused:
                await JSONResponse(
                    error_body(
                        "VALIDATION",
                        f"header {CORRELATION_HEADER} must be 1 to {MAX_CORRELATION_ID} visible "
                        "ASCII characters (no spaces or control characters)",
                        field=CORRELATION_HEADER,
                    ),
                    status_code=400,
                )(scope, receive, send_with_id)
                return
            await self.app(scope, receive, send_with_id)
        finally:
            template = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.metrics.http_requests.labels(method, template, str(status)).inc()
            self.metrics.http_seconds.labels(method, template).observe(
                time.perf_counter() - started
            )
            structlog.contextvars.unbind_contextvars("correlation_id")


def install_request_middleware(app: FastAPI, metrics: Metrics) -> None:
    # Added first, so it runs inside ObserveRequests: a 413 is counted like any other answer.
    app.add_middleware(BodySizeLimit, metrics=metrics)
    app.add_middleware(ObserveRequests, metrics=metrics)
