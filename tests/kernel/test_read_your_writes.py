"""Read your own writes: a command's answer names the log position it reached; a read that
asks for at least that position waits (bounded) for the read models to reach it.

The read-model runner lags by construction here: the service runs no background loops,
so the runner passes only when a test calls it, after the read is seen waiting.
"""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from opsledger.app import ServiceApp
from opsledger.clock import ManualClock
from opsledger.db import events
from opsledger.settings import Settings

from tests.kernel import toy
from tests.kernel.toy_auth import SECRET, START, auth

POSITION = "X-OpsLedger-Position"
MIN_POSITION = "X-OpsLedger-Min-Position"
CLERK = auth("c1", "clerk")


@pytest.fixture
async def toy_service(database_url: str) -> AsyncIterator[tuple[ServiceApp, httpx.AsyncClient]]:
    settings = Settings(database_url=database_url, auth_secret=SECRET, read_wait_seconds=0.3)
    service = ServiceApp(toy.definition(), settings, clock=ManualClock(START))
    await service.start(background=False)  # no read-model loop: it lags until told
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://toy") as client:
        yield service, client
    await service.stop()


async def _last_position(service: ServiceApp) -> int:
    async with service.runtime.engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar_one())


async def _record(client: httpx.AsyncClient) -> tuple[str, int]:
    """Open a tally and add to it; the tally id and the position the last answer names."""
    opened = await client.post("/tallies", json={"site_id": "site-a"}, headers=CLERK)
    assert opened.status_code == 201, opened.text
    tally_id = opened.json()["tally_id"]
    added = await client.post(
        f"/tallies/{tally_id}/add", json={"amount": 7}, headers=auth("a1", "adder")
    )
    assert added.status_code == 200, added.text
    assert added.json() == {"tally_id": tally_id, "total": 7, "closed": False}  # body as before
    return tally_id, int(added.headers[POSITION])


async def test_a_command_answer_carries_the_position_of_its_last_event(
    toy_service: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    service, client = toy_service
    # A workflow: a number taken and a tally opened, two streams, one transaction.
    opened = await client.post("/tallies", json={"site_id": "site-a"}, headers=CLERK)
    assert opened.status_code == 201, opened.text
    assert set(opened.json()) == {"tally_id", "total", "closed"}
    assert int(opened.headers[POSITION]) == await _last_position(service)
    _, position = await _record(client)
    assert position == await _last_position(service)
    assert position > int(opened.headers[POSITION])
    # A read's answer names no position: only commands reach one.
    listed = await client.get("/tallies", params={"site_id": "site-a"}, headers=CLERK)
    assert POSITION not in listed.headers


@pytest.mark.parametrize("how", ["header", "query"])
async def test_a_read_with_the_position_waits_for_the_lagging_read_models_and_sees_the_write(
    toy_service: tuple[ServiceApp, httpx.AsyncClient], how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, client = toy_service
    tally_id, position = await _record(client)
    plain = await client.get("/tallies", params={"site_id": "site-a"}, headers=CLERK)
    assert plain.json() == []  # the runner lags: without the position, the write is unseen

    params = {"site_id": "site-a"}
    headers = dict(CLERK)
    if how == "header":
        headers[MIN_POSITION] = str(position)
    else:
        params["min_position"] = str(position)
    parked = asyncio.Event()
    advances = service.read_models.advances
    wait = advances.wait

    async def parking(ticket: asyncio.Event, seconds: float) -> None:
        parked.set()
        await wait(ticket, seconds)

    monkeypatch.setattr(advances, "wait", parking)
    read = asyncio.create_task(client.get("/tallies", params=params, headers=headers))
    await asyncio.wait_for(parked.wait(), 10)  # the read is parked, waiting for the runner
    assert not read.done()
    await service.read_models.catch_up()  # the runner's pass releases it
    answer = await asyncio.wait_for(read, 10)
    assert answer.status_code == 200, answer.text
    assert answer.json() == [{"tally_id": tally_id, "total": 7}]


async def test_a_position_already_reached_answers_without_waiting(
    toy_service: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    service, client = toy_service
    tally_id, position = await _record(client)
    await service.read_models.catch_up()
    answer = await client.get(
        "/tallies", params={"site_id": "site-a", "min_position": position}, headers=CLERK
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == [{"tally_id": tally_id, "total": 7}]


async def test_read_models_that_stay_behind_answer_503_with_retry_after(
    toy_service: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    _, client = toy_service
    _, position = await _record(client)
    answer = await client.get(
        "/tallies", params={"site_id": "site-a"}, headers={**CLERK, MIN_POSITION: str(position)}
    )
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "1"
    error = answer.json()["error"]
    assert error["code"] == "UNAVAILABLE"
    assert f"position {position}" in error["message"]
    assert error["min_position"] == position and error["reached"] < position


@pytest.mark.parametrize(
    ("where", "value", "field"),
    [
        ("query", "abc", "min_position"),
        ("query", "-1", "min_position"),
        ("query", "\u0661", "min_position"),  # a digit, but not an ASCII one
        ("query", str(2**63), "min_position"),
        ("header", "1.5", MIN_POSITION),
        ("query", "beyond", "min_position"),
    ],
)
async def test_a_bad_min_position_is_422_naming_it(
    toy_service: tuple[ServiceApp, httpx.AsyncClient], where: str, value: str, field: str
) -> None:
    _, client = toy_service
    _, position = await _record(client)
    if value == "beyond":
        value = str(position + 1000)  # no such position in this service's log
    params = {"site_id": "site-a"}
    headers = dict(CLERK)
    if where == "query":
        params["min_position"] = value
    else:
        headers[MIN_POSITION] = value
    answer = await client.get("/tallies", params=params, headers=headers)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "VALIDATION" and error["field"] == field, error


async def test_reads_of_the_log_itself_need_no_wait(
    toy_service: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    """`reads.load`/`reads.stream` fold the stream now: consistent without waiting."""
    _, client = toy_service
    tally_id, position = await _record(client)
    answer = await client.get(
        f"/tallies/{tally_id}", headers={**CLERK, MIN_POSITION: str(position)}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"] == 7
