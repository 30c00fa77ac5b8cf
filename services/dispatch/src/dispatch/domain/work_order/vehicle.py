"""WO-11: an order that needs a vehicle asks fleet for one (flow 3); fleet's answer is
recorded on the order.

`RequestVehicle` (a dispatcher, or the issue workflow when the order says it needs a
vehicle) → `VehicleRequested` on the order's stream, which fleet consumes. Fleet answers
that the request waits for the depot director (FL-2 rev.2), maybe that the director
reserved a vehicle for later, then with `VehicleRequestFulfilled` or
`VehicleRequestRefused` (each naming the order and the request); the inbound policy
turns each into `RecordVehicleAnswer` → dispatch's `WorkOrderVehicleAwaitingDirector`,
`WorkOrderVehicleReserved`, `WorkOrderVehicleDispatched` / `WorkOrderVehicleRefused`.
Pure: time and actor come from the `DecisionContext`.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload
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
    VehicleRequestReserved,
)

from dispatch.domain.work_order.commands import RecordVehicleAnswer, RequestVehicle, VehicleNeed
from dispatch.domain.work_order.state import VEHICLE_ANSWERED, VEHICLE_REQUESTED, WorkOrderState

# FL-2: vehicles are for delivery and official business only (the contract's values).
PURPOSES: Final = ("delivery", "official_business")
BUSINESS_MAX: Final = 500  # VehicleRequested.business
DESTINATION_MAX: Final = 200  # VehicleRequested.destination

__all__ = ["COMMANDS", "PURPOSES", "decide", "request_id", "validate_need"]


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def validate_need(need: VehicleNeed, now: datetime, prefix: str = "") -> None:
    """The checks that need no stored state; `prefix` names the body block ("vehicle.").

    Run by the issue workflow before a serial number is taken, and again by the decision.
    """
    if _blank(need.purpose):
        raise DomainError(
            "WO-11",
            f"a vehicle request names its purpose: one of {', '.join(PURPOSES)}",
            field=f"{prefix}purpose",
        )
    if need.purpose not in PURPOSES:
        raise DomainError(
            "FL-2",
            f"vehicles are for delivery and official business only ({', '.join(PURPOSES)}), "
            f"not {need.purpose!r}",
            field=f"{prefix}purpose",
        )
    for name, limit in (("business", BUSINESS_MAX), ("destination", DESTINATION_MAX)):
        value = getattr(need, name)
        if value is not None and len(value.strip()) > limit:
            raise DomainError(
                "WO-11", f"{name} is longer than {limit} characters", field=f"{prefix}{name}"
            )
    if need.needed_at is not None:
        if need.needed_at.tzinfo is None:
            raise DomainError(
                "WO-11", "needed_at needs a time zone (e.g. ...Z)", field=f"{prefix}needed_at"
            )
        if need.needed_at < now:
            raise DomainError(
                "WO-11",
                f"needed_at {need.needed_at.isoformat()} is in the past",
                field=f"{prefix}needed_at",
            )


def request_id(state: WorkOrderState) -> str:
    """`<work order id>-vehicle-<n>`: unique per request, n counting the order's requests."""
    return f"{state.work_order_id}-vehicle-{len(state.vehicle_requests) + 1}"


def _request(
    state: WorkOrderState, command: RequestVehicle, ctx: DecisionContext
) -> list[EventPayload]:
    if state.completed:
        raise DomainError(
            "WO-11",
            f"cannot request a vehicle for work order {state.work_order_id}: it is {state.status}",
        )
    waiting = [r.request_id for r in state.vehicle_requests if r.status not in VEHICLE_ANSWERED]
    if waiting:
        raise DomainError(
            "WO-11",
            f"vehicle request {waiting[-1]} of {state.work_order_id} is waiting for fleet's answer",
        )
    need = command.need
    validate_need(need, ctx.now)
    assert need.purpose == "delivery" or need.purpose == "official_business"
    business = (need.business or "").strip() or f"Work order {state.work_order_id}: {state.content}"
    destination = (need.destination or "").strip() or state.location
    return [
        VehicleRequested(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            request_id=request_id(state),
            purpose=need.purpose,
            business=business[:BUSINESS_MAX],
            destination=destination[:DESTINATION_MAX],
            needed_at=(need.needed_at or ctx.now).astimezone(UTC),
        )
    ]


def _answer(
    state: WorkOrderState, command: RecordVehicleAnswer, ctx: DecisionContext
) -> list[EventPayload]:
    answer = command.answer
    requested = {r.request_id: r for r in state.vehicle_requests}.get(answer.request_id)
    if requested is None:
        raise DomainError(
            "WO-11",
            f"work order {state.work_order_id} has no vehicle request {answer.request_id}",
        )
    if requested.status in VEHICLE_ANSWERED:
        return []  # answered already: fleet answers a request once
    ids = {
        "work_order_id": state.work_order_id,
        "serial_no": state.serial_no,
        "ticket_id": state.ticket_id,
        "request_id": answer.request_id,
    }
    if isinstance(answer, VehicleRequestReferredToDirector):
        if requested.status != VEHICLE_REQUESTED:
            return []  # the director has it already (a redelivery)
        return [WorkOrderVehicleAwaitingDirector(**ids)]  # FL-2 rev.2
    if isinstance(answer, VehicleRequestReserved):
        pair = {"vehicle_id": answer.vehicle_id, "plate": answer.plate}
        return [WorkOrderVehicleReserved(**ids, **pair, driver_id=answer.driver_id)]
    if isinstance(answer, VehicleRequestFulfilled):
        return [
            WorkOrderVehicleDispatched(
                **ids,
                trip_id=answer.trip_id,
                vehicle_id=answer.vehicle_id,
                plate=answer.plate,
                driver_id=answer.driver_id,
            )
        ]
    return [WorkOrderVehicleRefused(**ids, rule=answer.rule, reason=answer.reason)]


_HANDLERS: dict[type[Any], Callable[[WorkOrderState, Any, DecisionContext], list[EventPayload]]] = {
    RequestVehicle: _request,
    RecordVehicleAnswer: _answer,
}
COMMANDS: Final = tuple(_HANDLERS)


def decide(
    state: WorkOrderState, command: RequestVehicle | RecordVehicleAnswer, ctx: DecisionContext
) -> Sequence[EventPayload]:
    """The events a WO-11 command leads to, or a DomainError naming the rule."""
    return _HANDLERS[type(command)](state, command, ctx)
