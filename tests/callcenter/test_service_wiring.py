"""Callcenter's composition: migrations match the projection tables, docs, contracts."""

from datetime import timedelta

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from callcenter.bootstrap import definition
from opsledger.migrate import target_metadata
from opsledger.readmodels import RUNTIME_TABLES
from opsledger_contracts import REGISTRY, encode_message

from tests.callcenter.conftest import CallCenter


async def test_migrations_create_exactly_the_projection_tables(cc: CallCenter) -> None:
    merged = target_metadata(definition)
    # Read-model tables are the kernel's (built from the events at start-up), not Alembic's.
    kernel_managed = {m.table.name for m in definition.read_models()} | RUNTIME_TABLES

    def ours(name: str | None, type_: str, parents: object) -> bool:
        return not (type_ == "table" and name in kernel_managed)

    def diff(sync_conn: sa.Connection) -> list[object]:
        context = MigrationContext.configure(sync_conn, opts={"include_name": ours})
        return list(compare_metadata(context, merged))

    async with cc.service.runtime.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []
    assert {"cc_tickets", "cc_customers", "cc_calls", "cc_seat_sessions"} <= {
        m.name for m in definition.read_models()
    }


async def test_openapi_documents_the_callcenter_api(cc: CallCenter) -> None:
    paths = (await cc.client.get("/openapi.json")).json()["paths"]
    for path in (
        "/tickets",
        "/tickets/{ticket_id}",
        "/tickets/{ticket_id}/history",
        "/tickets/{ticket_id}/transfer",
        "/tickets/{ticket_id}/work-order-request",
        "/tickets/{ticket_id}/callbacks",
        "/customers/{customer_id}",
        "/rosters",
        "/rosters/{site_id}/{month}/swaps/{swap_id}/approve",
        "/handovers",
        "/kpis",
        "/diagnostics/pings",
    ):
        assert path in paths


async def test_every_event_appended_is_a_publishable_contract(cc: CallCenter) -> None:
    ticket = await cc.open_ticket(kind="complaint", complaint_level=1)
    tid = ticket["ticket_id"]
    await cc.post("/customers", {"site_id": "site-a", "name": "W", "phone": "1", "ticket_id": tid})
    await cc.post(f"/tickets/{tid}/pause", {"reason": "x", "waiting_on": "customer"})
    await cc.post(f"/tickets/{tid}/resume")
    await cc.post(f"/tickets/{tid}/escalate", {"reason": "x", "agent_cannot_resolve": True})
    await cc.post(f"/tickets/{tid}/escalation/take", staff="lead-1", roles="cc_manager")
    await cc.post(f"/tickets/{tid}/first-response", staff="lead-1", roles="shift_lead")
    await cc.post(f"/tickets/{tid}/resolve", staff="lead-1", roles="shift_lead")
    await cc.post(
        f"/tickets/{tid}/callbacks",
        {"reached": True, "satisfaction": 4, "resolution_confirmed": True},
    )
    await cc.post(f"/tickets/{tid}/close", staff="lead-1", roles="shift_lead")
    await cc.post(
        "/handovers",
        {
            "site_id": "site-a",
            "date": "2026-03-13",
            "shift": "night",
            "incoming": "b",
            "equipment_state": "ok",
        },
    )
    await cc.post("/seats/login", {"site_id": "site-a", "seat_id": "s1"})
    await cc.post("/seats/logout", {"site_id": "site-a"})
    late = await cc.open_ticket(kind="emergency")
    cc.clock.advance(timedelta(days=2))
    await cc.service.timers.fire_due()
    events = await cc.all_events()
    types = {e.event_type for e in events}
    assert {
        "TicketEscalationTaken",
        "TicketCallbackRecorded",
        "SlaBreached",
        "CustomerRecordMissing",
        "SeatLoggedOut",
        "ShiftHandedOver",
    } <= types
    assert late["ticket_id"] in {
        e.payload.get("ticket_id") for e in events if e.event_type == "SlaBreached"
    }
    published = [e for e in events if e.event_type not in cc.service.catalog.private_event_types]
    assert len(published) < len(events)  # the scenario did record private events
    for event in published:
        # The relay publishes exactly this: it must fit the contract and its stream type.
        encode_message(event.envelope("callcenter"), event.decode())
    for event in events:
        if event.event_type in cc.service.catalog.private_event_types:
            assert event.event_type not in {m.event_type for m in REGISTRY}  # not a contract
