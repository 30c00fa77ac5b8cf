"""FL-11: a vehicle is retired (sold or scrapped, with a reason), never while out on a
trip; a retired vehicle takes no trip, fuel, fault, service or deduction (the vehicle
aggregate's closed-stream rule, checked once by the kernel). And the vehicle's fold
stays linear however long its dispatch log grows."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from fleet.domain.vehicles import VEHICLE, VehicleState
from fleet.domain.vehicles.commands import (
    ClearFault,
    ConfirmOdometer,
    DeductVehiclePoints,
    RecordService,
    RegisterVehicle,
    ReportFault,
    RetireVehicle,
    ReturnTrip,
)
from opsledger.appendlog import HistoryLog
from opsledger.catalog import EventCatalog
from opsledger.decider import DecisionContext, Event
from opsledger.errors import DomainError
from opsledger.snapshots import Snapshotter
from opsledger.testing import site_calendar
from opsledger_contracts.events.fleet import (
    TripDispatched,
    TripReturned,
    VehicleFaultReported,
    VehicleRetired,
)

from tests.fleet.conftest import SITE, Fleet
from tests.fleet.test_vehicle_decider import NOW, V, out, registered, start


def test_fl11_a_vehicle_is_retired_sold_or_scrapped_with_a_reason() -> None:
    scenario = registered()
    retire = RetireVehicle(V, "scrapped", "Frame cracked in the 2026 inspection")
    assert scenario.when(retire, at=NOW, actor="off-01") == [
        VehicleRetired(
            vehicle_id=V,
            plate="闽A·12345",
            disposal="scrapped",
            reason="Frame cracked in the 2026 inspection",
            odometer_km=Decimal("1000.0"),
        )
    ]
    scenario.record(retire, at=NOW, actor="off-01")
    state = scenario.state
    assert state.retired is not None and state.retired.disposal == "scrapped"
    assert state.retired.by == "off-01" and state.retired.at == NOW


def test_fl11_not_retired_while_out_on_a_trip() -> None:
    error = out().refuses(RetireVehicle(V, "sold", "Sold at auction"), "FL-11", at=NOW)
    assert "out on trip t1" in error.message and error.field == "vehicle_id"


def test_fl11_a_retired_vehicle_takes_no_further_command() -> None:
    scenario = registered().record(RetireVehicle(V, "sold", "Sold to the dealer"), at=NOW)
    commands: list[Any] = [
        start(trip_id="t9"),
        ReportFault(V, "F1", "brakes"),
        ClearFault(V, "F1", "fixed"),
        ConfirmOdometer(V, Decimal(2000), "reading"),
        RecordService(V, Decimal(1100), "Gulou garage"),
        DeductVehiclePoints(V, "d1", "2026-11", 5, "dirty", "n"),
        RetireVehicle(V, "scrapped", "again"),
        RegisterVehicle(SITE, V, "X", "soueast", "cs", "bay", Decimal(0)),
    ]
    for command in commands:
        error = scenario.refuses(command, "FL-11", at=NOW)
        assert "was sold" in error.message


def test_the_vehicle_fold_is_linear_in_its_dispatch_log() -> None:
    """The log is shared between versions of the state, not copied per trip."""
    history = [*registered().history]
    for i in range(1, 401):
        for payload in (
            TripDispatched(
                vehicle_id=V,
                trip_id=f"t{i}",
                plate="p",
                purpose="delivery",
                business="b",
                destination="d",
                driver_id="drv-07",
                odometer_out_km=Decimal(1000 + i),
            ),
            TripReturned(
                vehicle_id=V,
                trip_id=f"t{i}",
                driver_id="drv-07",
                odometer_in_km=Decimal(1000 + i),
                km=Decimal(0),
                month="2026-11",
            ),
        ):
            history.append(
                Event(payload, "vehicle-veh-1", len(history) + 1, SITE, "a", NOW, uuid4())
            )
    half = VEHICLE.fold(history[:401])
    whole = VEHICLE.fold(history[401:], half)
    assert whole.log._items is half.log._items  # appended in place, no copy per trip
    assert [t.trip_id for t in whole.trips] == [f"t{i}" for i in range(1, 401)]
    assert [t.trip_id for t in half.trips] == [f"t{i}" for i in range(1, 201)]
    assert whole.out is None and whole.last is not None and whole.last.trip_id == "t400"
    assert whole.km_in("2026-11") == {"drv-07": Decimal(0)}
    assert whole.trips[16].trip_id == "t17"  # the read models' whole log
    fault = Event(
        VehicleFaultReported(vehicle_id=V, fault_id="F", description="x"),
        "s",
        802,
        SITE,
        "a",
        NOW,
        uuid4(),
    )
    assert VEHICLE.fold([fault], whole).log._items is whole.log._items


async def test_fl11_retire_over_http_and_shown_on_the_board(fleet: Fleet) -> None:
    await fleet.vehicle()
    await fleet.driver()
    office = fleet.auth("off-01", "fleet_office")
    trip = (await fleet.post("/trips", fleet.trip_body(), fleet.director, 201))["current_trip"]
    body = {"disposal": "scrapped", "reason": "Engine beyond repair"}
    busy = await fleet.client.post("/vehicles/veh-1/retire", json=body, headers=office)
    assert busy.status_code == 422 and busy.json()["error"]["code"] == "FL-11"
    await fleet.post(
        f"/vehicles/veh-1/trips/{trip['trip_id']}/return",
        {"odometer_in_km": "1100.0"},
        fleet.director,
    )
    driver = fleet.auth("drv-07", "driver")
    forbidden = await fleet.client.post("/vehicles/veh-1/retire", json=body, headers=driver)
    assert forbidden.status_code == 403
    bad = await fleet.client.post(
        "/vehicles/veh-1/retire", json={"disposal": "lost", "reason": "x"}, headers=office
    )
    assert bad.status_code == 422 and "disposal" in bad.text
    retired = await fleet.post("/vehicles/veh-1/retire", body, office)
    assert retired["retired"]["disposal"] == "scrapped"
    assert retired["retired"]["reason"] == "Engine beyond repair"
    board = await fleet.get("/vehicles", office, site_id=SITE)
    assert [(v["vehicle_id"], v["status"]) for v in board] == [("veh-1", "retired")]
    # no trip, fuel, fault, service or deduction any more: one rule, FL-11
    fleet.clock.advance(timedelta(hours=1))
    refused = [
        await fleet.client.post(
            "/trips", json=fleet.trip_body(odometer_out_km="1100.0"), headers=fleet.director
        ),
        await fleet.client.post(
            "/fuel-purchases",
            json={
                "site_id": SITE,
                "vehicle_id": "veh-1",
                "litres": "10.00",
                "amount_fen": 8500,
                "station": "Sinopec Gulou",
                "odometer_km": "1100.0",
                "full_fill": True,
                "invoice_no": "INV-9",
                "filled_at": (fleet.clock.now() - timedelta(minutes=5)).isoformat(),
            },
            headers=fleet.director,
        ),
        await fleet.client.post(
            "/vehicles/veh-1/faults",
            json={"fault_id": "F1", "description": "x"},
            headers=fleet.captain,
        ),
        await fleet.client.post(
            "/vehicles/veh-1/service",
            json={"odometer_km": "1100.0", "shop": "Gulou"},
            headers=fleet.captain,
        ),
        await fleet.client.post(
            "/assessment/vehicles/veh-1/deductions",
            json={
                "site_id": SITE,
                "deduction_id": "d1",
                "month": "2026-11",
                "points": 5,
                "item": "dirty",
                "note": "n",
            },
            headers=office,
        ),
    ]
    assert [(r.status_code, r.json()["error"]["code"]) for r in refused] == [(422, "FL-11")] * 5


def test_a_vehicle_snapshot_is_small_and_decides_like_the_full_fold() -> None:
    """The snapshot leaves out the dispatch log (read models fold it from the events)."""
    scenario = registered()
    for i in range(1, 301):
        scenario.record(start(trip_id=f"t{i}", odometer_out_km=Decimal(1000 + i)), at=NOW)
        scenario.record(ReturnTrip(V, f"t{i}", Decimal(1001 + i)), at=NOW)
    scenario.record(ReportFault(V, "F1", "brakes"), at=NOW)
    full = scenario.state
    adapter, _ = Snapshotter(EventCatalog(service="fleet")).codec(VEHICLE)
    stored = adapter.dump_json(full)
    assert len(stored) < 2000  # bounded: not 300 trips
    loaded = adapter.validate_json(stored)
    assert loaded == replace(full, log=HistoryLog.unloaded())
    with pytest.raises(LookupError, match="not in snapshots"):
        list(loaded.log)
    # and it decides the same from there on
    context = DecisionContext(now=NOW, actor="a", site=site_calendar())

    def outcome(state: VehicleState, command: Any) -> object:
        try:
            return VEHICLE.decide(state, command, context)
        except DomainError as refused:
            return refused.code, refused.message

    commands: list[Any] = [
        ClearFault(V, "F1", "ok"),
        start(trip_id="t301", odometer_out_km=Decimal(1301)),  # refused: the open fault
        ReturnTrip(V, "t300", Decimal(1400)),  # conflict: already returned
        RetireVehicle(V, "sold", "Auction"),
    ]
    for command in commands:
        assert outcome(loaded, command) == outcome(full, command)
