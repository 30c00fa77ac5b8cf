"""FL-2 rev.2: only the depot director dispatches (「由客戶服務部主任派車」).

A vehicle request from dispatch (flow 3, WO-11) waits for the director with a suggested
vehicle and driver; the director takes them or changes them (the same FL-1/FL-2 checks
as a trip of the director's own), or refuses with a reason. A request for a later time
reserves the vehicle and driver; the trip starts when the director dispatches it. A fault
raised by an open repair is cleared only by that repair's completion (FL-4).
"""

from datetime import timedelta
from typing import Any

from opsledger_contracts.events.fleet import TripDispatched

from tests.fleet.conftest import SITE, Fleet
from tests.fleet.test_flow3_vehicle_requests import WO, answers, deliver
from tests.fleet.test_maintenance_http import REPAIR, office

R1 = f"{WO}-vehicle-1"


async def of_type(fleet: Fleet, event_type: str) -> list[Any]:
    return [e.decode() for e in await fleet.events() if e.event_type == event_type]


async def ready(fleet: Fleet, vehicles: int = 1, drivers: tuple[str, ...] = ("drv-07",)) -> None:
    for n in range(1, vehicles + 1):
        await fleet.vehicle(f"veh-{n}")
    for driver in drivers:
        await fleet.driver(driver)
    await fleet.service.read_models.catch_up()


async def director_dispatches(
    fleet: Fleet, request_id: str = R1, status: int = 200, **body: Any
) -> Any:
    path = f"/vehicle-requests/{request_id}/dispatch"
    return await fleet.post(path, {"site_id": SITE, **body}, fleet.director, status)


async def test_fl2_rev2_a_vehicle_request_waits_for_the_director(fleet: Fleet) -> None:
    await ready(fleet)
    await deliver(fleet, R1)
    assert await of_type(fleet, TripDispatched.event_type) == []
    assert await answers(fleet) == []
    [waiting] = await of_type(fleet, "VehicleRequestReferredToDirector")
    assert (waiting.work_order_id, waiting.request_id) == (WO, R1)
    assert (waiting.suggested_vehicle_id, waiting.suggested_driver_id) == ("veh-1", "drv-07")
    [vehicle] = await fleet.get("/vehicles", fleet.director, site_id=SITE)
    assert vehicle["status"] == "available"
    [row] = await fleet.get("/vehicle-requests", fleet.director, site_id=SITE)
    assert (row["request_id"], row["status"], row["suggested_driver_id"]) == (
        R1,
        "awaiting_director",
        "drv-07",
    )


async def test_fl2_rev2_the_director_takes_the_suggested_vehicle_and_driver(
    fleet: Fleet,
) -> None:
    await ready(fleet)
    await deliver(fleet, R1, 0)
    captain = await fleet.client.post(
        f"/vehicle-requests/{R1}/dispatch", json={"site_id": SITE}, headers=fleet.captain
    )
    assert captain.status_code == 403, captain.text  # only the director dispatches
    answer = await director_dispatches(fleet)
    assert (answer["status"], answer["vehicle_id"], answer["driver_id"]) == (
        "dispatched",
        "veh-1",
        "drv-07",
    )
    await deliver(fleet, R1, 1)  # redelivered: still answered once
    [fulfilled] = await answers(fleet)
    assert (fulfilled.vehicle_id, fulfilled.driver_id) == ("veh-1", "drv-07")
    trips = await fleet.get("/vehicles/veh-1/trips", fleet.director, site_id=SITE)
    assert [(t["work_order_id"], t["request_id"]) for t in trips] == [(WO, R1)]
    again = await director_dispatches(fleet, status=422)
    assert again["error"]["code"] == "FL-2"


async def test_fl2_rev2_the_director_may_change_the_vehicle_and_driver(fleet: Fleet) -> None:
    await ready(fleet, vehicles=2, drivers=("drv-07", "drv-08"))
    await deliver(fleet, R1)
    await director_dispatches(fleet, vehicle_id="veh-2", driver_id="drv-08")
    [fulfilled] = await answers(fleet)
    assert (fulfilled.vehicle_id, fulfilled.driver_id) == ("veh-2", "drv-08")


async def test_fl2_rev2_the_request_path_has_the_directors_checks(fleet: Fleet) -> None:
    await ready(fleet, vehicles=2, drivers=("drv-07",))
    await fleet.driver("drv-09", valid_to="2026-11-01")  # expired (FL-1)
    await deliver(fleet, R1)
    await fleet.post("/trips", fleet.trip_body(vehicle_id="veh-1"), fleet.director, 201)
    busy = await director_dispatches(fleet, status=422, vehicle_id="veh-2", driver_id="drv-07")
    assert (busy["error"]["code"], busy["error"]["field"]) == ("FL-2", "driver_id")
    out = await director_dispatches(fleet, status=422, vehicle_id="veh-1", driver_id="drv-07")
    assert (out["error"]["code"], out["error"]["field"]) == ("FL-2", "vehicle_id")
    expired = await director_dispatches(fleet, status=422, vehicle_id="veh-2", driver_id="drv-09")
    assert (expired["error"]["code"], expired["error"]["field"]) == ("FL-1", "driver_id")
    assert await answers(fleet) == []  # still waiting for the director


async def test_fl2_rev2_the_director_refuses_with_a_reason(fleet: Fleet) -> None:
    await ready(fleet)
    await deliver(fleet, R1)
    body = {"reason": "Both vans are booked for the inspection"}
    await fleet.post(f"/vehicle-requests/{R1}/refuse", body, fleet.director)
    [refusal] = await answers(fleet)
    assert (refusal.event_type, refusal.rule, refusal.reason) == (
        "VehicleRequestRefused",
        "FL-2",
        body["reason"],
    )
    assert await of_type(fleet, TripDispatched.event_type) == []


async def test_fl2_rev2_a_request_for_later_reserves_and_takes_nothing_out_now(
    fleet: Fleet,
) -> None:
    await ready(fleet)
    await deliver(fleet, R1, needed_in=timedelta(days=1))
    reserved = await director_dispatches(fleet)
    assert (reserved["status"], reserved["vehicle_id"], reserved["driver_id"]) == (
        "reserved",
        "veh-1",
        "drv-07",
    )
    [event] = await of_type(fleet, "VehicleRequestReserved")
    assert (event.vehicle_id, event.driver_id, event.request_id) == ("veh-1", "drv-07", R1)
    assert await of_type(fleet, TripDispatched.event_type) == []
    [vehicle] = await fleet.get("/vehicles", fleet.director, site_id=SITE)
    assert vehicle["status"] == "available"  # not taken out now
    fleet.clock.advance(timedelta(days=1))
    dispatched = await director_dispatches(fleet)  # at the time: the reserved pair
    assert (dispatched["status"], dispatched["vehicle_id"], dispatched["driver_id"]) == (
        "dispatched",
        "veh-1",
        "drv-07",
    )
    [fulfilled] = await answers(fleet)
    assert fulfilled.trip_id == dispatched["trip_id"]


async def test_fl2_rev2_a_repairs_fault_is_cleared_only_by_the_repairs_completion(
    fleet: Fleet,
) -> None:
    await ready(fleet)
    driver = fleet.auth("drv-07", "driver")
    await fleet.post("/repairs", REPAIR, driver, 201)
    for who in (fleet.captain, fleet.director):
        by_hand = await fleet.post(
            "/vehicles/veh-1/faults/rep-1/clear", {"note": "looks fine"}, who, 422
        )
        assert (by_hand["error"]["code"], by_hand["error"]["field"]) == ("FL-2", "fault_id")
    refused = await fleet.post("/trips", fleet.trip_body(), fleet.director, 422)
    assert refused["error"]["code"] == "FL-2"
    # A fault reported first and then named by a repair is held by the repair too.
    await fleet.post(
        "/vehicles/veh-1/faults", {"fault_id": "F2", "description": "brakes"}, fleet.captain
    )
    await fleet.post("/repairs", {**REPAIR, "repair_id": "rep-2", "fault_id": "F2"}, driver, 201)
    await fleet.post("/vehicles/veh-1/faults/F2/clear", {"note": "ok"}, fleet.captain, 422)
    for repair in ("rep-1", "rep-2"):
        await fleet.post(f"/repairs/{repair}/approve", {"form_no": f"RF-{repair}"}, office(fleet))
        await fleet.post(f"/repairs/{repair}/shop", None, fleet.director)
        await fleet.post(
            f"/repairs/{repair}/complete", {"site_id": SITE, "note": "done"}, fleet.captain
        )
    await fleet.post("/trips", fleet.trip_body(), fleet.director, 201)  # back on the road


async def test_fl2_a_fault_without_a_repair_is_still_cleared_by_hand(fleet: Fleet) -> None:
    await ready(fleet)
    await fleet.post(
        "/vehicles/veh-1/faults", {"fault_id": "F1", "description": "wiper"}, fleet.captain
    )
    await fleet.post("/vehicles/veh-1/faults/F1/clear", {"note": "replaced"}, fleet.captain)
    await fleet.post("/trips", fleet.trip_body(), fleet.director, 201)


async def test_fl2_rev2_a_reservation_holds_the_pair_against_the_directors_own_trips(
    fleet: Fleet,
) -> None:
    await ready(fleet, vehicles=2, drivers=("drv-07", "drv-08"))
    await deliver(fleet, R1, needed_in=timedelta(days=1))
    await director_dispatches(fleet)  # reserved: veh-1 and drv-07 for tomorrow
    # Long before the time the pair is not taken out: the director may use them.
    own = await fleet.post("/trips", fleet.trip_body(), fleet.director, 201)
    trip_id = own["current_trip"]["trip_id"]
    await fleet.post(
        f"/vehicles/veh-1/trips/{trip_id}/return", {"odometer_in_km": "1010.0"}, fleet.director
    )
    # Within the dispatch window (60 minutes) of the time needed they go to that trip only.
    fleet.clock.advance(timedelta(days=1) - timedelta(minutes=30))
    veh = await fleet.post(
        "/trips",
        fleet.trip_body(driver_id="drv-08", odometer_out_km="1010.0"),
        fleet.director,
        422,
    )
    assert (veh["error"]["code"], veh["error"]["field"]) == ("FL-2", "vehicle_id")
    assert R1 in veh["error"]["message"]
    drv = await fleet.post("/trips", fleet.trip_body(vehicle_id="veh-2"), fleet.director, 422)
    assert (drv["error"]["code"], drv["error"]["field"]) == ("FL-2", "driver_id")
    dispatched = await director_dispatches(fleet)  # the request's own trip
    assert (dispatched["status"], dispatched["vehicle_id"], dispatched["driver_id"]) == (
        "dispatched",
        "veh-1",
        "drv-07",
    )


async def test_fl2_rev2_a_declined_reservation_holds_nothing(fleet: Fleet) -> None:
    await ready(fleet)
    await deliver(fleet, R1, needed_in=timedelta(hours=2))
    await director_dispatches(fleet)  # reserved
    fleet.clock.advance(timedelta(hours=1, minutes=30))
    await fleet.post(f"/vehicle-requests/{R1}/refuse", {"reason": "cancelled"}, fleet.director)
    await fleet.post("/trips", fleet.trip_body(), fleet.director, 201)
