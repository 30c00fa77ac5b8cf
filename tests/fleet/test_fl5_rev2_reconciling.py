"""FL-5 rev.2: reconciling is an obligation, and the month is the site's.

A vehicle-month not reconciled by a configurable day of the next month (default the 5th,
site time) is reported to the office. Pinned too: the Soueast uplift for each of July,
August and September (and not June or October), and the fuel month and "month is over"
in the site's time zone (Asia/Shanghai, UTC+8) across a month boundary.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fleet.domain.fuel import FUEL_MONTH
from fleet.domain.fuel.events import FuelReconciliationDue
from fleet.domain.rules import FleetRules
from opsledger.testing import given, site_calendar

from tests.fleet.conftest import SITE, Fleet
from tests.fleet.test_fuel_and_conduct_decider import NOW, purchase

OVERDUE = "FuelMonthReconciliationOverdue"


def fill(fleet: Fleet, filled_at: datetime, invoice: str = "INV-1") -> dict[str, Any]:
    return {
        "site_id": SITE,
        "vehicle_id": "veh-1",
        "litres": "40.00",
        "amount_fen": 34000,
        "station": "Sinopec Gulou",
        "odometer_km": "1000.0",
        "full_fill": True,
        "invoice_no": invoice,
        "filled_at": filled_at.isoformat(),
    }


async def overdue(fleet: Fleet) -> list[Any]:
    return [e.decode() for e in await fleet.events() if e.event_type == OVERDUE]


async def test_fl5_rev2_a_month_not_reconciled_by_the_5th_is_reported(fleet: Fleet) -> None:
    await fleet.vehicle()
    await fleet.post("/fuel-purchases", fill(fleet, fleet.clock.now()), fleet.director, 201)
    # 23:59 on 5 December in Shanghai: still in time.
    fleet.clock.advance(datetime(2026, 12, 5, 15, 59, tzinfo=UTC) - fleet.clock.now())
    await fleet.service.timers.fire_due()
    assert await overdue(fleet) == []
    fleet.clock.advance(timedelta(minutes=1))  # 6 December 00:00 site time
    await fleet.service.timers.fire_due()
    [late] = await overdue(fleet)
    assert (late.vehicle_id, late.month, late.due_on.isoformat()) == (
        "veh-1",
        "2026-11",
        "2026-12-05",
    )
    fleet.clock.advance(timedelta(days=1))
    await fleet.service.timers.fire_due()
    assert len(await overdue(fleet)) == 1  # reported once


async def test_fl5_rev2_a_month_reconciled_in_time_is_not_reported(fleet: Fleet) -> None:
    await fleet.vehicle()
    await fleet.post("/fuel-purchases", fill(fleet, fleet.clock.now()), fleet.director, 201)
    fleet.clock.advance(datetime(2026, 12, 2, 1, 0, tzinfo=UTC) - fleet.clock.now())
    await fleet.post("/vehicles/veh-1/fuel/2026-11/close", {"site_id": SITE}, fleet.captain)
    fleet.clock.advance(timedelta(days=10))
    await fleet.service.timers.fire_due()
    assert await overdue(fleet) == []


def test_fl5_rev2_the_reconciling_day_is_a_site_setting() -> None:
    assert FleetRules().reconcile_by_day == 5
    site = site_calendar("site-a", {"rules": {"fleet": {"reconcile_by_day": 10}}})
    events = given(FUEL_MONTH, at=NOW, site=site).when(purchase(), at=NOW)
    [due] = [e for e in events if isinstance(e, FuelReconciliationDue)]
    assert due.due_at == datetime(2026, 12, 10, 16, 0, tzinfo=UTC)  # end of 10 Dec, UTC+8


@pytest.mark.parametrize(
    ("month", "soueast"),
    [(6, "14.0"), (7, "16.0"), (8, "16.0"), (9, "16.0"), (10, "14.0"), (1, "14.0")],
)
def test_fl5_soueast_uplift_is_july_to_september_only(month: int, soueast: str) -> None:
    rules = FleetRules()
    assert (str(rules.allowance("soueast", month)), str(rules.allowance("wuling", month))) == (
        soueast,
        "10.0",
    )


async def test_fl5_rev2_fuel_month_and_month_over_are_the_sites_across_the_boundary(
    fleet: Fleet,
) -> None:
    await fleet.vehicle()
    # 00:30 on 1 December in Shanghai is still 30 November in UTC.
    fleet.clock.advance(datetime(2026, 11, 30, 15, 30, tzinfo=UTC) - fleet.clock.now())
    late_november = datetime(2026, 11, 30, 15, 20, tzinfo=UTC)  # 23:20 local, 30 Nov
    await fleet.post("/fuel-purchases", fill(fleet, late_november, "INV-N"), fleet.director, 201)
    # 23:30 local on 30 November: November is not over at the site.
    early = await fleet.post(
        "/vehicles/veh-1/fuel/2026-11/close", {"site_id": SITE}, fleet.captain, 422
    )
    assert early["error"]["code"] == "FL-5"
    fleet.clock.advance(timedelta(hours=1))  # 00:30 local, 1 December
    first_of_december = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    await fleet.post(
        "/fuel-purchases", fill(fleet, first_of_december, "INV-D"), fleet.director, 201
    )
    november = await fleet.get("/vehicles/veh-1/fuel", fleet.captain, site_id=SITE, month="2026-11")
    december = await fleet.get("/vehicles/veh-1/fuel", fleet.captain, site_id=SITE, month="2026-12")
    assert [p["invoice_no"] for p in november] == ["INV-N"]
    assert [p["invoice_no"] for p in december] == ["INV-D"]
    await fleet.post("/vehicles/veh-1/fuel/2026-11/close", {"site_id": SITE}, fleet.captain)
