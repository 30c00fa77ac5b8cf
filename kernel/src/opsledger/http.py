"""HTTP conventions shared by every service: errors, correlation ids, metrics, probes.

Every error answer has one shape: `{"error": {"code", "message", "fields"?}}` where
`code` is a rule ID (e.g. "WO-1") or a generic code (VALIDATION, UNAUTHENTICATED,
FORBIDDEN, CONFLICT, NOT_FOUND, UNAVAILABLE, INTERNAL). No answer ever carries a stack
trace. A database that is down or restarting is 503 UNAVAILABLE with Retry-After.
"""

import time
from typing import Annotated, Any
from uuid import uuid4

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opsledger.auth import AuthError, ForbiddenError, Principal
from opsledger.db import database_unavailable
from opsledger.errors import DomainError
from opsledger.eventstore import ConcurrencyError
from opsledger.metrics import AUTH_FAILURE_REASONS, Metrics
from opsledger.runtime import CommandContext, Runtime
from opsledger.settings import DEFAULT_MAX_REQUEST_BODY_BYTES

log = structlog.get_logger(__name__)

CORRELATION_HEADER = "X-Correlation-ID"
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


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


RULE_KEY = "x-rule"


def rule(rule_id: str) -> dict[str, Any]:
    """`Field(json_schema_extra=rule("CC-2"))`: the business rule a request field serves.

    A validation error on that field then names the rule ID (and OpenAPI shows it).
    """
    return {RULE_KEY: rule_id}


def _rule_of(request: Request, loc: tuple[int | str, ...]) -> str | None:
    """The rule ID declared on the body field an error points at, if any."""
    if len(loc) < 2 or loc[0] != "body":
        return None
    field = getattr(request.scope.get("route"), "body_field", None)
    model = getattr(getattr(field, "field_info", None), "annotation", None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    declared = model.model_fields.get(str(loc[1]))
    extra = declared.json_schema_extra if declared is not None else None
    value = extra.get(RULE_KEY) if isinstance(extra, dict) else None
    return value if isinstance(value, str) else None


class FieldProblem(BaseModel):
    """One invalid input of a VALIDATION answer."""

    field: str
    rule: str
    problem: str
    message: str


class ErrorDetail(BaseModel):
    """`code` is a rule ID (e.g. "WO-1") or a generic code; more keys may follow."""

    code: str
    message: str
    fields: list[FieldProblem] | None = None


class ErrorAnswer(BaseModel):
    """The one shape of every error answer."""

    error: ErrorDetail


# What any operation may answer besides its success: a rule or validation (422), the
# token (401), roles or site (403), an unknown id (404), a conflict (409), a body too
# large (413) or a malformed Content-Length (400).
ERROR_STATUSES = {
    "400": "Malformed request",
    "401": "No valid bearer token",
    "403": "The token's roles or sites do not allow this",
    "404": "Not found",
    "409": "Conflict with the current state (a rule or a concurrent write)",
    "413": "Request body too large",
    "422": "Invalid input or a business rule refused the command",
}


def document_error_answers(app: FastAPI) -> None:
    """Declare the error answers of every operation in the app's OpenAPI document.

    One place for all services: clients (and schemathesis' status and schema checks) see
    the same `ErrorAnswer` body the handlers below send; FastAPI's own 422 schema, which
    our answers do not follow, is replaced.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        definitions = ErrorAnswer.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(definitions.pop("$defs", {}))
        components[ErrorAnswer.__name__] = definitions
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorAnswer"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                responses = operation["responses"]
                for status, description in ERROR_STATUSES.items():
                    declared = responses.get(status)
                    if declared is None or status == "422":  # FastAPI's 422 is not ours
                        responses[status] = {"description": description, "content": body}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI, metrics: Metrics) -> None:
    document_error_answers(app)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = []
        for err in exc.errors():
            loc = tuple(err.get("loc", ()))
            problem = err.get("type", "invalid")
            fields.append(
                {
                    "field": _field_path(loc),
                    "rule": _rule_of(request, loc) or problem,
                    "problem": problem,
                    "message": err.get("msg", "invalid value"),
                }
            )
        summary = "; ".join(
            f"{f['field']}: {f['message']}"
            + (f" ({f['rule']})" if f["rule"] != f["problem"] else "")
            for f in fields
        )
        return JSONResponse(
            error_body("VALIDATION", f"invalid request ({summary})", fields=fields), status_code=422
        )

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        metrics.domain_rejections.labels(rule=exc.code).inc()
        extra: dict[str, Any] = {"field": exc.field} if exc.field else {}
        return JSONResponse(error_body(exc.code, exc.message, **extra), status_code=exc.status)

    @app.exception_handler(ConcurrencyError)
    async def _conflict(_: Request, exc: ConcurrencyError) -> JSONResponse:
        metrics.append_conflicts.inc()
        return JSONResponse(
            error_body(
                "CONFLICT",
                str(exc),
                stream_id=exc.stream_id,
                expected_version=exc.expected_version,
                current_version=exc.current_version,
            ),
            status_code=409,
        )

    @app.exception_handler(AuthError)
    async def _unauthenticated(_: Request, exc: AuthError) -> JSONResponse:
        reason = exc.reason if exc.reason in AUTH_FAILURE_REASONS else "invalid_claims"
        metrics.auth_failures.labels(reason=reason).inc()
        return JSONResponse(
            error_body("UNAUTHENTICATED", str(exc)),
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception_handler(ForbiddenError)
    async def _forbidden(_: Request, exc: ForbiddenError) -> JSONResponse:
        return JSONResponse(error_body("FORBIDDEN", str(exc)), status_code=403)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "HTTP_ERROR")
        # Keep the exception's headers: a 405 names the allowed methods in `Allow`.
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if not database_unavailable(exc):
            return await _unexpected(request, exc)
        log.warning("http_database_unavailable", path=request.url.path, error=str(exc)[:300])
        return JSONResponse(
            error_body("UNAVAILABLE", "the database is unavailable; retry shortly"),
            status_code=503,
            headers={"Retry-After": "1"},
        )

    for failure in (sa.exc.DBAPIError, asyncpg.PostgresError, ConnectionError, TimeoutError):
        app.add_exception_handler(failure, _database)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("http_unhandled_error", path=request.url.path)
        return JSONResponse(
            error_body("INTERNAL", "internal error; the correlation id is in the logs"),
            status_code=500,
        )


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


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def command_context(request: Request, principal: Principal, site_id: str) -> CommandContext:
    """Context of a command: actor from the token, correlation id from the request."""
    return CommandContext(
        actor=principal.staff_id,
        site_id=site_id,
        correlation_id=getattr(request.state, "correlation_id", None) or str(uuid4()),
    )
