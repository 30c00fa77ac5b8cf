"""Flow 2 in dispatch (RP-12 rev.2): permits' `InspectionRequested` is queued like
callcenter's requests, the dispatcher issues it as in flow 1, and only the order's
assignee records the finding, published as `InspectionFindingReported`."""

from datetime import timedelta
from uuid import uuid4

from dispatch.inbound.permits import inspection_requested
from opsledger.origin import Origin
from opsledger_contracts import EventEnvelope
from opsledger_contracts.events.permits_conduct import InspectionRequested

from tests.dispatch.conftest import SITE, Dispatch

TICKET = "T-site-a-000777"


async def asked(dispatch: Dispatch, permit_id: str | None = "pmt-1") -> None:
    payload = InspectionRequested(
        unit_id="B2-1203",
        inspection_id=f"INS-{TICKET}",
        ticket_id=TICKET,
        permit_id=permit_id,
        suspected_unpermitted=permit_id is None,
        location="Unit B2-1203",
        content="Renovation complaint (renovation): drilling after 20:00",
        requirements="Inspect the works and record the finding (RP-12)",
        reply_by=dispatch.clock.now() + timedelta(days=1),
    )
    envelope = EventEnvelope(
        event_id=uuid4(),
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        source="permits",
        site_id=SITE,
        stream_id="unit-complaints-site-a-B2-1203",
        stream_type="UnitComplaints",
        stream_version=1,
        occurred_at=dispatch.clock.now(),
        correlation_id="corr-flow-2",
        actor="system:permits.complaints",
    )
    async with dispatch.service.runtime.transaction() as tx:
        command = inspection_requested(payload, envelope)
        await dispatch.service.bus.execute_in(tx, command, Origin.system("inspections"))


FINDING = {"violation_found": True, "serious": False, "finding": "Drilling at 21:10"}


async def test_rp12_the_inspection_is_issued_as_in_flow1_and_its_assignee_reports(
    dispatch: Dispatch,
) -> None:
    await asked(dispatch)
    await dispatch.service.read_models.catch_up()
    listed = await dispatch.client.get(
        "/work-order-requests", params={"site_id": SITE}, headers=dispatch.dispatcher()
    )
    [request] = listed.json()
    assert (request["ticket_id"], request["inspection_id"], request["permit_id"]) == (
        TICKET,
        f"INS-{TICKET}",
        "pmt-1",
    )
    order = await dispatch.issue(ticket_id=TICKET)
    wo = order["work_order_id"]
    other = await dispatch.post(wo, "inspection-finding", dispatch.assignee("eng-99"), FINDING)
    assert other.status_code == 422 and other.json()["error"]["code"] == "RP-12"
    answer = await dispatch.post(wo, "inspection-finding", dispatch.assignee(), FINDING)
    assert answer.status_code == 200, answer.text
    again = await dispatch.post(wo, "inspection-finding", dispatch.assignee(), FINDING)
    assert again.status_code == 409
    [reported] = [
        e for e in await dispatch.all_events() if e.event_type == "InspectionFindingReported"
    ]
    assert reported.payload["permit_id"] == "pmt-1" and reported.payload["unit_id"] == "B2-1203"
    assert (reported.payload["inspector"], reported.payload["inspector_role"]) == (
        "eng-12",
        "engineer",
    )


async def test_rp12_an_order_that_is_no_inspection_takes_no_finding(dispatch: Dispatch) -> None:
    await dispatch.request(TICKET)  # callcenter's flow 1 request: a repair
    order = await dispatch.issue(ticket_id=TICKET)
    answer = await dispatch.post(
        order["work_order_id"], "inspection-finding", dispatch.assignee(), FINDING
    )
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "RP-12"
    plain = await dispatch.issue()
    answer = await dispatch.post(
        plain["work_order_id"], "inspection-finding", dispatch.assignee(), FINDING
    )
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "RP-12"
