"""HTTP conventions shared by every service: errors, auth answers, the command context.

Every error answer has one shape: `{"error": {"code", "message", "fields"?}}` where
`code` is a rule ID (e.g. "WO-1") or a generic code (VALIDATION, UNAUTHENTICATED,
FORBIDDEN, CONFLICT, NOT_FOUND, UNAVAILABLE, INTERNAL). No answer ever carries a stack
trace. A database that is down or restarting is 503 UNAVAILABLE with Retry-After.
The ASGI middleware (body limit, correlation ids, security headers) is `opsledger.middleware`.
"""

from typing import Annotated, Any

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from opsledger.auth import AuthError, ForbiddenError
from opsledger.db import database_unavailable
from opsledger.errors import DomainError
from opsledger.eventstore import ConcurrencyError
from opsledger.metrics import AUTH_FAILURE_REASONS, Metrics
from opsledger.runtime import Runtime

log = structlog.get_logger(__name__)

CORRELATION_HEADER = "X-Correlation-ID"


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
        if exc.fields:
            extra["fields"] = [
                FieldProblem(
                    field=name,
                    rule=exc.code,
                    problem="refused",
                    message=exc.problems.get(name, exc.message),
                ).model_dump()
                for name in exc.fields
            ]
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


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
