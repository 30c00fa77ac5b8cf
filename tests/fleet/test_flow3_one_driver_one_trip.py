"""FL-2 across streams: a driver is out on one trip at a time, decided on the log.

Which trips a driver is on is not the trips board's to say: the board lags the log (here
the read-model pass is simply not run). Every trip - the director's own and a requested
one the director dispatches (FL-2 rev.2) - takes the site's trip number and claims its
driver on the driver's own stream, so two trips racing for one driver queue, and the
second decides on the streams: another driver, or a refusal.
"""

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from opsledger.pipeline import UnitOfWork
from opsledger_contracts.events.fleet import TripDispatched

from tests.fleet.conftest import SITE, Fleet
from tests.fleet.test_fl2_rev2_director_dispatches import director_dispatches, of_type
from tests.fleet.test_flow3_vehicle_requests import WO, answers, deliver


async def drivers_out(fleet: Fleet) -> list[tuple[str, str]]:
    """(vehicle, driver) of every trip dispatched, from the log (nothing returns here)."""
    return [
        (e.stream_id.removeprefix("vehicle-"), e.decode().driver_id)
        for e in await fleet.events()
        if e.event_type == TripDispatched.event_type
    ]


async def board_once(fleet: Fleet, vehicles: int, drivers: Sequence[str]) -> None:
    """Vehicles veh-1.. and certified drivers, on the board once; then the board stops."""
    for n in range(1, vehicles + 1):
        await fleet.vehicle(f"veh-{n}")
    for driver in drivers:
        await fleet.driver(driver)
    await fleet.service.read_models.catch_up()


async def test_two_requests_with_the_board_behind_get_two_drivers(fleet: Fleet) -> None:
    await board_once(fleet, vehicles=3, drivers=["drv-07", "drv-08"])
    await deliver(fleet, f"{WO}-vehicle-1", 0)
    await director_dispatches(fleet, f"{WO}-vehicle-1")  # the suggestion: veh-1, drv-07
    await deliver(fleet, f"{WO}-vehicle-2", 1)  # the board still shows drv-07 free
    [_, second] = await of_type(fleet, "VehicleRequestReferredToDirector")
    assert (second.suggested_vehicle_id, second.suggested_driver_id) == ("veh-2", "drv-08")
    await director_dispatches(fleet, f"{WO}-vehicle-2")
    fulfilled = [(a.vehicle_id, a.driver_id) for a in await answers(fleet)]
    assert fulfilled == [("veh-1", "drv-07"), ("veh-2", "drv-08")]


async def test_a_request_after_the_directors_trip_does_not_suggest_his_driver(
    fleet: Fleet,
) -> None:
    await board_once(fleet, vehicles=2, drivers=["drv-07"])
    await fleet.post("/trips", fleet.trip_body(vehicle_id="veh-1"), fleet.director, 201)
    await deliver(fleet, f"{WO}-vehicle-1", 0)  # the board still shows drv-07 free
    [referred] = await of_type(fleet, "VehicleRequestReferredToDirector")
    assert (referred.suggested_vehicle_id, referred.suggested_driver_id) == ("veh-2", None)
    refused = await director_dispatches(fleet, f"{WO}-vehicle-1", status=422)
    assert (refused["error"]["code"], refused["error"]["field"]) == ("FL-1", "driver_id")
    assert await drivers_out(fleet) == [("veh-1", "drv-07")]


async def test_the_director_cannot_send_a_driver_out_twice_with_the_board_behind(
    fleet: Fleet,
) -> None:
    await board_once(fleet, vehicles=0, drivers=["drv-07"])
    await fleet.vehicle("veh-1")  # registered after the board's last pass
    await fleet.vehicle("veh-2")
    await fleet.post("/trips", fleet.trip_body(vehicle_id="veh-1"), fleet.director, 201)
    refused = await fleet.post("/trips", fleet.trip_body(vehicle_id="veh-2"), fleet.director, 422)
    assert (refused["error"]["code"], refused["error"]["field"]) == ("FL-2", "driver_id")
    assert await drivers_out(fleet) == [("veh-1", "drv-07")]


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_the_directors_trip_racing_a_requested_trip_gives_the_driver_once(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both paths are inside their transactions, having read what they read, before
    either takes the site's trip number; they queue on it, so the second decides on the
    driver's stream with the first's trip committed. Only one may keep him.
    """
    await board_once(fleet, vehicles=2, drivers=["drv-07"])
    await deliver(fleet, f"{WO}-vehicle-1", 0)  # suggested: veh-1, drv-07
    both_inside = asyncio.Barrier(2)
    waiting = 0
    next_number = UnitOfWork.next_number

    async def meet_then_number(uow: UnitOfWork, scope: str, assigned_to: str) -> int:
        nonlocal waiting
        if scope.startswith("trip-numbers-") and waiting < 2:
            waiting += 1  # only the first pass of each: a retry decides alone
            await both_inside.wait()
        return await next_number(uow, scope, assigned_to)

    monkeypatch.setattr(UnitOfWork, "next_number", meet_then_number)
    director = fleet.client.post(
        "/trips", json=fleet.trip_body(vehicle_id="veh-2"), headers=fleet.director
    )
    requested = fleet.client.post(
        f"/vehicle-requests/{WO}-vehicle-1/dispatch", json={"site_id": SITE}, headers=fleet.director
    )
    async with asyncio.timeout(60):  # a guard against a hang, not a wait for an outcome
        own, request = await asyncio.gather(director, requested)
    monkeypatch.undo()
    assert waiting == 2, "the two did not overlap"
    out = await drivers_out(fleet)
    assert [driver for _, driver in out] == ["drv-07"], out
    statuses = sorted((own.status_code, request.status_code))
    assert statuses in ([200, 422], [201, 422]), (own.text, request.text)
    loser = own if own.status_code == 422 else request
    error: dict[str, Any] = loser.json()["error"]
    assert (error["code"], error["field"]) == ("FL-2", "driver_id"), error
    if own.status_code == 201:
        assert out == [("veh-2", "drv-07")] and await answers(fleet) == []
    else:
        [answer] = await answers(fleet)
        assert answer.event_type == "VehicleRequestFulfilled"
        assert out == [("veh-1", "drv-07")]
