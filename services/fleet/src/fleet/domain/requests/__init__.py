"""A vehicle request of a work order (WO-11, flow 3) as the depot director decides it.

FL-2 rev.2: only the director dispatches. A request is referred to the director with a
suggested vehicle and driver; the director reserves them for a later time, dispatches
the trip (the `DispatchRequestedTrip` workflow) or refuses with a reason.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, assert_never

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.pipeline import SYSTEM_ONLY, roles
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import (
    VehicleRequestEvent,
    VehicleRequestFulfilled,
    VehicleRequestReferredToDirector,
    VehicleRequestRefused,
    VehicleRequestReserved,
)

from fleet.domain.common import refuse

__all__ = [
    "AWAITING",
    "FULFILLED",
    "REFUSED",
    "RESERVED",
    "VEHICLE_REQUEST",
    "DeclineRequest",
    "FulfilRequest",
    "ReferRequest",
    "RefuseRequest",
    "ReserveRequest",
    "VehicleRequestState",
    "request_stream",
]

AWAITING: Final = "awaiting_director"
RESERVED: Final = "reserved"
FULFILLED: Final = "dispatched"
REFUSED: Final = "refused"


@dataclass(frozen=True)
class ReferRequest:
    """Dispatch's request, with what is free now, waits for the director (inbound)."""

    site_id: str
    work_order_id: str
    request_id: str
    purpose: str
    business: str
    destination: str
    needed_at: datetime
    suggested_vehicle_id: str | None
    suggested_driver_id: str | None


@dataclass(frozen=True)
class ReserveRequest:
    """The director books a vehicle and driver for the later time (run by the workflow)."""

    request_id: str
    vehicle_id: str
    plate: str
    driver_id: str


@dataclass(frozen=True)
class FulfilRequest:
    site_id: str
    work_order_id: str
    request_id: str
    trip_id: str
    vehicle_id: str
    plate: str
    driver_id: str


@dataclass(frozen=True)
class RefuseRequest:
    site_id: str
    work_order_id: str
    request_id: str
    rule: str
    reason: str


@dataclass(frozen=True)
class DeclineRequest:
    """The depot director refuses the request, with a reason (FL-2 rev.2)."""

    request_id: str
    reason: str


RequestCommand = ReferRequest | ReserveRequest | FulfilRequest | RefuseRequest | DeclineRequest


@dataclass(frozen=True)
class VehicleRequestState:
    request_id: str = ""
    site_id: str = ""
    work_order_id: str = ""
    status: str = ""  # awaiting_director | reserved | dispatched | refused
    purpose: str = ""
    business: str = ""
    destination: str = ""
    needed_at: datetime | None = None
    suggested_vehicle_id: str | None = None
    suggested_driver_id: str | None = None
    vehicle_id: str | None = None  # reserved or dispatched
    plate: str | None = None
    driver_id: str | None = None
    trip_id: str | None = None
    rule: str | None = None
    reason: str | None = None

    @property
    def answered(self) -> bool:
        """Dispatched or refused: nothing more happens to the request."""
        return self.status in (FULFILLED, REFUSED)


def request_stream(request_id: str) -> str:
    return f"vehicle-request-{request_id}"


def evolve(state: VehicleRequestState, event: Event) -> VehicleRequestState:
    p = event.payload
    if not isinstance(p, VehicleRequestEvent):
        return state
    state = changed(
        state, site_id=event.site_id, request_id=p.request_id, work_order_id=p.work_order_id
    )
    match p:
        case VehicleRequestReferredToDirector():
            return changed(
                state,
                status=AWAITING,
                purpose=p.purpose,
                business=p.business,
                destination=p.destination,
                needed_at=p.needed_at,
                suggested_vehicle_id=p.suggested_vehicle_id,
                suggested_driver_id=p.suggested_driver_id,
            )
        case VehicleRequestReserved():
            return changed(
                state,
                status=RESERVED,
                vehicle_id=p.vehicle_id,
                plate=p.plate,
                driver_id=p.driver_id,
            )
        case VehicleRequestFulfilled():
            return changed(
                state,
                status=FULFILLED,
                trip_id=p.trip_id,
                vehicle_id=p.vehicle_id,
                plate=p.plate,
                driver_id=p.driver_id,
            )
        case VehicleRequestRefused():
            return changed(state, status=REFUSED, rule=p.rule, reason=p.reason)
    return state


def _pair(vehicle_id: str, plate: str, driver_id: str) -> dict[str, str]:
    return {"vehicle_id": vehicle_id, "plate": plate, "driver_id": driver_id}


def decide(
    state: VehicleRequestState, command: RequestCommand, ctx: DecisionContext
) -> list[EventPayload]:
    if isinstance(command, ReferRequest) and state.status:
        return []  # referred already (a redelivered request): nothing new
    if state.answered:
        if isinstance(command, FulfilRequest | RefuseRequest):
            return []  # answered already: fleet answers a request once
        refuse("FL-2", f"vehicle request {state.request_id} is already {state.status}")
    ids = {"work_order_id": state.work_order_id, "request_id": state.request_id}
    match command:
        case ReferRequest():
            assert command.purpose in ("delivery", "official_business")
            return [
                VehicleRequestReferredToDirector(
                    work_order_id=command.work_order_id,
                    request_id=command.request_id,
                    purpose=command.purpose,
                    business=command.business,
                    destination=command.destination,
                    needed_at=command.needed_at,
                    suggested_vehicle_id=command.suggested_vehicle_id,
                    suggested_driver_id=command.suggested_driver_id,
                )
            ]
        case ReserveRequest():
            assert state.needed_at is not None
            pair = _pair(command.vehicle_id, command.plate, command.driver_id)
            return [VehicleRequestReserved(**ids, needed_at=state.needed_at, **pair)]
        case FulfilRequest():
            pair = _pair(command.vehicle_id, command.plate, command.driver_id)
            return [
                VehicleRequestFulfilled(
                    work_order_id=command.work_order_id,
                    request_id=command.request_id,
                    trip_id=command.trip_id,
                    **pair,
                )
            ]
        case RefuseRequest():
            return [
                VehicleRequestRefused(
                    work_order_id=command.work_order_id,
                    request_id=command.request_id,
                    rule=command.rule,
                    reason=command.reason[:1000],
                )
            ]
        case DeclineRequest():
            return [VehicleRequestRefused(**ids, rule="FL-2", reason=command.reason[:1000])]
        case _:
            assert_never(command)


def _stream_id(command: Any) -> str:
    return request_stream(command.request_id)


VEHICLE_REQUEST: Aggregate[VehicleRequestState, RequestCommand] = Aggregate(
    stream_type="VehicleRequest",
    stream_prefix="vehicle-request-",
    initial=VehicleRequestState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        ReferRequest: (SYSTEM_ONLY, decide),  # the inbound request
        ReserveRequest: (SYSTEM_ONLY, decide),  # run by DispatchRequestedTrip
        FulfilRequest: (SYSTEM_ONLY, decide),  # run by DispatchRequestedTrip
        RefuseRequest: (SYSTEM_ONLY, decide),
        DeclineRequest: (roles("depot_director"), decide),  # FL-2 rev.2: the director's
    },
    creates=frozenset({ReferRequest, FulfilRequest, RefuseRequest}),
)
"""Flow 3 (WO-11): dispatch's `VehicleRequested` waits for the depot director (FL-2 rev.2),
who reserves, dispatches or refuses it; each answer names the order and the request."""
