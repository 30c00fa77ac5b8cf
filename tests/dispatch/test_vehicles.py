"""WO-11 (flow 3, dispatch side): an order that needs a vehicle asks fleet for one, and
fleet's answer (the trip, or the refusal with its reason) is recorded on the order."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from dispatch.domain.work_order import WORK_ORDER
from dispatch.domain.work_order import commands as wo
from dispatch.domain.work_order.state import WorkOrderState
from dispatch.domain.work_order.vehicle import validate_need
from opsledger.consumers import IncomingMessage, Outcome
from opsledger.errors import DomainError
from opsledger.testing import Scenario, given
from opsledger.verify import verify_read_models
from opsledger_contracts import EventEnvelope, EventPayload, encode_message, events_topic
from opsledger_contracts.events.dispatch import (
    VehicleRequested,
    WorkOrderVehicleAwaitingDirector,
    WorkOrderVehicleDispatched,
    WorkOrderVehicleRefused,
    WorkOrderVehicleReserved,
)
from opsledger_contracts.events.fleet import (
    VehicleRequestFulfilled,
    VehicleRequestReferredToDirector,
    VehicleRequestRefused,
    VehicleRequestReserved,
)

from tests.dispatch.conftest import SITE, START, Dispatch

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
W = "WO-site-a-000001"
R1, R2 = f"{W}-vehicle-1", f"{W}-vehicle-2"
NEED = wo.VehicleNeed("official_business", needed_at=NOW + timedelta(hours=1))


def issue_command(**overrides: Any) -> wo.IssueWorkOrder:
    fields: dict[str, Any] = {
        "site_id": "site-a",
        "location": "Block 3, unit 1202",
        "content": "Replace the water heater",
        "requirements": "Bring the new heater",
        "reply_by": NOW + timedelta(hours=4),
        "assignee": "eng-12",
        "assignee_role": "engineer",
    }
    fields.update(overrides)
    return wo.IssueWorkOrder(**fields)


def issued() -> Scenario[WorkOrderState, wo.Command]:
    return given(WORK_ORDER, at=NOW).record(
        wo.NumberedIssue(issue_command(), W, 1), actor="disp-07", at=NOW
    )


def requested() -> Scenario[WorkOrderState, wo.Command]:
    return issued().record(wo.RequestVehicle(W, NEED), actor="disp-07", at=NOW)


def fulfilled(request_id: str = R1) -> VehicleRequestFulfilled:
    return VehicleRequestFulfilled(
        work_order_id=W,
        request_id=request_id,
        trip_id=f"trip-{request_id}",
        vehicle_id="veh-1",
        plate="闽A·10001",
        driver_id="drv-07",
    )


def refused(request_id: str = R1) -> VehicleRequestRefused:
    return VehicleRequestRefused(
        work_order_id=W,
        request_id=request_id,
        rule="FL-2",
        reason="No vehicle is available at site-a",
    )


# -- the decider ------------------------------------------------------------------------


def referred(request_id: str = R1) -> VehicleRequestReferredToDirector:
    return VehicleRequestReferredToDirector(
        work_order_id=W,
        request_id=request_id,
        purpose="official_business",
        business="Fetch the heater",
        destination="Depot 2",
        needed_at=NOW + timedelta(hours=1),
        suggested_vehicle_id="veh-1",
        suggested_driver_id="drv-07",
    )


def reserved(request_id: str = R1) -> VehicleRequestReserved:
    return VehicleRequestReserved(
        work_order_id=W,
        request_id=request_id,
        needed_at=NOW + timedelta(days=1),
        vehicle_id="veh-1",
        plate="闽A·10001",
        driver_id="drv-07",
    )


def test_fl2_rev2_the_order_shows_waiting_for_the_director_then_the_trip() -> None:
    scenario = requested()
    (waiting,) = scenario.when(wo.RecordVehicleAnswer(W, referred()), at=NOW)
    assert waiting == WorkOrderVehicleAwaitingDirector(work_order_id=W, serial_no=1, request_id=R1)
    scenario.given(waiting, at=NOW, actor="system:dispatch.vehicles")
    assert scenario.state.vehicle is not None
    assert scenario.state.vehicle.status == "awaiting_director"
    # Still one request at a time while the director has it.
    scenario.refuses(wo.RequestVehicle(W, NEED), "WO-11", actor="disp-07", at=NOW)
    assert scenario.when(wo.RecordVehicleAnswer(W, referred()), at=NOW) == []  # redelivered
    (booked,) = scenario.when(wo.RecordVehicleAnswer(W, reserved()), at=NOW)
    assert isinstance(booked, WorkOrderVehicleReserved)
    scenario.given(booked, at=NOW, actor="system:dispatch.vehicles")
    vehicle = scenario.state.vehicle
    assert vehicle is not None
    assert (vehicle.status, vehicle.vehicle_id, vehicle.driver_id, vehicle.trip_id) == (
        "reserved",
        "veh-1",
        "drv-07",
        None,
    )
    scenario.refuses(wo.RequestVehicle(W, NEED), "WO-11", actor="disp-07", at=NOW)
    (trip,) = scenario.when(wo.RecordVehicleAnswer(W, fulfilled()), at=NOW)
    assert isinstance(trip, WorkOrderVehicleDispatched)
    scenario.given(trip, at=NOW, actor="system:dispatch.vehicles")
    assert scenario.state.vehicle is not None and scenario.state.vehicle.status == "dispatched"
    # Nothing brings a dispatched request back to waiting.
    assert scenario.when(wo.RecordVehicleAnswer(W, referred()), at=NOW) == []
    assert scenario.when(wo.RecordVehicleAnswer(W, reserved()), at=NOW) == []


def test_wo11_an_open_order_asks_fleet_with_defaults_from_the_order() -> None:
    (asked,) = issued().when(
        wo.RequestVehicle(W, wo.VehicleNeed("delivery")), actor="disp-07", at=NOW
    )
    assert asked == VehicleRequested(
        work_order_id=W,
        serial_no=1,
        request_id=R1,
        purpose="delivery",
        business=f"Work order {W}: Replace the water heater",
        destination="Block 3, unit 1202",
        needed_at=NOW,  # unset: needed now
    )


def test_wo11_named_business_destination_and_time_are_kept_trimmed() -> None:
    need = wo.VehicleNeed("official_business", " Fetch the heater ", " Depot 2 ", NOW)
    (asked,) = issued().when(wo.RequestVehicle(W, need), actor="disp-07", at=NOW)
    assert isinstance(asked, VehicleRequested)
    assert (asked.business, asked.destination, asked.needed_at) == (
        "Fetch the heater",
        "Depot 2",
        NOW,
    )
    state = requested().state
    assert state.vehicle is not None
    assert (state.vehicle.request_id, state.vehicle.status) == (R1, "requested")
    assert state.vehicle.requested_by == "disp-07"


@pytest.mark.parametrize(
    ("need", "rule", "field"),
    [
        (wo.VehicleNeed(None), "WO-11", "purpose"),
        (wo.VehicleNeed("  "), "WO-11", "purpose"),
        (wo.VehicleNeed("private"), "FL-2", "purpose"),
        (wo.VehicleNeed("delivery", business="x" * 501), "WO-11", "business"),
        (wo.VehicleNeed("delivery", destination="x" * 201), "WO-11", "destination"),
        (wo.VehicleNeed("delivery", needed_at=datetime(2026, 11, 23, 12)), "WO-11", "needed_at"),
        (wo.VehicleNeed("delivery", needed_at=NOW - timedelta(minutes=1)), "WO-11", "needed_at"),
    ],
)
def test_wo11_fl2_a_request_names_an_allowed_purpose_and_a_sensible_time(
    need: wo.VehicleNeed, rule: str, field: str
) -> None:
    refusal = issued().refuses(wo.RequestVehicle(W, need), rule, actor="disp-07", at=NOW)
    assert refusal.field == field
    with pytest.raises(DomainError) as in_the_issue_body:
        validate_need(need, NOW, prefix="vehicle.")
    assert in_the_issue_body.value.field == f"vehicle.{field}"


def test_wo11_one_request_at_a_time_and_only_for_an_open_order() -> None:
    waiting = requested().refuses(wo.RequestVehicle(W, NEED), "WO-11", actor="disp-07", at=NOW)
    assert R1 in waiting.message and "waiting" in waiting.message
    done = issued().record(wo.AcceptWorkOrder(W), actor="eng-12", at=NOW)
    done.record(wo.CompleteWorkOrder(W, "Fitted", "Hot water"), actor="eng-12", at=NOW)
    closed = done.refuses(wo.RequestVehicle(W, NEED), "WO-11", actor="disp-07", at=NOW)
    assert "completed" in closed.message


def test_wo11_fleet_dispatching_a_trip_is_recorded_once() -> None:
    later = NOW + timedelta(minutes=2)
    scenario = requested()
    (recorded,) = scenario.when(wo.RecordVehicleAnswer(W, fulfilled()), at=later)
    assert recorded == WorkOrderVehicleDispatched(
        work_order_id=W,
        serial_no=1,
        request_id=R1,
        trip_id=f"trip-{R1}",
        vehicle_id="veh-1",
        plate="闽A·10001",
        driver_id="drv-07",
    )
    scenario.given(recorded, at=later, actor="system:dispatch.vehicles")
    vehicle = scenario.state.vehicle
    assert vehicle is not None
    assert (vehicle.status, vehicle.trip_id, vehicle.plate, vehicle.driver_id) == (
        "dispatched",
        f"trip-{R1}",
        "闽A·10001",
        "drv-07",
    )
    assert vehicle.answered_at == later and vehicle.reason is None
    # Fleet answers a request once; a second answer for it changes nothing.
    assert scenario.when(wo.RecordVehicleAnswer(W, refused()), at=later) == []


def test_wo11_a_refusal_is_recorded_with_its_reason_and_the_order_may_ask_again() -> None:
    scenario = requested().record(wo.RecordVehicleAnswer(W, refused()), at=NOW)
    (event,) = scenario.history[-1:]
    assert isinstance(event.payload, WorkOrderVehicleRefused)
    vehicle = scenario.state.vehicle
    assert vehicle is not None
    assert (vehicle.status, vehicle.rule, vehicle.reason) == (
        "refused",
        "FL-2",
        "No vehicle is available at site-a",
    )
    (again,) = scenario.when(wo.RequestVehicle(W, NEED), actor="disp-07", at=NOW)
    assert isinstance(again, VehicleRequested) and again.request_id == R2


def test_wo11_an_answer_to_a_request_the_order_never_made_is_refused() -> None:
    issued().refuses(wo.RecordVehicleAnswer(W, fulfilled(R2)), "WO-11", at=NOW)
    requested().refuses(wo.RecordVehicleAnswer(W, fulfilled(R2)), "WO-11", at=NOW)


def test_wo11_vehicle_commands_are_system_only_or_for_issuers() -> None:
    assert WORK_ORDER.roles(wo.RecordVehicleAnswer) == frozenset()
    assert WORK_ORDER.roles(wo.RequestVehicle) == wo.ISSUER_ROLES


# -- HTTP and the inbound policy, in process ---------------------------------------------


def vehicle_block(dispatch: Dispatch, **overrides: Any) -> dict[str, Any]:
    block: dict[str, Any] = {
        "purpose": "official_business",
        "business": "Fetch the new water heater",
        "destination": "Block 3",
        "needed_at": (dispatch.clock.now() + timedelta(hours=1)).isoformat(),
    }
    block.update(overrides)
    return block


async def answer(
    dispatch: Dispatch, payload: EventPayload, offset: int, site_id: str = SITE
) -> Outcome:
    """Fleet's answer as the `vehicle-answers` consumer receives it from Kafka."""
    envelope = EventEnvelope(
        event_id=uuid4(),
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        source="fleet",
        site_id=site_id,
        stream_id=f"vehicle-request-{getattr(payload, 'request_id', '')}",
        stream_type="VehicleRequest",
        stream_version=1,
        occurred_at=dispatch.clock.now(),
        correlation_id="corr-flow-3",
        actor="system:fleet.vehicle-requests",
    )
    key, value, headers = encode_message(envelope, payload)
    topic = events_topic("fleet")
    (consumer,) = [
        c for c in dispatch.service.consumers if c.subscription.name == "vehicle-answers"
    ]
    assert consumer.subscription.topic == topic
    return await consumer.handle(IncomingMessage(topic, 0, offset, key, value, tuple(headers)))


async def test_wo11_issuing_with_a_vehicle_block_publishes_the_request(
    dispatch: Dispatch,
) -> None:
    order = await dispatch.issue(vehicle=vehicle_block(dispatch))
    wo_id = order["work_order_id"]
    vehicle = order["vehicle"]
    assert (vehicle["request_id"], vehicle["status"]) == (f"{wo_id}-vehicle-1", "requested")
    assert vehicle["purpose"] == "official_business" and vehicle["requested_by"] == "disp-07"
    assert vehicle["trip_id"] is None and vehicle["reason"] is None
    events = await dispatch.stream(f"work-order-{wo_id}")
    assert [e.event_type for e in events] == ["WorkOrderIssued", "VehicleRequested"]
    asked = events[1]
    assert asked.actor == "disp-07" and asked.correlation_id == events[0].correlation_id
    assert asked.payload["destination"] == "Block 3"
    assert "VehicleRequested" not in dispatch.service.catalog.private_event_types  # published
    plain = await dispatch.issue()
    assert plain["vehicle"] is None


async def test_wo11_fl2_a_bad_vehicle_block_is_refused_before_a_serial_is_taken(
    dispatch: Dispatch,
) -> None:
    private = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(vehicle=vehicle_block(dispatch, purpose="private")),
        headers=dispatch.dispatcher(),
    )
    assert private.status_code == 422
    assert private.json()["error"]["code"] == "FL-2"
    assert private.json()["error"]["field"] == "vehicle.purpose"
    past = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(
            vehicle=vehicle_block(dispatch, needed_at=(START - timedelta(hours=1)).isoformat())
        ),
        headers=dispatch.dispatcher(),
    )
    assert past.status_code == 422 and past.json()["error"]["field"] == "vehicle.needed_at"
    unknown = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(vehicle=vehicle_block(dispatch, driver_id="drv-07")),
        headers=dispatch.dispatcher(),
    )
    assert unknown.status_code == 422 and "vehicle.driver_id" in unknown.text
    assert await dispatch.stream("work-order-serials-site-a") == []


async def test_wo11_request_a_vehicle_for_an_open_order_by_role(dispatch: Dispatch) -> None:
    wo_id = (await dispatch.issue())["work_order_id"]
    path = f"/work-orders/{wo_id}/vehicle-requests"
    block = {"purpose": "delivery"}
    engineer = await dispatch.client.post(path, json=block, headers=dispatch.assignee())
    assert engineer.status_code == 403
    elsewhere = await dispatch.client.post(
        path, json=block, headers=dispatch.auth("d-b", "dispatcher", "site-b")
    )
    assert elsewhere.status_code == 404  # another site's order does not leak
    asked = await dispatch.client.post(path, json=block, headers=dispatch.dispatcher())
    assert asked.status_code == 200, asked.text
    assert asked.json()["vehicle"]["destination"] == "Block 3, unit 1202, kitchen"
    twice = await dispatch.client.post(path, json=block, headers=dispatch.dispatcher())
    assert twice.status_code == 422 and twice.json()["error"]["code"] == "WO-11"


async def test_wo11_fleets_trip_and_refusal_show_on_the_order_board_and_history(
    dispatch: Dispatch,
) -> None:
    first = (await dispatch.issue(vehicle=vehicle_block(dispatch)))["work_order_id"]
    second = (await dispatch.issue(vehicle=vehicle_block(dispatch)))["work_order_id"]
    trip = VehicleRequestFulfilled(
        work_order_id=first,
        request_id=f"{first}-vehicle-1",
        trip_id=f"trip-{first}-vehicle-1",
        vehicle_id="veh-1",
        plate="闽A·10001",
        driver_id="drv-07",
    )
    no_vehicle = VehicleRequestRefused(
        work_order_id=second,
        request_id=f"{second}-vehicle-1",
        rule="FL-2",
        reason="No vehicle is available at site-a",
    )
    assert await answer(dispatch, trip, 0) == Outcome.HANDLED
    assert await answer(dispatch, no_vehicle, 1) == Outcome.HANDLED

    shown = (await dispatch.client.get(f"/work-orders/{first}", headers=dispatch.lead())).json()
    assert shown["vehicle"]["status"] == "dispatched"
    assert (shown["vehicle"]["trip_id"], shown["vehicle"]["plate"]) == (trip.trip_id, trip.plate)
    assert shown["vehicle"]["driver_id"] == "drv-07"
    refusal = (await dispatch.client.get(f"/work-orders/{second}", headers=dispatch.lead())).json()
    assert refusal["vehicle"]["status"] == "refused"
    assert refusal["vehicle"]["reason"] == "No vehicle is available at site-a"
    assert refusal["vehicle"]["rule"] == "FL-2"

    await dispatch.service.read_models.catch_up()
    board = await dispatch.client.get(
        "/work-orders", params={"site_id": SITE}, headers=dispatch.dispatcher()
    )
    rows = {r["work_order_id"]: r["vehicle"] for r in board.json()}
    assert rows[first] == shown["vehicle"]
    assert rows[second] == refusal["vehicle"]

    history = (
        await dispatch.client.get(f"/work-orders/{first}/history", headers=dispatch.lead())
    ).json()
    assert [h["event_type"] for h in history] == [
        "WorkOrderIssued",
        "VehicleRequested",
        "WorkOrderVehicleDispatched",
    ]
    recorded = history[-1]
    assert recorded["actor"] == "system:dispatch.vehicles"
    assert recorded["correlation_id"] == "corr-flow-3"
    assert recorded["payload"]["trip_id"] == trip.trip_id

    # The dispatcher asks again after the refusal; the new request is the order's second.
    again = await dispatch.client.post(
        f"/work-orders/{second}/vehicle-requests",
        json={"purpose": "official_business"},
        headers=dispatch.dispatcher(),
    )
    assert again.json()["vehicle"]["request_id"] == f"{second}-vehicle-2"
    assert again.json()["vehicle"]["status"] == "requested"

    service = dispatch.service
    await service.read_models.catch_up()
    assert (
        await verify_read_models(
            service.runtime.engine,
            service.runtime.store,
            service.catalog,
            service.read_models.projections,
        )
        == []
    )


async def test_fl2_rev2_the_board_shows_the_request_waiting_for_the_director(
    dispatch: Dispatch,
) -> None:
    wo_id = (await dispatch.issue(vehicle=vehicle_block(dispatch)))["work_order_id"]
    waiting = referred(f"{wo_id}-vehicle-1").model_copy(update={"work_order_id": wo_id})
    assert await answer(dispatch, waiting, 0) == Outcome.HANDLED
    shown = (await dispatch.client.get(f"/work-orders/{wo_id}", headers=dispatch.lead())).json()
    assert shown["vehicle"]["status"] == "awaiting_director"
    await dispatch.service.read_models.catch_up()
    board = await dispatch.client.get(
        "/work-orders", params={"site_id": SITE}, headers=dispatch.dispatcher()
    )
    assert [r["vehicle"]["status"] for r in board.json()] == ["awaiting_director"]


async def test_wo11_answers_that_are_not_ours_change_nothing(dispatch: Dispatch) -> None:
    wo_id = (await dispatch.issue(vehicle=vehicle_block(dispatch)))["work_order_id"]
    trip = VehicleRequestFulfilled(
        work_order_id=wo_id,
        request_id=f"{wo_id}-vehicle-1",
        trip_id="trip-x",
        vehicle_id="veh-1",
        plate="闽A·10001",
        driver_id="drv-07",
    )
    # Another site's envelope naming our order: not recorded.
    assert await answer(dispatch, trip, 0, site_id="site-b") == Outcome.HANDLED
    # An order that does not exist, and a request the order never made: refused, logged.
    ghost = trip.model_copy(update={"work_order_id": "WO-site-a-000999"})
    assert await answer(dispatch, ghost, 1) == Outcome.HANDLED
    stranger = trip.model_copy(update={"request_id": f"{wo_id}-vehicle-7"})
    assert await answer(dispatch, stranger, 2) == Outcome.HANDLED
    events = await dispatch.stream(f"work-order-{wo_id}")
    assert [e.event_type for e in events] == ["WorkOrderIssued", "VehicleRequested"]
    assert await dispatch.stream("work-order-WO-site-a-000999") == []
