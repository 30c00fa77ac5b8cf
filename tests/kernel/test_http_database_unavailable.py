"""A command that meets a database that is down or restarting answers 503 (retry later),
not 500 (our bug). Found by the fault tier: during a PostgreSQL restart under load,
commands answered `500 INTERNAL`."""

from collections.abc import AsyncIterator

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from opsledger.http import install_error_handlers
from opsledger.metrics import Metrics
from opsledger.middleware import install_request_middleware

UNAVAILABLE: dict[str, BaseException] = {
    "refused": ConnectionRefusedError(111, "Connect call failed"),
    "connect-timeout": TimeoutError(),
    "starting-up": asyncpg.CannotConnectNowError("the database system is starting up"),
    "shutting-down": sa.exc.DBAPIError(
        "INSERT", {}, Exception("terminating connection"), connection_invalidated=True
    ),
    "operational": sa.exc.OperationalError("SELECT 1", {}, Exception("server closed")),
}
BUGS: dict[str, BaseException] = {
    "integrity": sa.exc.IntegrityError("INSERT", {}, Exception("duplicate key")),
    "runtime": RuntimeError("a bug"),
    "syntax": asyncpg.PostgresSyntaxError("syntax error"),
}


def _app(metrics: Metrics) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app, metrics)
    install_request_middleware(app, metrics)

    @app.post("/raise/{name}")
    async def raiser(name: str) -> None:
        raise {**UNAVAILABLE, **BUGS}[name]

    return app


@pytest.fixture
async def client() -> AsyncIterator[tuple[Metrics, httpx.AsyncClient]]:
    metrics = Metrics("kerneltest")
    transport = httpx.ASGITransport(app=_app(metrics), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as c:
        yield metrics, c


@pytest.mark.parametrize("name", sorted(UNAVAILABLE))
async def test_an_unreachable_database_is_503_with_retry_after(
    client: tuple[Metrics, httpx.AsyncClient], name: str
) -> None:
    metrics, c = client
    answer = await c.post(f"/raise/{name}")
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "UNAVAILABLE"
    assert answer.headers["Retry-After"] == "1"
    counted = metrics.registry.get_sample_value(
        "opsledger_http_requests_total",
        {"method": "POST", "route": "/raise/{name}", "status": "503"},
    )
    assert counted == 1


@pytest.mark.parametrize("name", sorted(BUGS))
async def test_other_failures_stay_500(
    client: tuple[Metrics, httpx.AsyncClient], name: str
) -> None:
    _, c = client
    answer = await c.post(f"/raise/{name}")
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "INTERNAL"
