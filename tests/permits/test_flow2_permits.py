"""Flow 2 on permits' side (CC-10, RP-12 rev.2), with what Kafka would deliver handed to
the subscriptions: a renovation complaint links to the unit's active permit and asks for
an inspection; without one it is suspected unpermitted works, inspected all the same;
only a finding that records a violation climbs the ladder; continuing complaints are what
allow the final step."""

from datetime import timedelta

from opsledger_contracts import DecodedEvent
from opsledger_contracts.events.dispatch import InspectionFindingReported

from tests.permits.conduct_harness import active_works, complaint, deliver, envelope
from tests.permits.conftest import SITE, START, Permits

W = "/works/pmt-1"


def finding(
    permits: Permits, ticket: str, violation: bool, permit: str | None = "pmt-1"
) -> DecodedEvent:
    payload = InspectionFindingReported(
        ticket_id=ticket,
        inspection_id=f"INS-{ticket}",
        permit_id=permit,
        unit_id="B2-1203",
        work_order_id="WO-site-a-000001",
        inspector="eng-07",
        inspector_role="engineer",
        inspected_at=permits.clock.now(),
        violation_found=violation,
        serious=False,
        finding="Drilling at 21:10" if violation else "Quiet; works as approved",
    )
    return DecodedEvent(
        envelope=envelope(payload, "dispatch", permits.clock.now()), payload=payload
    )


async def published(permits: Permits, event_type: str) -> list[dict[str, object]]:
    return [e.payload for e in await permits.events() if e.event_type == event_type]


async def test_rp12_a_complaint_links_to_the_active_permit_and_asks_for_an_inspection(
    permits: Permits,
) -> None:
    await active_works(permits)
    await deliver(permits, "renovation-complaints", complaint(permits, "T-1", "B2-1203"))
    await deliver(permits, "renovation-complaints", complaint(permits, "T-1", "B2-1203"))
    [asked] = await published(permits, "InspectionRequested")
    assert (asked["permit_id"], asked["ticket_id"], asked["suspected_unpermitted"]) == (
        "pmt-1",
        "T-1",
        False,
    )
    works = await permits.get(W, permits.cs)
    assert works["complaints"] == ["T-1"] and works["violations"] == []  # not a violation


async def test_rp12_a_complaint_without_an_active_permit_is_suspected_unpermitted_works(
    permits: Permits,
) -> None:
    await deliver(permits, "renovation-complaints", complaint(permits, "T-2", "C1-0101"))
    [asked] = await published(permits, "InspectionRequested")
    assert asked["permit_id"] is None and asked["suspected_unpermitted"] is True
    assert [s["unit_id"] for s in await published(permits, "UnpermittedWorksSuspected")] == [
        "C1-0101"
    ]
    await deliver(permits, "inspection-findings", finding(permits, "T-2", True, permit=None))
    [inspected] = await published(permits, "UnpermittedWorksInspected")
    assert inspected["works_found"] is True


async def test_rp12_a_complaint_about_another_sites_permit_does_not_link(
    permits: Permits,
) -> None:
    await active_works(permits)
    await deliver(permits, "renovation-complaints", complaint(permits, "T-3", "B2-1203", "site-b"))
    [asked] = await published(permits, "InspectionRequested")
    assert asked["permit_id"] is None  # site-b's unit B2-1203 has no active permit
    assert (await permits.get(W, permits.cs))["complaints"] == []


async def test_rp6_only_a_recorded_finding_climbs_and_complaints_allow_the_final_step(
    permits: Permits,
) -> None:
    await active_works(permits)
    for ticket, violation in (("T-1", False), ("T-2", True)):
        await deliver(permits, "renovation-complaints", complaint(permits, ticket, "B2-1203"))
        await deliver(permits, "inspection-findings", finding(permits, ticket, violation))
    works = await permits.get(W, permits.cs)
    assert works["violations"] == ["INS-T-2"]  # two complaints, one violation found
    await permits.post(
        f"{W}/violations/INS-T-2/verbal-warning",
        {"warned_at": permits.clock.now().isoformat(), "contractor_signed_by": "Wang Lei"},
        permits.eng,
    )
    second = {"violation_id": "V2", "occurred_at": START.isoformat(), "description": "Again"}
    await permits.post(f"{W}/violations", second, permits.cs, 201)
    notice = {
        "issued_to": "Chen Jing",
        "rectify_by": (START + timedelta(days=2)).isoformat(),
        "notice": "No drilling after 20:00",
    }
    await permits.post(f"{W}/violations/V2/rectification-notice", notice, permits.cs)
    permits.clock.advance(timedelta(days=2, hours=1))
    await permits.post(f"{W}/violations/V2/rectification-check", {"rectified": False}, permits.eng)
    stop = {"measure": "power_cut", "security_officer": "sec-02", "owner_consent": "Chen Jing"}
    answer = await permits.client.post(f"{W}/forced-stop", json=stop, headers=permits.cs)
    assert answer.status_code == 422 and "complaints" in answer.json()["error"]["message"]
    await deliver(permits, "renovation-complaints", complaint(permits, "T-4", "B2-1203"))
    stopped = await permits.post(f"{W}/forced-stop", stop, permits.cs)
    assert stopped["stopped"] == "power_cut" and stopped["complaints_since_notice"] == 1
    undertaking = {"contractor_signed_by": "Wang Lei", "undertaking": "Admits; will comply"}
    readmitted = await permits.post(f"{W}/readmission", undertaking, permits.cs)
    assert readmitted["stopped"] is None
    rows = await permits.get(
        "/violations", permits.cs, site_id=SITE, contractor="Minjiang Decor Co."
    )
    assert [r["violation_id"] for r in rows] == ["INS-T-2", "V2"]
