"""A stream belongs to one aggregate and one site: ids cannot reach another's (issue 17).

The toy's tallies (`tally-<id>`) nest the numbering scope `tally-numbers-<site>`, as
fleet's `vehicle-` nests `vehicle-request-` and dispatch's `work-order-` nests
`work-order-serials-`.
"""

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.exceptions import FastAPIError
from opsledger.app import ServiceApp
from opsledger.auth import Principal
from opsledger.clock import ManualClock
from opsledger.pipeline import CommandBus, Loaded, Origin, UnitOfWork
from opsledger.routes import Reader, Reads
from opsledger.runtime import CommandContext
from opsledger.settings import Settings
from opsledger.streams import StreamPrefixes

from tests.kernel import toy
from tests.kernel.toy_auth import SECRET, START, auth

A_CLERK = auth("c1", "clerk", "site-a")
B_CLERK = auth("c2", "clerk", "site-b")


@pytest.fixture
async def toy_service(database_url: str) -> AsyncIterator[tuple[ServiceApp, httpx.AsyncClient]]:
    service = ServiceApp(
        toy.definition(),
        Settings(database_url=database_url, auth_secret=SECRET),
        clock=ManualClock(START),
    )
    await service.start(background=False)
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://toy") as client:
        yield service, client
    await service.stop()


async def _write(service: ServiceApp, stream: str, stream_type: str, site: str) -> None:
    """A stream written as another aggregate would (or as data from before this check)."""
    async with service.runtime.transaction() as tx:
        ctx = CommandContext("someone", site, "corr")
        event = ctx.event(toy.TallyOpened(tally_id="x", number=1), START)
        await tx.append(stream, stream_type, 0, [event])


def _without(body: dict[str, Any], *idents: str) -> str:
    text = str(body)
    for ident in idents:
        text = text.replace(ident, "<id>")
    return text


async def test_an_id_that_spells_a_number_stream_is_refused_naming_the_field(
    toy_service: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    _, client = toy_service
    opened = await client.post("/tallies", json={"site_id": "site-a"}, headers=A_CLERK)
    assert opened.status_code == 201, opened.text  # the scope tally-numbers-site-a exists now
    added = await client.post("/tallies/numbers-site-a/add", json={"amount": 1}, headers=A_CLERK)
    assert added.status_code == 422, added.text
    error = added.json()["error"]
    assert error["code"] == "VALIDATION"
    assert error["field"] == "tally_id"
    assert "'numbers-'" in error["message"]
    squat = await client.post(
        "/tallies/numbers-site-c/open", json={"site_id": "site-a"}, headers=A_CLERK
    )
    assert squat.status_code == 422, squat.text
    assert squat.json()["error"]["field"] == "tally_id"


async def test_another_aggregates_stream_answers_as_missing_or_as_taken(
    toy_service: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    service, client = toy_service
    await _write(service, "tally-other", "Other", "site-a")
    added = await client.post("/tallies/other/add", json={"amount": 1}, headers=A_CLERK)
    missing = await client.post("/tallies/nope/add", json={"amount": 1}, headers=A_CLERK)
    assert added.status_code == missing.status_code == 404, added.text
    assert _without(added.json(), "other") == _without(missing.json(), "nope")
    opened = await client.post("/tallies/other/open", json={"site_id": "site-a"}, headers=A_CLERK)
    assert opened.status_code == 409, opened.text
    assert opened.json() == {
        "error": {"code": "CONFLICT", "message": "Tally tally-other already exists"}
    }
    read = await client.get("/tallies/other", headers=A_CLERK)
    assert read.status_code == 404, read.text


async def test_another_sites_stream_answers_exactly_as_a_missing_one(
    toy_service: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    _, client = toy_service
    made = await client.post("/tallies/t1/open", json={"site_id": "site-a"}, headers=A_CLERK)
    assert made.status_code == 201, made.text
    for path, body in [
        ("/tallies/{}/add", {"amount": 1}),
        ("/tallies/{}", None),
        ("/tallies/{}/history", None),
    ]:
        hidden = await _call(client, path.format("t1"), body, B_CLERK)
        missing = await _call(client, path.format("t9"), body, B_CLERK)
        assert hidden.status_code == missing.status_code == 404, (path, hidden.text)
        assert hidden.content.replace(b"t1", b"t9") == missing.content
        assert b"site-a" not in hidden.content
    # Starting a record whose id another site holds: "taken", never the site.
    taken = await client.post("/tallies/t1/open", json={"site_id": "site-b"}, headers=B_CLERK)
    assert taken.status_code == 409, taken.text
    assert taken.json() == {
        "error": {"code": "CONFLICT", "message": "Tally tally-t1 already exists"}
    }


async def test_an_existing_stream_acts_for_the_site_it_records(
    toy_service: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    """A stream whose folded state names no site is still its recorded site's."""
    service, client = toy_service
    async with service.runtime.transaction() as tx:
        event = CommandContext("x", "site-a", "corr").event(toy.TallyAdded(amount=5), START)
        await tx.append("tally-bare", "Tally", 0, [event])
    other = await client.post("/tallies/bare/add", json={"amount": 1}, headers=B_CLERK)
    assert other.status_code == 404, other.text
    own = await client.post("/tallies/bare/add", json={"amount": 1}, headers=A_CLERK)
    assert own.status_code == 200, own.text
    history = await client.get("/tallies/bare/history", headers=A_CLERK)
    assert history.json() == ["TallyAdded", "TallyAdded"]


async def _call(
    client: httpx.AsyncClient, path: str, body: dict[str, Any] | None, headers: dict[str, str]
) -> httpx.Response:
    if body is None:
        return await client.get(path, headers=headers)
    return await client.post(path, json=body, headers=headers)


async def test_a_read_refuses_a_role_it_does_not_name_before_reading(
    toy_service: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    _, client = toy_service
    refused = await client.get("/tallies/nope", headers=auth("a1", "adder"))
    assert refused.status_code == 403, refused.text  # not 404: nothing was read


def test_a_read_without_reader_roles_does_not_start() -> None:
    with pytest.raises(ValueError, match="reader roles"):
        Reads(roles=frozenset())
    router = APIRouter()
    with pytest.raises(FastAPIError):

        @router.get("/bare")
        async def bare(reads: Reader) -> int:  # no Reads(roles=...)
            return 1

    FastAPI().include_router(router)


def test_prefixes_are_checked_at_start_up() -> None:
    with pytest.raises(ValueError, match="declared by both"):
        StreamPrefixes.of([("A", "a-"), ("B", "a-")])
    with pytest.raises(ValueError, match="declares no stream prefix"):
        StreamPrefixes.of([("A", "")])
    with pytest.raises(ValueError, match="declared by both"):
        StreamPrefixes.of([("Tally", "tally-numbers-")], ["tally-numbers-"])
    twin = replace(toy.TALLY, commands={}, timers={})
    with pytest.raises(ValueError, match="stream types must be unique"):
        CommandBus(None, None, [toy.TALLY, replace(twin, stream_prefix="t2-")])  # type: ignore[arg-type]
    prefixes = StreamPrefixes.of([("Tally", "tally-")], ["tally-numbers-"])
    assert prefixes.nested["tally-"] == ("tally-numbers-",)
    prefixes.check_scope("tally-numbers-site-a")
    with pytest.raises(TypeError, match="not under a declared numbering prefix"):
        prefixes.check_scope("tally-site-a")


async def test_a_workflow_loads_another_sites_or_aggregates_stream_as_missing(
    toy_service: tuple[ServiceApp, httpx.AsyncClient],
) -> None:
    service, client = toy_service
    made = await client.post("/tallies/t1/open", json={"site_id": "site-a"}, headers=A_CLERK)
    assert made.status_code == 201, made.text
    await _write(service, "tally-other", "Other", "site-b")
    b_clerk = Origin.person(Principal("c2", frozenset({"clerk"}), frozenset({"site-b"})))
    async with service.runtime.transaction() as tx:
        uow = UnitOfWork(service.bus, tx, b_clerk, "site-b")
        assert await uow.load(toy.TALLY, "tally-t1") == Loaded(toy.Tally(), 0)
        assert await uow.load(toy.TALLY, "tally-other") == Loaded(toy.Tally(), 0)
        with pytest.raises(TypeError, match="not under a declared numbering prefix"):
            await uow.next_number("tally-site-b", "x")
        a_clerk = Origin.person(Principal("c1", frozenset({"clerk"}), frozenset({"site-a"})))
        own = await UnitOfWork(service.bus, tx, a_clerk, "site-a").load(toy.TALLY, "tally-t1")
        assert own.version == 1 and own.state.site_id == "site-a"
