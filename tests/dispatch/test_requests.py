"""Flow 1: callcenter's WorkOrderRequested becomes an open request; an order closes it."""

from datetime import timedelta
from uuid import uuid4

from dispatch.inbound import INBOUND
from opsledger_contracts import DecodedEvent, EventEnvelope
from opsledger_contracts.events.callcenter import WorkOrderRequested

from tests.dispatch.conftest import SITE, START, Dispatch


def requested(ticket_id: str = "T-site-a-000123", site_id: str = SITE) -> DecodedEvent:
    payload = WorkOrderRequested(
        ticket_id=ticket_id,
        kind="repair",
        location="Block 3, unit 1202, kitchen",
        content="Water leaking under the sink",
        requirements="Bring a replacement trap",
        reply_by=START + timedelta(days=1),
        asset_id="B3-1202-sink",
        fault_code="plumbing.leak",
    )
    envelope = EventEnvelope(
        event_id=uuid4(),
        event_type=WorkOrderRequested.event_type,
        schema_version=WorkOrderRequested.schema_version,
        source="callcenter",
        site_id=site_id,
        stream_id=f"ticket-{ticket_id}",
        stream_type="Ticket",
        stream_version=3,
        occurred_at=START,
        correlation_id="corr-flow-1",
        actor="agent-1",
    )
    return DecodedEvent(envelope=envelope, payload=payload)


async def deliver(dispatch: Dispatch, message: DecodedEvent) -> None:
    """As the `work-order-requests` subscription does, in one transaction."""
    subscriptions = dispatch.service.bus.subscriptions("dispatch", INBOUND)
    (requests,) = [s for s in subscriptions if s.name == "work-order-requests"]
    async with dispatch.service.runtime.transaction() as tx:
        await requests.handler(tx, message)


async def test_work_order_requested_is_recorded_once_and_listed_as_open(
    dispatch: Dispatch,
) -> None:
    message = requested()
    await deliver(dispatch, message)
    # Another delivery of a request for the same ticket (even a new event id) changes nothing.
    await deliver(dispatch, requested())
    (received,) = await dispatch.stream("work-order-request-T-site-a-000123")
    assert received.event_type == "WorkOrderRequestReceived"
    assert received.correlation_id == "corr-flow-1"
    assert received.causation_id == str(message.envelope.event_id)
    assert received.actor == "system:dispatch.requests"
    await dispatch.service.read_models.catch_up()
    listed = await dispatch.client.get(
        "/work-order-requests", params={"site_id": SITE}, headers=dispatch.dispatcher()
    )
    assert [r["ticket_id"] for r in listed.json()] == ["T-site-a-000123"]
    assert listed.json()[0]["fault_code"] == "plumbing.leak"


async def test_issuing_with_the_ticket_closes_the_request_and_carries_the_ticket(
    dispatch: Dispatch,
) -> None:
    await deliver(dispatch, requested())
    unknown = await dispatch.client.post(
        "/work-orders", json=dispatch.order_body(ticket_id="T-nope"), headers=dispatch.dispatcher()
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "CC-4"
    order = await dispatch.issue(ticket_id="T-site-a-000123")
    assert order["ticket_id"] == "T-site-a-000123" and order["serial_no"] == 1
    again = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(ticket_id="T-site-a-000123"),
        headers=dispatch.dispatcher(),
    )
    assert again.status_code == 422 and order["work_order_id"] in again.json()["error"]["message"]
    wo_id = order["work_order_id"]
    await dispatch.post(wo_id, "accept", dispatch.assignee())
    for event in await dispatch.stream(f"work-order-{wo_id}"):
        assert event.payload["ticket_id"] == "T-site-a-000123"  # callcenter follows it
    await dispatch.service.read_models.catch_up()
    still_open = await dispatch.client.get(
        "/work-order-requests", params={"site_id": SITE}, headers=dispatch.dispatcher()
    )
    assert still_open.json() == []
    closed = await dispatch.client.get(
        "/work-order-requests",
        params={"site_id": SITE, "status": "closed"},
        headers=dispatch.dispatcher(),
    )
    assert closed.json()[0]["work_order_id"] == wo_id


async def test_a_request_from_another_site_cannot_be_issued_here(dispatch: Dispatch) -> None:
    await deliver(dispatch, requested("T-b-1", site_id="site-b"))
    answer = await dispatch.client.post(
        "/work-orders", json=dispatch.order_body(ticket_id="T-b-1"), headers=dispatch.dispatcher()
    )
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "ticket_id"
    assert await dispatch.stream("work-order-serials-site-a") == []
