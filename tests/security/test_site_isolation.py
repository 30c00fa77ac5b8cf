"""Issue 17, items 2 and 3: no cross-site write through stream ids; existence does not leak.

The real services in-process over HTTP. The two reproductions of the issue:
a site-b captain registered vehicle `request-R1`, which appended `VehicleRegistered`
into site-a's `vehicle-request-R1` stream; `POST /work-orders/serials-site-a/accept`
loaded site-a's numbering stream and answered 500.

Chosen rule for ids (item 3): stream ids are not scoped per site, so an id is one
record company-wide. Starting a record whose id another site holds answers exactly as
starting one whose id one's own site holds (409 "... already exists"); it never says
which site, and nothing else about it.
"""

from typing import Any

import httpx
from fleet.domain.requests import RefuseRequest
from opsledger.pipeline import Origin

from tests.dispatch.conftest import Dispatch
from tests.fleet.conftest import Fleet


def _vehicle(site: str, vehicle_id: str) -> dict[str, Any]:
    return {
        "site_id": site,
        "vehicle_id": vehicle_id,
        "plate": "闽A·10001",
        "model": "soueast",
        "unit": "customer-service",
        "parking_place": "Depot yard, bay 3",
        "odometer_km": "1000.0",
    }


def _same_apart_from_id(
    hidden: httpx.Response, missing: httpx.Response, ids: tuple[str, str]
) -> None:
    """404 both, the same bytes once the ids are swapped; the other site is never named."""
    assert hidden.status_code == missing.status_code == 404, (hidden.text, missing.text)
    assert hidden.content.replace(ids[0].encode(), ids[1].encode()) == missing.content
    assert b"site-a" not in hidden.content.replace(ids[0].encode(), b"")


async def test_a_vehicle_id_cannot_write_into_another_sites_vehicle_request(
    fleet: Fleet,
) -> None:
    refuse = RefuseRequest("site-a", "site-a-000001", "R1", "FL-1", "no certified driver")
    await fleet.service.bus.run(refuse, Origin.system("test"))
    b_captain = fleet.auth("cap-b", "fleet_captain", "site-b")
    answer = await fleet.client.post(
        "/vehicles", json=_vehicle("site-b", "request-R1"), headers=b_captain
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == "vehicle_id"
    async with fleet.service.runtime.engine.connect() as conn:
        stream = await fleet.service.runtime.store.read_stream(conn, "vehicle-request-R1")
    assert [(e.event_type, e.site_id) for e in stream] == [("VehicleRequestRefused", "site-a")]
    # Before any request exists the id is refused the same way: nobody squats it.
    early = await fleet.client.post(
        "/vehicles", json=_vehicle("site-b", "request-R2"), headers=b_captain
    )
    assert early.status_code == 422, early.text


async def test_accepting_the_numbering_stream_is_a_clear_422(dispatch: Dispatch) -> None:
    await dispatch.issue()  # takes number 1 of work-order-serials-site-a
    for headers in (dispatch.assignee(), dispatch.auth("eng-b", "engineer", "site-b")):
        answer = await dispatch.post("serials-site-a", "accept", headers)
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["field"] == "work_order_id"
        assert "'serials-'" in error["message"]
    request = await dispatch.post("request-T1", "accept", dispatch.assignee())
    assert request.status_code == 422, request.text
    # Reads load only an order's own stream: the numbering stream is no order's history.
    for path in ("/work-orders/serials-site-a", "/work-orders/serials-site-a/history"):
        read = await dispatch.client.get(path, headers=dispatch.dispatcher())
        assert read.status_code == 404, (path, read.text)


async def test_another_sites_work_order_answers_exactly_as_a_missing_one(
    dispatch: Dispatch,
) -> None:
    order = (await dispatch.issue())["work_order_id"]
    missing = order[:-1] + ("9" if order[-1] != "9" else "8")
    b_dispatcher = dispatch.auth("disp-b", "dispatcher", "site-b")
    for path in ("/work-orders/{}", "/work-orders/{}/history"):
        hidden = await dispatch.client.get(path.format(order), headers=b_dispatcher)
        absent = await dispatch.client.get(path.format(missing), headers=b_dispatcher)
        _same_apart_from_id(hidden, absent, (order, missing))
    b_assignee = dispatch.auth("eng-12", "engineer", "site-b")
    for action, body in (("accept", None), ("refusals", {"reason": "no"})):
        hidden = await dispatch.post(order, action, b_dispatcher if body else b_assignee, body)
        absent = await dispatch.post(missing, action, b_dispatcher if body else b_assignee, body)
        _same_apart_from_id(hidden, absent, (order, missing))


async def test_registering_an_id_another_site_holds_answers_as_an_own_site_conflict(
    fleet: Fleet,
) -> None:
    await fleet.vehicle("veh-1")  # site-a
    again = await fleet.client.post(
        "/vehicles", json=_vehicle("site-a", "veh-1"), headers=fleet.captain
    )
    b_captain = fleet.auth("cap-b", "fleet_captain", "site-b")
    taken = await fleet.client.post(
        "/vehicles", json=_vehicle("site-b", "veh-1"), headers=b_captain
    )
    assert again.status_code == taken.status_code == 409, (again.text, taken.text)
    assert taken.content == again.content
    assert b"site-a" not in taken.content
    # And a command on it from site-b is a 404 like any unknown vehicle.
    fault = {"fault_id": "f1", "description": "brakes"}
    hidden = await fleet.client.post("/vehicles/veh-1/faults", json=fault, headers=b_captain)
    absent = await fleet.client.post("/vehicles/veh-9/faults", json=fault, headers=b_captain)
    _same_apart_from_id(hidden, absent, ("veh-1", "veh-9"))
