"""Fleet's vehicle board and vehicle commands declare each field once (issue 16, item 2)."""

from typing import Any

from fleet.readmodels.vehicles import VEHICLES

from tests.fleet.conftest import SITE, Fleet


async def test_every_board_column_is_in_the_answer(fleet: Fleet) -> None:
    """The board's answer is the read model's columns: none can be forgotten."""
    await fleet.vehicle()
    await fleet.post(
        "/vehicles/veh-1/faults", {"fault_id": "F1", "description": "brakes"}, fleet.captain
    )
    board = await fleet.get("/vehicles", fleet.captain, site_id=SITE)
    assert list(board[0]) == [c.name for c in VEHICLES.columns]
    assert board[0]["status"] == "fault" and board[0]["open_faults"] == 1
    assert board[0]["odometer_km"] == "1000.0" and board[0]["trip_id"] is None
    schema = (await fleet.client.get("/openapi.json")).json()
    answer = schema["paths"]["/vehicles"]["get"]["responses"]["200"]["content"]
    row = answer["application/json"]["schema"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert row == VEHICLES.row_model.__name__
    assert list(schema["components"]["schemas"][row]["properties"]) == list(board[0])


def _problems(answer: Any) -> list[tuple[str, str]]:
    return [(f["field"], f["rule"]) for f in answer.json()["error"]["fields"]]


async def test_command_bodies_are_the_commands_fields(fleet: Fleet) -> None:
    await fleet.vehicle()
    schema = (await fleet.client.get("/openapi.json")).json()["components"]["schemas"]
    assert set(schema["ReportFaultBody"]["properties"]) == {"fault_id", "description"}
    assert set(schema["ClearFaultBody"]["properties"]) == {"note"}
    # The path's id is not a body field; limits and rules come from fleet's vocabulary.
    answer = await fleet.client.post(
        "/vehicles/veh-1/faults",
        json={"vehicle_id": "veh-2", "fault_id": "F1", "description": "x"},
        headers=fleet.captain,
    )
    assert answer.status_code == 422 and _problems(answer) == [("vehicle_id", "extra_forbidden")]
    answer = await fleet.client.post(
        "/vehicles/veh-1/service",
        json={"odometer_km": "1200.0", "shop": " "},
        headers=fleet.captain,
    )
    assert answer.status_code == 422 and _problems(answer) == [("shop", "FL-4")]
    answer = await fleet.client.post(
        "/vehicles/veh-1/odometer",
        json={"odometer_km": "-1", "reason": "meter swap"},
        headers=fleet.captain,
    )
    assert answer.status_code == 422 and _problems(answer) == [("odometer_km", "FL-2")]
    done = await fleet.post(
        "/vehicles/veh-1/service", {"odometer_km": "1200.0", "shop": " Main St "}, fleet.captain
    )
    assert done["vehicle_id"] == "veh-1"
