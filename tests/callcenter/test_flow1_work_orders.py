"""Flow 1 (RULES.md §6): ticket → work order in dispatch → sign-off → callbacks → closed.

Dispatch's events are handed to the subscription handler as the kernel consumer would
(decoded contract models, a real transaction); no Kafka needed.
"""

from datetime import datetime, timedelta
from uuid import uuid4

from callcenter.bootstrap import definition
from callcenter.inbound.dispatch import WORK_ORDER_EVENT_TYPES
from opsledger.consumers import IncomingMessage, Outcome
from opsledger.verify import verify_read_models
from opsledger_contracts import (
    DecodedEvent,
    EventEnvelope,
    EventPayload,
    encode_message,
    events_topic,
)
from opsledger_contracts.events import dispatch as wo

from tests.callcenter.conftest import CallCenter

WO_ID = "WO-site-a-000042"


def dispatch_message(
    payload: EventPayload, occurred_at: datetime, version: int = 1, actor: str = "disp-07"
) -> DecodedEvent:
    """A dispatch event as the consumer hands it to a handler (decoded, validated)."""
    work_order_id = str(getattr(payload, "work_order_id", "WO-x"))
    envelope = EventEnvelope(
        event_id=uuid4(),
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        source="dispatch",
        site_id="site-a",
        stream_id=f"workorder-{work_order_id}",
        stream_type="WorkOrder",
        stream_version=version,
        occurred_at=occurred_at,
        correlation_id=str(uuid4()),
        causation_id=None,
        actor=actor,
    )
    return DecodedEvent(envelope=envelope, payload=payload)


async def deliver(
    cc: CallCenter, payload: EventPayload, version: int, at: datetime | None = None
) -> None:
    """Hand a dispatch event to every subscription of dispatch's topic that takes its type."""
    message = dispatch_message(payload, at or cc.clock.now(), version)
    for consumer in cc.service.consumers:
        subscription = consumer.subscription
        if subscription.topic != events_topic("dispatch"):
            continue
        if subscription.event_types and payload.event_type not in subscription.event_types:
            continue
        async with cc.service.runtime.transaction() as tx:
            await subscription.handler(tx, message)


def common(ticket_id: str | None) -> dict[str, object]:
    return {"work_order_id": WO_ID, "serial_no": 42, "ticket_id": ticket_id}


async def test_cc4_subscription_is_dispatchs_topic_for_every_work_order_step() -> None:
    subscription = next(s for s in definition.inbound() if s.name == "work-orders")
    assert subscription.topic == events_topic("dispatch")
    assert {"WorkOrderIssued", "WorkOrderCallbackRecorded", "RepeatRepairFlagged"} <= {
        m.event_type for m in subscription.events
    }


async def test_flow1_ticket_follows_the_work_order_to_resolution_callback_and_close(
    cc: CallCenter,
) -> None:
    customer = await cc.post(
        "/customers",
        {"site_id": "site-a", "name": "Wang Li", "phone": "13800000000", "unit": "B3-1202"},
    )
    assert customer.status_code == 201, customer.text
    ticket = await cc.open_ticket(customer_id=customer.json()["customer_id"])
    tid = ticket["ticket_id"]
    assert (
        await cc.post(f"/tickets/{tid}/first-response", {"note": "engineer booked"})
    ).status_code == 200
    reply_by = (cc.clock.now() + timedelta(hours=6)).isoformat()
    requested = await cc.post(
        f"/tickets/{tid}/work-order-request",
        {
            "location": "Block 3, unit 1202, kitchen",
            "content": "Water leaking under the sink",
            "requirements": "Replace the trap",
            "reply_by": reply_by,
            "asset_id": "B3-1202-sink",
            "fault_code": "plumbing.leak",
        },
    )
    assert requested.status_code == 200, requested.text
    assert requested.json()["status"] == "dispatched"
    request_event = (await cc.stream(f"ticket-{tid}"))[-1]
    assert request_event.event_type == "WorkOrderRequested"
    assert request_event.stream_type == "Ticket"
    assert request_event.payload["ticket_id"] == tid and request_event.payload["kind"] == "repair"

    steps: list[EventPayload] = [
        wo.WorkOrderIssued(
            **common(tid),
            issuer="disp-07",
            location="Block 3, unit 1202, kitchen",
            content="Water leaking under the sink",
            requirements="Replace the trap",
            reply_by=datetime.fromisoformat(reply_by),
            assignee="eng-12",
        ),
        wo.WorkOrderAccepted(**common(tid), assignee="eng-12", accepted_at=cc.clock.now()),
        wo.WorkOrderCompleted(
            **common(tid), completed_by="eng-12", process="Replaced the trap", result="Dry"
        ),
        wo.WorkOrderSignedOff(**common(tid), signed_by="Ms Wang", recorded_by="eng-12"),
        wo.WorkOrderCallbackRecorded(
            **common(tid), dispatcher="disp-07", confirmed=True, note="ok"
        ),
    ]
    for version, step in enumerate(steps, start=1):
        cc.clock.advance(timedelta(minutes=30))
        await deliver(cc, step, version)

    view = (await cc.get(f"/tickets/{tid}")).json()
    assert view["status"] == "resolved" and view["work_order_id"] == WO_ID
    assert view["work_order_status"] == "callback_recorded"

    # CC-5: resolved by the work order, still not closable without OUR callback.
    refused = await cc.post(f"/tickets/{tid}/close")
    assert refused.status_code == 422
    assert (
        refused.json()["error"]["code"] == "CC-5" and refused.json()["error"]["field"] == "callback"
    )

    cc.clock.advance(timedelta(hours=1))
    await deliver(cc, wo.WorkOrderArchived(**common(tid), archived_by="disp-07"), 6)
    called = await cc.post(
        f"/tickets/{tid}/callbacks",
        {"reached": True, "satisfaction": 5, "resolution_confirmed": True, "note": "all dry"},
        staff="agent-3",
    )
    assert called.status_code == 200, called.text
    closed = await cc.post(f"/tickets/{tid}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.json()["closed_outcome"] == "resolved"

    history = (await cc.get(f"/tickets/{tid}/history")).json()
    assert [h["event_type"] for h in history] == [
        "TicketOpened",
        "TicketFirstResponded",
        "WorkOrderRequested",
        "TicketWorkOrderProgressed",
        "TicketWorkOrderProgressed",
        "TicketWorkOrderProgressed",
        "TicketWorkOrderProgressed",
        "TicketWorkOrderProgressed",
        "TicketResolved",
        "TicketWorkOrderProgressed",
        "TicketCallbackRecorded",
        "TicketClosed",
    ]
    progressed = [h for h in history if h["event_type"] == "TicketWorkOrderProgressed"]
    assert [h["data"]["status"] for h in progressed] == [
        "issued",
        "accepted",
        "completed",
        "signed_off",
        "callback_recorded",
        "archived",
    ]
    assert [h["who"] for h in progressed] == [
        "disp-07",
        "eng-12",
        "eng-12",
        "eng-12",
        "disp-07",
        "disp-07",
    ]
    assert all(h["causation_id"] == h["data"]["source_event_id"] for h in progressed)
    assert history[0]["who"] == "agent-1" and history[-2]["actor"] == "agent-3"
    resolved = next(h for h in history if h["event_type"] == "TicketResolved")
    assert resolved["who"] == "disp-07" and resolved["actor"] == "system:callcenter.work-orders"
    timestamps = [datetime.fromisoformat(h["occurred_at"]) for h in history]
    assert timestamps == sorted(timestamps)

    await cc.service.read_models.catch_up()
    listed = (await cc.get("/tickets?site_id=site-a&status=closed")).json()
    assert [t["ticket_id"] for t in listed] == [tid]
    kpis = {
        k["name"]: k
        for k in (await cc.get("/kpis?site_id=site-a&month=2026-03", roles="cc_manager")).json()[
            "kpis"
        ]
    }
    assert kpis["callback_rate"]["rate"] == 1.0 and kpis["callback_rate"]["met"] is True
    timely, first_fix = kpis["repair_timeliness_unclassed"], kpis["first_time_fix_rate"]
    assert (timely["numerator"], timely["denominator"], timely["met"]) == (1, 1, True)
    assert (first_fix["numerator"], first_fix["denominator"], first_fix["met"]) == (1, 1, True)
    runtime = cc.service.runtime
    assert (
        await verify_read_models(
            runtime.engine, runtime.store, cc.service.catalog, cc.service.read_models.projections
        )
        == []
    )


async def test_cc4_events_without_or_with_unknown_ticket_are_ignored(cc: CallCenter) -> None:
    before = await cc.all_events()
    issued_args = {
        "issuer": "disp-07",
        "location": "Gate",
        "content": "Barrier stuck",
        "requirements": "Fix",
        "reply_by": cc.clock.now() + timedelta(hours=2),
        "assignee": "eng-1",
    }
    await deliver(cc, wo.WorkOrderIssued(**common(None), **issued_args), 1)
    await deliver(cc, wo.WorkOrderIssued(**common("T-site-a-nope"), **issued_args), 1)
    after = await cc.all_events()
    # No ticket follows them; only CC-6's repair follower records the order (private).
    assert [e for e in after if e.stream_type != "Repair"] == before
    assert {(e.stream_id, e.event_type) for e in after[len(before) :]} == {
        (f"repair-{WO_ID}", "RepairStepFollowed")
    }


async def test_cc6_overdue_and_repeat_repair_count_against_the_targets(cc: CallCenter) -> None:
    ticket = await cc.open_ticket()
    tid = ticket["ticket_id"]
    await cc.post(f"/tickets/{tid}/first-response", {"note": "ok"})
    await cc.post(
        f"/tickets/{tid}/work-order-request",
        {
            "location": "B3",
            "content": "leak",
            "requirements": "fix",
            "reply_by": (cc.clock.now() + timedelta(hours=2)).isoformat(),
        },
    )
    await deliver(
        cc,
        wo.RepeatRepairFlagged(
            **common(tid), previous_work_order_id="WO-site-a-000017", window_days=30
        ),
        2,
    )
    await deliver(
        cc, wo.WorkOrderOverdue(**common(tid), assignee="eng-12", reply_by=cc.clock.now()), 3
    )
    await cc.service.read_models.catch_up()
    report = (await cc.get("/kpis?site_id=site-a&month=2026-03", roles="shift_lead")).json()
    kpis = {k["name"]: k for k in report["kpis"]}
    assert kpis["repair_timeliness_unclassed"] == {
        "name": "repair_timeliness_unclassed",
        "numerator": 0,
        "denominator": 1,
        "rate": 0.0,
        "target": 1.0,
        "met": False,
    }
    assert kpis["first_time_fix_rate"]["met"] is False
    history = (await cc.get(f"/tickets/{tid}/history")).json()
    assert [h["data"].get("status") for h in history[-2:]] == ["repeat_repair", "overdue"]
    assert {"WorkOrderOverdue", "RepeatRepairFlagged"} <= WORK_ORDER_EVENT_TYPES


async def test_cc4_redelivered_dispatch_event_is_applied_once(cc: CallCenter) -> None:
    ticket = await cc.open_ticket()
    tid = ticket["ticket_id"]
    await cc.post(
        f"/tickets/{tid}/work-order-request",
        {
            "location": "B3",
            "content": "leak",
            "requirements": "fix",
            "reply_by": (cc.clock.now() + timedelta(hours=2)).isoformat(),
        },
    )
    accepted = dispatch_message(
        wo.WorkOrderAccepted(**common(tid), assignee="eng-12", accepted_at=cc.clock.now()),
        cc.clock.now(),
    )
    key, value, headers = encode_message(accepted.envelope, accepted.payload)
    message = IncomingMessage(events_topic("dispatch"), 0, 7, key, value, tuple(headers))
    consumer = next(c for c in cc.service.consumers if c.subscription.name == "work-orders")
    assert await consumer.handle(message) == Outcome.HANDLED
    assert await consumer.handle(message) == Outcome.DUPLICATE
    statuses = [e.payload.get("status") for e in await cc.stream(f"ticket-{tid}")]
    assert statuses.count("accepted") == 1
