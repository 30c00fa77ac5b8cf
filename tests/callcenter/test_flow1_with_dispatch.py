"""Flow 1 with the REAL dispatch service in-process: every event crosses as the relay
would publish it (CloudEvents headers + JSON, `encode_message`) and the consumers take it
in (`InboxConsumer.handle`: decode, inbox, handler). Only Kafka itself is left out; the
e2e suite covers that."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.consumers import IncomingMessage, Outcome
from opsledger.service import load_service
from opsledger.settings import Settings
from opsledger.verify import verify_read_models
from opsledger_contracts import encode_message, events_topic

from tests.callcenter.conftest import SECRET

SITE = "site-a"
AUDIENCE = ("callcenter", "dispatch")  # the tokens serve both services


def auth(staff: str, role: str) -> dict[str, str]:
    token = TokenService(SECRET).mint(staff, [role], [SITE], audience=AUDIENCE)
    return {"Authorization": f"Bearer {token}"}


AGENT, DISPATCHER, ENGINEER = (
    auth("agent-1", "agent"),
    auth("disp-7", "dispatcher"),
    auth("eng-12", "engineer"),
)


async def carry(source: ServiceApp, target: ServiceApp, after: int) -> int:
    """Deliver `source`'s events after `after` to `target`'s consumers of its topic."""
    async with source.runtime.engine.connect() as conn:
        events = await source.runtime.store.read_all(conn, after, 10_000)
    topic = events_topic(source.definition.name)
    for event in events:
        if event.event_type in source.catalog.private_event_types:
            continue  # the relay never publishes private events
        key, value, headers = encode_message(event.envelope(source.definition.name), event.decode())
        for consumer in target.consumers:
            if consumer.subscription.topic == topic:
                message = IncomingMessage(topic, 0, event.position, key, value, tuple(headers))
                assert await consumer.handle(message) != Outcome.DEAD_LETTERED
    return events[-1].position if events else after


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[tuple[ServiceApp, ServiceApp]]:
    apps = [
        ServiceApp(
            load_service(name),
            Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / name}.db", auth_secret=SECRET),
        )
        for name in ("callcenter", "dispatch")
    ]
    for app in apps:
        await app.start(background=False)
    yield apps[0], apps[1]
    for app in apps:
        await app.stop()


async def test_flow1_cc4_cc5_with_the_real_dispatch_service(
    services: tuple[ServiceApp, ServiceApp],
) -> None:
    cc_app, dp_app = services
    cc = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=cc_app.build_http()), base_url="http://cc"
    )
    dp = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=dp_app.build_http()), base_url="http://dp"
    )
    reply_by = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    opened = await cc.post(
        "/tickets",
        json={"site_id": SITE, "kind": "repair", "channel": "phone", "subject": "Sink leaking"},
        headers=AGENT,
    )
    tid = opened.json()["ticket_id"]
    assert (
        await cc.post(f"/tickets/{tid}/first-response", json={}, headers=AGENT)
    ).status_code == 200
    requested = await cc.post(
        f"/tickets/{tid}/work-order-request",
        json={
            "location": "B3-1202 kitchen",
            "content": "Leak",
            "requirements": "Fix",
            "reply_by": reply_by,
        },
        headers=AGENT,
    )
    assert requested.status_code == 200, requested.text
    await carry(cc_app, dp_app, 0)

    issued = await dp.post(
        "/work-orders",
        json={
            "site_id": SITE,
            "ticket_id": tid,
            "location": "B3-1202 kitchen",
            "content": "Leak",
            "requirements": "Fix",
            "reply_by": reply_by,
            "assignee": "eng-12",
            "assignee_role": "engineer",
        },
        headers=DISPATCHER,
    )
    assert issued.status_code == 201, issued.text
    order = f"/work-orders/{issued.json()['work_order_id']}"
    for path, body, who in (
        ("accept", {}, ENGINEER),
        ("complete", {"process": "Replaced the trap", "result": "Dry"}, ENGINEER),
        ("sign-off", {"signed_by": "Ms Wang"}, ENGINEER),
        ("callback", {"confirmed": True, "note": "Happy"}, DISPATCHER),
    ):
        answer = await dp.post(f"{order}/{path}", json=body, headers=who)
        assert answer.status_code == 200, (path, answer.text)
    position = await carry(dp_app, cc_app, 0)
    assert await carry(dp_app, cc_app, 0) == position  # redelivery: inbox dedupes

    view = (await cc.get(f"/tickets/{tid}", headers=AGENT)).json()
    assert view["status"] == "resolved" and view["work_order_id"] == issued.json()["work_order_id"]
    early = await cc.post(f"/tickets/{tid}/close", json={}, headers=AGENT)
    assert early.status_code == 422 and early.json()["error"]["code"] == "CC-5"
    called = await cc.post(
        f"/tickets/{tid}/callbacks",
        json={"reached": True, "satisfaction": 5, "resolution_confirmed": True},
        headers=AGENT,
    )
    assert called.status_code == 200
    closed = await cc.post(f"/tickets/{tid}/close", json={}, headers=AGENT)
    assert closed.json()["status"] == "closed"

    history = (await cc.get(f"/tickets/{tid}/history", headers=AGENT)).json()
    steps = [(h["event_type"], h["who"], h["data"].get("status")) for h in history]
    assert steps == [
        ("TicketOpened", "agent-1", None),
        ("TicketFirstResponded", "agent-1", None),
        ("WorkOrderRequested", "agent-1", None),
        ("TicketWorkOrderProgressed", "disp-7", "issued"),
        ("TicketWorkOrderProgressed", "eng-12", "accepted"),
        ("TicketWorkOrderProgressed", "eng-12", "completed"),
        ("TicketWorkOrderProgressed", "eng-12", "signed_off"),
        ("TicketWorkOrderProgressed", "disp-7", "callback_recorded"),
        ("TicketResolved", "disp-7", None),
        ("TicketCallbackRecorded", "agent-1", None),
        ("TicketClosed", "agent-1", None),
    ]
    await cc_app.read_models.catch_up()
    runtime = cc_app.runtime
    assert (
        await verify_read_models(
            runtime.engine, runtime.store, cc_app.catalog, cc_app.read_models.projections
        )
        == []
    )
    await cc.aclose()
    await dp.aclose()
