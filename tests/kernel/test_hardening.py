"""Hardening of every service: token lifetimes, the development key, body size, 401 metrics."""

import subprocess
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from subprocess import CompletedProcess
from types import SimpleNamespace
from typing import Annotated, Any

import httpx
import jwt
import pytest
from fastapi import Body, FastAPI
from opsledger.auth import CurrentPrincipal, TokenService
from opsledger.clock import ManualClock
from opsledger.http import install_error_handlers
from opsledger.metrics import Metrics
from opsledger.middleware import install_request_middleware
from opsledger.settings import Settings, UnsafeConfigurationError

from tests.conftest import opsledger_cli
from tests.processes import random_key

SECRET = random_key()
AUDIENCE = "kerneltest"
LIMIT = 2048


def _app(metrics: Metrics) -> FastAPI:
    app = FastAPI()
    # What ServiceApp.build_http provides: the service (for its settings) and the tokens.
    app.state.service = SimpleNamespace(
        settings=Settings(auth_secret=SECRET, max_request_body_bytes=LIMIT)
    )
    app.state.tokens = TokenService(SECRET, audience=AUDIENCE)
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
        TokenService(SECRET, audience=AUDIENCE).mint("staff-1", ["agent"], ["site-a"], ttl)


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
            *("--service", "dispatch"),
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
            *("--service", "dispatch"),
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
    assert TokenService(SECRET, audience="dispatch").verify(result.stdout.strip()).staff_id == "s-1"


# --- the token key ------------------------------------------------------------------------

# Keys that were committed to the repository (the old built-in development key and the old
# docker-compose default): listed in opsledger.published_keys, refused by every service.
OLD_DEV_KEY = "opsledger-dev-secret-change-me-0123456789"
OLD_COMPOSE_KEY = "change-me-change-me-change-me-0123456789"


@pytest.fixture
def no_key_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No key in the environment and an empty data directory; returns that directory."""
    for name in ("OPSLEDGER_AUTH_SECRET", "OPSLEDGER_AUTH_SECRET_FILE", "OPSLEDGER_DEV_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPSLEDGER_DATA_DIR", str(tmp_path))
    return tmp_path


def test_without_a_key_nothing_serves(no_key_env: Path) -> None:
    with pytest.raises(UnsafeConfigurationError, match="OPSLEDGER_AUTH_SECRET is not set"):
        Settings().check_production_safety()
    assert Settings(auth_secret=SECRET).auth_key() == SECRET


@pytest.mark.parametrize("published", [OLD_DEV_KEY, OLD_COMPOSE_KEY])
def test_a_key_published_in_the_repository_is_refused_unless_dev_mode(
    no_key_env: Path, published: str
) -> None:
    with pytest.raises(UnsafeConfigurationError, match="published in the OpsLedger repository"):
        Settings(auth_secret=published).auth_key()
    assert Settings(auth_secret=published, dev_mode=True).auth_key() == published


@pytest.mark.parametrize(
    ("key", "rule"),
    [("k" * 31, "at least 32 characters"), ("ab" * 20, "must be random")],
)
def test_a_short_or_repetitive_key_is_refused(no_key_env: Path, key: str, rule: str) -> None:
    with pytest.raises(UnsafeConfigurationError, match=rule):
        Settings(auth_secret=key, dev_mode=True).auth_key()


def test_the_key_file_in_the_data_directory_is_used_if_private(no_key_env: Path) -> None:
    key_file = no_key_env / "auth-secret"
    key_file.write_text(SECRET + "\n")
    key_file.chmod(0o600)
    assert Settings().auth_key() == SECRET
    key_file.chmod(0o644)
    with pytest.raises(UnsafeConfigurationError, match="chmod 600"):
        Settings().auth_key()


def test_dev_mode_comes_from_the_environment(
    no_key_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPSLEDGER_AUTH_SECRET", OLD_DEV_KEY)
    monkeypatch.setenv("OPSLEDGER_DEV_MODE", "true")
    Settings().check_production_safety()
    monkeypatch.setenv("OPSLEDGER_DEV_MODE", "false")
    with pytest.raises(UnsafeConfigurationError):
        Settings().check_production_safety()


def _cli(args: list[str], env: dict[str, str], timeout: float = 120) -> CompletedProcess[str]:
    return subprocess.run(
        [*opsledger_cli(), *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    ("env", "rule"),
    [
        ({}, "OPSLEDGER_AUTH_SECRET is not set"),
        ({"OPSLEDGER_AUTH_SECRET": OLD_COMPOSE_KEY}, "OPSLEDGER_AUTH_SECRET is a key published"),
    ],
    ids=["no_key", "published_key"],
)
def test_serve_refuses_a_bad_key_in_one_line(
    tmp_path: Path, env: dict[str, str], rule: str
) -> None:
    result = _cli(["serve", "fleet", "--port", "1"], {"OPSLEDGER_DATA_DIR": str(tmp_path), **env})
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("refusing to start fleet: ")
    assert rule in lines[0]


def test_offline_commands_need_no_key(tmp_path: Path) -> None:
    env = {"OPSLEDGER_DATA_DIR": str(tmp_path), "OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}
    migrated = _cli(["migrate", "fleet"], env)
    assert migrated.returncode == 0, migrated.stderr
    verified = _cli(["verify", "fleet"], env)
    assert verified.returncode == 0, verified.stderr
    rebuilt = _cli(["rebuild", "fleet"], env)
    assert rebuilt.returncode == 0, rebuilt.stderr


def test_the_token_command_reads_the_key_file_of_the_data_directory(tmp_path: Path) -> None:
    key_file = tmp_path / "auth-secret"
    key_file.write_text(SECRET)
    key_file.chmod(0o600)
    args = ["token", "--staff", "s-2", "--roles", "agent", "--sites", "site-a"]
    result = _cli([*args, "--service", "fleet"], {"OPSLEDGER_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    principal = TokenService(SECRET, audience="fleet").verify(result.stdout.strip())
    assert principal.staff_id == "s-2"
    claims = jwt.decode(result.stdout.strip(), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 3600  # the default lifetime: one hour


@pytest.mark.parametrize(
    ("extra", "rule"),
    [
        (["--service", "fleet", "--ttl-minutes", "721"], "--ttl-minutes: at most 720"),
        (["--service", "nowhere"], "--service: give the service(s)"),
    ],
)
def test_the_token_command_refuses_what_no_service_accepts(
    cli_env: dict[str, str], extra: list[str], rule: str
) -> None:
    args = ["token", "--staff", "s", "--roles", "agent", "--sites", "site-a", *extra]
    result = _cli(args, cli_env)
    assert result.returncode != 0
    assert rule in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


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
    tokens = TokenService(SECRET, clock=past, audience=AUDIENCE)
    return tokens.mint("s", ["agent"], ["*"], timedelta(hours=1))


def _minted(tokens: TokenService) -> str:
    return tokens.mint("s", [], ["*"])


def _raw(**overrides: object) -> str:
    """A token signed with our key whose claims are exactly these (None drops a claim)."""
    now = int(datetime.now(UTC).timestamp())
    claims: dict[str, object] = {"sub": "s", "iss": "opsledger", "aud": AUDIENCE, "iat": now}
    claims.update({"exp": now + 600, "roles": [], "sites": ["*"], **overrides})
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, SECRET)


def _alg_none() -> str:
    claims = {"sub": "s", "iss": "opsledger", "exp": 4_000_000_000, "roles": [], "sites": []}
    return jwt.encode(claims, key=None, algorithm="none")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (dict, "missing"),
        (lambda: {"Authorization": "Bearer not-a-jwt"}, "malformed"),
        (
            lambda: {
                "Authorization": "Bearer "
                + TokenService(random_key(), audience=AUDIENCE).mint("s", [], ["*"])
            },
            "bad_signature",
        ),
        (lambda: {"Authorization": "Bearer " + _alg_none()}, "bad_signature"),
        (lambda: {"Authorization": "Bearer " + _expired()}, "expired"),
        (
            lambda: {
                "Authorization": "Bearer "
                + TokenService(SECRET, "other", audience=AUDIENCE).mint("s", [], ["*"])
            },
            "invalid_claims",
        ),
        (lambda: {"Authorization": "Bearer " + _raw(aud="callcenter")}, "invalid_claims"),
        (lambda: {"Authorization": "Bearer " + _raw(iat=None)}, "invalid_claims"),
        (lambda: {"Authorization": "Bearer " + _raw(exp="tomorrow")}, "malformed"),
        (lambda: {"Authorization": "Bearer " + _raw(sites="site-a")}, "malformed"),
        (
            lambda: {"Authorization": "Bearer " + _raw(exp=int(time.time()) + 13 * 3600)},
            "invalid_claims",
        ),
    ],
    ids=[
        "missing",
        "malformed",
        "bad_signature",
        "alg_none",
        "expired",
        "wrong_issuer",
        "other_audience",
        "no_iat",
        "exp_a_string",
        "sites_a_string",
        "too_long_lived",
    ],
)
async def test_each_authentication_failure_is_401_and_counted_by_reason(
    client: tuple[Metrics, httpx.AsyncClient],
    headers: Callable[[], dict[str, str]],
    reason: str,
) -> None:
    metrics, c = client
    # Minted now, not at collection: a long run would otherwise see them expire.
    response = await c.get("/me", headers=headers())
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
    token = TokenService(SECRET, audience=AUDIENCE).mint("staff-3", ["agent"], ["*"])
    response = await c.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json() == {"staff": "staff-3"}
    assert _sample(metrics, "opsledger_auth_failures_total", reason="missing") == 0
