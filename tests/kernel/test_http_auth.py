"""HTTP conventions of every service: 401/403/409/422 answers, never a stack trace."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import APIRouter
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.clock import ManualClock
from opsledger.eventstore import NewEvent
from opsledger.http import RuntimeDep
from opsledger.service import load_service
from opsledger.settings import Settings

from tests.kernel.payloads import CounterIncremented
from tests.processes import random_key

SECRET = random_key()


@pytest.fixture
async def callcenter(database_url: str) -> AsyncIterator[tuple[ServiceApp, httpx.AsyncClient]]:
    settings = Settings(database_url=database_url, auth_secret=SECRET)
    service = ServiceApp(load_service("callcenter"), settings)
    await service.start(background=False)
    stale = APIRouter()

    @stale.post("/test/stale-append")
    async def stale_append(runtime: RuntimeDep) -> None:
        async with runtime.transaction() as tx:
            event = NewEvent(CounterIncremented(by=1), "site-a", "s", "c")
            await tx.append("counter-9", "Counter", 0, [event])

    app = service.build_http()
    app.include_router(stale)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://cc") as client:
        yield service, client
    await service.stop()


def bearer(
    roles: str = "agent", sites: str = "site-a", ttl: timedelta = timedelta(hours=1)
) -> dict[str, str]:
    tokens = TokenService(SECRET, audience="callcenter")
    token = tokens.mint("staff-7", roles.split(","), sites.split(","), ttl)
    return {"Authorization": f"Bearer {token}"}


PING = {"site_id": "site-a", "ping_id": "p-1", "message": "hello"}


async def test_probes_and_docs_need_no_token(
    callcenter: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    _, client = callcenter
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/metrics")).status_code == 200
    assert (await client.get("/openapi.json")).status_code == 200
    assert (await client.get("/asyncapi.json")).status_code == 200


async def test_missing_or_forged_or_expired_token_is_401(
    callcenter: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    _, client = callcenter
    missing = await client.post("/diagnostics/pings", json=PING)
    forged_token = TokenService(random_key(), audience="callcenter").mint(
        "x", ["agent"], ["site-a"]
    )
    forged = await client.post(
        "/diagnostics/pings", json=PING, headers={"Authorization": f"Bearer {forged_token}"}
    )
    # Minted an hour ago for 5 s (a non-positive lifetime is refused at minting).
    an_hour_ago = ManualClock(datetime.now(UTC) - timedelta(hours=1))
    old_token = TokenService(SECRET, clock=an_hour_ago, audience="callcenter").mint(
        "staff-7", ["agent"], ["site-a"], timedelta(seconds=5)
    )
    expired = await client.post(
        "/diagnostics/pings", json=PING, headers={"Authorization": f"Bearer {old_token}"}
    )
    for answer in (missing, forged, expired):
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "UNAUTHENTICATED"
    assert "expired" in expired.json()["error"]["message"]


async def test_wrong_role_or_site_is_403(callcenter: tuple[ServiceApp, httpx.AsyncClient]) -> None:
    _, client = callcenter
    wrong_role = await client.post("/diagnostics/pings", json=PING, headers=bearer(roles="driver"))
    wrong_site = await client.post("/diagnostics/pings", json=PING, headers=bearer(sites="site-b"))
    assert wrong_role.status_code == 403 and "roles" in wrong_role.json()["error"]["message"]
    assert wrong_site.status_code == 403 and "site-a" in wrong_site.json()["error"]["message"]


async def test_actor_comes_from_the_token_not_the_body(
    callcenter: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    service, client = callcenter
    answer = await client.post(
        "/diagnostics/pings", json={**PING, "actor": "somebody-else"}, headers=bearer()
    )
    assert answer.status_code == 201, answer.text
    async with service.runtime.engine.connect() as conn:
        (event,) = await service.runtime.store.read_stream(conn, "ping-p-1")
    assert event.actor == "staff-7"
    assert event.correlation_id == answer.headers["X-Correlation-ID"]


async def test_bad_input_names_the_field_and_stores_nothing(
    callcenter: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    service, client = callcenter
    answer = await client.post(
        "/diagnostics/pings", json={**PING, "ping_id": "has spaces!"}, headers=bearer()
    )
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "VALIDATION"
    assert error["fields"][0]["field"] == "ping_id"
    assert "Traceback" not in answer.text
    async with service.runtime.engine.connect() as conn:
        assert await service.runtime.store.read_all(conn) == []


async def test_repeated_ping_is_refused_with_its_rule_code(
    callcenter: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    _, client = callcenter
    assert (await client.post("/diagnostics/pings", json=PING, headers=bearer())).status_code == 201
    again = await client.post("/diagnostics/pings", json=PING, headers=bearer())
    assert again.status_code == 409 and again.json()["error"]["code"] == "DIAG-1"


async def test_optimistic_concurrency_conflict_is_409_with_current_version(
    callcenter: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    _, client = callcenter
    assert (await client.post("/test/stale-append")).status_code == 200
    conflict = await client.post("/test/stale-append")
    assert conflict.status_code == 409
    error = conflict.json()["error"]
    assert error["code"] == "CONFLICT" and error["current_version"] == 1


async def test_a_field_declared_for_a_rule_names_the_rule_id_in_the_validation_error(
    database_url: str,
) -> None:
    """callcenter declares `kind` for CC-2: a bad kind is refused naming field and rule."""
    settings = Settings(database_url=database_url, auth_secret=SECRET)
    service = ServiceApp(load_service("callcenter"), settings)
    await service.start(background=False)
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://cc") as client:
            answer = await client.post(
                "/tickets",
                json={"site_id": "site-a", "kind": "gossip", "channel": "phone", "subject": "x"},
                headers=bearer(),
            )
    finally:
        await service.stop()
    assert answer.status_code == 422
    (field,) = answer.json()["error"]["fields"]
    assert field["field"] == "kind"
    assert field["rule"] == "CC-2"
    assert field["problem"] == "literal_error"
    assert "(CC-2)" in answer.json()["error"]["message"]
