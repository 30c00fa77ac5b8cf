"""Hardening of every service: token lifetimes, the development key, body size, 401 metrics."""

import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Annotated, Any

import httpx
import jwt
import pytest
from fastapi import Body, FastAPI
from opsledger.auth import CurrentPrincipal, TokenService
from opsledger.clock import ManualClock
from opsledger.http import install_error_handlers, install_request_middleware
from opsledger.metrics import Metrics
from opsledger.settings import DEV_AUTH_SECRET, Settings, UnsafeConfigurationError

from tests.conftest import opsledger_cli

SECRET = "hardening-secret-0123456789-0123456789"
LIMIT = 2048


def _app(metrics: Metrics) -> FastAPI:
    app = FastAPI()
    # What ServiceApp.build_http provides: the service (for its settings) and the tokens.
    app.state.service = SimpleNamespace(
        settings=Settings(auth_secret=SECRET, max_request_body_bytes=LIMIT)
    )
    app.state.tokens = TokenService(SECRET)
    install_error_handlers(app, metrics)
    install_request_middleware(app, metrics)

    @app.post("/echo")
    async def echo(body: Annotated[dict[str, Any], Body()]) -> dict[str, int]:
        return {"keys": len(body)}

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict[str, str]:
        return {"staff": principal.staff_id}

    return app


@pytest.fixture
async def client() -> AsyncIterator[tuple[Metrics, httpx.AsyncClient]]:
    metrics = Metrics("kerneltest")
    transport = httpx.ASGITransport(app=_app(metrics), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as c:
        yield metrics, c


def _sample(metrics: Metrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels)
    return value or 0.0


# --- token lifetime -----------------------------------------------------------------------


@pytest.mark.parametrize("ttl", [timedelta(0), timedelta(minutes=-5)])
def test_a_token_with_a_non_positive_lifetime_is_refused(ttl: timedelta) -> None:
    with pytest.raises(ValueError, match="token lifetime must be positive"):
        TokenService(SECRET).mint("staff-1", ["agent"], ["site-a"], ttl)


@pytest.fixture
def cli_env() -> dict[str, str]:
    return {"OPSLEDGER_AUTH_SECRET": SECRET, "PATH": "/usr/bin:/bin"}


@pytest.mark.parametrize("ttl", ["0", "-30", "abc", "600000"])
def test_the_token_command_refuses_a_bad_lifetime(ttl: str, cli_env: dict[str, str]) -> None:
    result = subprocess.run(
        [
            *opsledger_cli(),
            "token",
            "--staff",
            "s",
            "--roles",
            "agent",
            "--sites",
            "*",
            *(
                "--ttl-minutes",
                ttl,
            ),
        ],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--ttl-minutes" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_token_command_mints_a_token_that_is_valid_now(cli_env: dict[str, str]) -> None:
    result = subprocess.run(
        [
            *opsledger_cli(),
            "token",
            "--staff",
            "s-1",
            "--roles",
            "agent",
            *("--sites", "site-a"),
            *(
                "--ttl-minutes",
                "5",
            ),
        ],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert TokenService(SECRET).verify(result.stdout.strip()).staff_id == "s-1"


# --- the development key ------------------------------------------------------------------


def test_the_development_key_is_refused_unless_dev_mode_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPSLEDGER_AUTH_SECRET", raising=False)
    monkeypatch.delenv("OPSLEDGER_DEV_MODE", raising=False)
    with pytest.raises(UnsafeConfigurationError, match="OPSLEDGER_DEV_MODE=true"):
        Settings().check_production_safety()
    Settings(dev_mode=True).check_production_safety()
    Settings(auth_secret=SECRET).check_production_safety()
    assert Settings().auth_secret == DEV_AUTH_SECRET


def test_dev_mode_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPSLEDGER_AUTH_SECRET", raising=False)
    monkeypatch.setenv("OPSLEDGER_DEV_MODE", "true")
    Settings().check_production_safety()
    monkeypatch.setenv("OPSLEDGER_DEV_MODE", "false")
    with pytest.raises(UnsafeConfigurationError):
        Settings().check_production_safety()


def test_serve_refuses_to_start_with_the_development_key() -> None:
    result = subprocess.run(
        [*opsledger_cli(), "serve", "fleet", "--port", "1"],
        env={"PATH": "/usr/bin:/bin", "OPSLEDGER_DATA_DIR": "/nonexistent"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "refusing to start fleet" in result.stderr
    assert "OPSLEDGER_AUTH_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("base", "expected"),
    [("https://c.example.com/x", "https://c.example.com/x/"), ("", "")],
)
def test_the_schema_base_uri_setting(base: str, expected: str) -> None:
    assert Settings(schema_base_uri=base).schema_base_uri == expected


@pytest.mark.parametrize("base", ["schemas/", "/abs/path/", "https://h/c/?q=1"])
def test_a_relative_schema_base_uri_is_refused(base: str) -> None:
    with pytest.raises(ValueError, match="OPSLEDGER_SCHEMA_BASE_URI"):
        Settings(schema_base_uri=base)


# --- request body size --------------------------------------------------------------------


async def test_a_body_within_the_limit_is_served(
    client: tuple[Metrics, httpx.AsyncClient],
) -> None:
    _, c = client
    response = await c.post("/echo", json={"a": "x" * 100})
    assert response.status_code == 200
    assert response.json() == {"keys": 1}


async def test_a_declared_oversized_body_gets_413(
    client: tuple[Metrics, httpx.AsyncClient],
) -> None:
    metrics, c = client
    response = await c.post("/echo", json={"a": "x" * (LIMIT + 10)})
    assert response.status_code == 413
    assert response.json() == {
        "error": {"code": "PAYLOAD_TOO_LARGE", "message": f"request body exceeds {LIMIT} bytes"}
    }
    assert _sample(metrics, "opsledger_http_request_body_rejected_total") == 1
    assert (
        _sample(
            metrics,
            "opsledger_http_requests_total",
            method="POST",
            route="unmatched",
            status="413",
        )
        + _sample(
            metrics, "opsledger_http_requests_total", method="POST", route="/echo", status="413"
        )
        == 1
    )


async def test_a_chunked_oversized_body_gets_413(
    client: tuple[Metrics, httpx.AsyncClient],
) -> None:
    metrics, c = client

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"a": "'
        for _ in range(10):
            yield b"x" * 512
        yield b'"}'

    response = await c.post("/echo", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert _sample(metrics, "opsledger_http_request_body_rejected_total") == 1


async def test_a_bad_content_length_gets_400(
    client: tuple[Metrics, httpx.AsyncClient],
) -> None:
    _, c = client
    response = await c.post(
        "/echo",
        content=b"{}",
        headers={"content-length": "abc", "content-type": "application/json"},
    )
    assert response.status_code == 400


# --- authentication failures by reason ----------------------------------------------------


def _expired() -> str:
    past = ManualClock(datetime.now(UTC) - timedelta(days=2))
    return TokenService(SECRET, clock=past).mint("s", ["agent"], ["*"], timedelta(hours=1))


def _alg_none() -> str:
    claims = {"sub": "s", "iss": "opsledger", "exp": 4_000_000_000, "roles": [], "sites": []}
    return jwt.encode(claims, key=None, algorithm="none")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing"),
        ({"Authorization": "Bearer not-a-jwt"}, "malformed"),
        (
            {"Authorization": "Bearer " + TokenService("x" * 40).mint("s", [], ["*"])},
            "bad_signature",
        ),
        ({"Authorization": "Bearer " + _alg_none()}, "bad_signature"),
        ({"Authorization": "Bearer " + _expired()}, "expired"),
        (
            {"Authorization": "Bearer " + TokenService(SECRET, "other").mint("s", [], ["*"])},
            "invalid_claims",
        ),
    ],
    ids=["missing", "malformed", "bad_signature", "alg_none", "expired", "wrong_issuer"],
)
async def test_each_authentication_failure_is_401_and_counted_by_reason(
    client: tuple[Metrics, httpx.AsyncClient], headers: dict[str, str], reason: str
) -> None:
    metrics, c = client
    response = await c.get("/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"
    assert _sample(metrics, "opsledger_auth_failures_total", reason=reason) == 1
    total = sum(
        _sample(metrics, "opsledger_auth_failures_total", reason=r)
        for r in ("missing", "malformed", "bad_signature", "expired", "invalid_claims")
    )
    assert total == 1


async def test_a_valid_token_is_not_counted(client: tuple[Metrics, httpx.AsyncClient]) -> None:
    metrics, c = client
    token = TokenService(SECRET).mint("staff-3", ["agent"], ["*"])
    response = await c.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json() == {"staff": "staff-3"}
    assert _sample(metrics, "opsledger_auth_failures_total", reason="missing") == 0
