"""FL-2 across streams: a driver is out on one trip at a time, decided on the log.

Which trips a driver is on is not the trips board's to say: the board lags the log (here
the read-model pass is simply not run). Every trip claims its driver on the driver's own
stream under optimistic concurrency, so two trips racing for one driver conflict and the
loser re-decides on the streams: another driver, or a refusal.
"""

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from opsledger.eventstore import NewEvent, RecordedEvent
from opsledger.runtime import Tx
from opsledger_contracts.events.fleet import TripDispatched

from tests.fleet.conftest import Fleet
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
    await deliver(fleet, f"{WO}-vehicle-2", 1)  # the board still shows drv-07 free
    fulfilled = [(a.vehicle_id, a.driver_id) for a in await answers(fleet)]
    assert len(fulfilled) == 2
    assert len({driver for _, driver in fulfilled}) == 2, fulfilled


async def test_a_request_after_the_directors_trip_does_not_take_his_driver(fleet: Fleet) -> None:
    await board_once(fleet, vehicles=2, drivers=["drv-07"])
    await fleet.post("/trips", fleet.trip_body(vehicle_id="veh-1"), fleet.director, 201)
    await deliver(fleet, f"{WO}-vehicle-1", 0)  # the board still shows drv-07 free
    [refusal] = await answers(fleet)
    assert refusal.event_type == "VehicleRequestRefused" and refusal.rule == "FL-1"
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
async def test_the_directors_trip_racing_a_request_gives_the_driver_once(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both decide before either commits: each has written its vehicle's trip, then they
    meet at a barrier, then each claims the driver. Only one may keep him.

    PostgreSQL only: SQLite takes its write lock at BEGIN, so there the two never overlap.
    """
    await board_once(fleet, vehicles=2, drivers=["drv-07"])
    both_decided = asyncio.Barrier(2)
    waiting = 0
    append = Tx.append

    async def append_then_meet(
        tx: Tx,
        stream_id: str,
        stream_type: str,
        expected_version: int | None,
        events: Sequence[NewEvent],
    ) -> list[RecordedEvent]:
        nonlocal waiting
        recorded = await append(tx, stream_id, stream_type, expected_version, events)
        if any(e.event_type == TripDispatched.event_type for e in recorded) and waiting < 2:
            waiting += 1  # only the first pass of each: a retry decides alone
            await both_decided.wait()
        return recorded

    monkeypatch.setattr(Tx, "append", append_then_meet)
    # The request takes the first available vehicle on the board (veh-1): the director
    # takes the other, so the two never queue on one vehicle's stream.
    director = fleet.client.post(
        "/trips", json=fleet.trip_body(vehicle_id="veh-2"), headers=fleet.director
    )
    async with asyncio.timeout(60):  # a guard against a hang, not a wait for an outcome
        answered, _ = await asyncio.gather(director, deliver(fleet, f"{WO}-vehicle-1", 0))
    monkeypatch.undo()
    assert waiting == 2, "the two did not overlap"
    out = await drivers_out(fleet)
    assert [driver for _, driver in out] == ["drv-07"], out
    [answer] = await answers(fleet)
    if answered.status_code == 201:  # the director won: the request is refused
        assert answer.event_type == "VehicleRequestRefused", answer
        assert out == [("veh-2", "drv-07")]
    else:  # the request won: the director is told the driver is out
        error: dict[str, Any] = answered.json()["error"]
        assert (answered.status_code, error["code"]) == (422, "FL-2"), error
        assert answer.event_type == "VehicleRequestFulfilled"
        assert out == [("veh-1", "drv-07")]
