"""FL-10 rev.2: the assessment is paid out with wages (「與工資兌現掛鉤」).

The office closes a site's assessment month; the closed scores are published for payroll
(`AssessmentMonthClosed`); a deduction for a closed month is refused, and a correction is
an adjustment event that names the closed month, never a change to it.
"""

from datetime import UTC, datetime
from typing import Any

from tests.fleet.conftest import SITE, Fleet


def deduction(deduction_id: str, month: str = "2026-11", points: int = 10) -> dict[str, Any]:
    return {
        "site_id": SITE,
        "deduction_id": deduction_id,
        "month": month,
        "points": points,
        "item": "late_report",
        "note": "Trip log handed in late",
    }


async def published(fleet: Fleet, event_type: str) -> list[Any]:
    return [e.decode() for e in await fleet.events() if e.event_type == event_type]


async def test_fl10_rev2_the_office_closes_the_month_and_scores_go_to_payroll(
    fleet: Fleet,
) -> None:
    office = fleet.auth("off-1", "fleet_office")
    await fleet.vehicle()
    await fleet.driver()
    await fleet.post("/assessment/drivers/drv-07/deductions", deduction("d1"), fleet.captain, 201)
    await fleet.post(
        "/assessment/vehicles/veh-1/deductions", deduction("d2", points=5), office, 201
    )
    close = "/assessment/2026-11/close"
    early = await fleet.post(close, {"site_id": SITE}, office, 422)
    assert (early["error"]["code"], early["error"]["field"]) == ("FL-10", "month")
    fleet.clock.advance(datetime(2026, 11, 30, 16, 30, tzinfo=UTC) - fleet.clock.now())
    captain = await fleet.client.post(close, json={"site_id": SITE}, headers=fleet.captain)
    assert captain.status_code == 403, captain.text
    await fleet.service.read_models.catch_up()
    closed = await fleet.post(close, {"site_id": SITE}, office)
    assert closed["closed"] is True
    [event] = await published(fleet, "AssessmentMonthClosed")
    assert event.month == "2026-11"
    assert [(s.kind, s.subject, s.deducted, s.score) for s in event.scores] == [
        ("driver", "drv-07", 10, 90),
        ("vehicle", "veh-1", 5, 95),
    ]
    again = await fleet.client.post(close, json={"site_id": SITE}, headers=office)
    assert again.status_code in (409, 422), again.text
    # A closed month takes no deduction; the next month does.
    for path in ("/assessment/drivers/drv-07/deductions", "/assessment/vehicles/veh-1/deductions"):
        late = await fleet.post(path, deduction("d3"), fleet.captain, 422)
        assert (late["error"]["code"], late["error"]["field"]) == ("FL-10", "month")
    await fleet.post(
        "/assessment/drivers/drv-07/deductions", deduction("d4", "2026-12"), fleet.captain, 201
    )


async def test_fl10_rev2_a_closed_month_is_corrected_by_an_adjustment(fleet: Fleet) -> None:
    office = fleet.auth("off-1", "fleet_office")
    await fleet.vehicle()
    await fleet.driver()
    await fleet.post("/assessment/drivers/drv-07/deductions", deduction("d1"), fleet.captain, 201)
    adjust = "/assessment/2026-11/adjustments"
    body = {
        "site_id": SITE,
        "kind": "driver",
        "subject": "drv-07",
        "points": -10,
        "reason": "The trip log was on time: the deduction was a mistake",
    }
    still_open = await fleet.post(adjust, body, office, 422)  # an open month is deducted
    assert still_open["error"]["code"] == "FL-10"
    fleet.clock.advance(datetime(2026, 12, 2, 1, 0, tzinfo=UTC) - fleet.clock.now())
    await fleet.service.read_models.catch_up()
    await fleet.post("/assessment/2026-11/close", {"site_id": SITE}, office)
    adjusted = await fleet.post(adjust, body, office)
    assert adjusted["adjustments"] == 1
    [event] = await published(fleet, "AssessmentAdjusted")
    assert (event.month, event.kind, event.subject, event.points, event.score) == (
        "2026-11",
        "driver",
        "drv-07",
        -10,
        100,
    )
    assert event.adjusted_by == "off-1" and event.reason == body["reason"]
    [closed] = await published(fleet, "AssessmentMonthClosed")
    assert [(s.subject, s.score) for s in closed.scores] == [("drv-07", 90), ("veh-1", 100)]
    stranger = await fleet.post(adjust, {**body, "subject": "drv-99"}, office, 422)
    assert (stranger["error"]["code"], stranger["error"]["field"]) == ("FL-10", "subject")
