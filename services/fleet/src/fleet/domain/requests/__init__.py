"""Fleet's answer to each vehicle request of a work order (WO-11, flow 3): once per request."""

from dataclasses import dataclass
from typing import Any, assert_never

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import VehicleRequestFulfilled, VehicleRequestRefused

__all__ = [
    "VEHICLE_REQUEST",
    "FulfilRequest",
    "RefuseRequest",
    "VehicleRequestState",
    "request_stream",
]


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
class VehicleRequestState:
    request_id: str = ""
    site_id: str = ""
    outcome: str = ""  # fulfilled | refused
    trip_id: str | None = None


def request_stream(request_id: str) -> str:
    return f"vehicle-request-{request_id}"


def evolve(state: VehicleRequestState, event: Event) -> VehicleRequestState:
    match event.payload:
        case VehicleRequestFulfilled() as e:
            return changed(
                state,
                request_id=e.request_id,
                site_id=event.site_id,
                outcome="fulfilled",
                trip_id=e.trip_id,
            )
        case VehicleRequestRefused() as e:
            return changed(state, request_id=e.request_id, site_id=event.site_id, outcome="refused")
    return state


def decide(
    state: VehicleRequestState, command: FulfilRequest | RefuseRequest, ctx: DecisionContext
) -> list[EventPayload]:
    if state.outcome:
        return []  # answered already (a redelivered request): nothing new
    match command:
        case FulfilRequest():
            return [
                VehicleRequestFulfilled(
                    work_order_id=command.work_order_id,
                    request_id=command.request_id,
                    trip_id=command.trip_id,
                    vehicle_id=command.vehicle_id,
                    plate=command.plate,
                    driver_id=command.driver_id,
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
        case _:
            assert_never(command)


def _stream_id(command: Any) -> str:
    return request_stream(command.request_id)


VEHICLE_REQUEST: Aggregate[VehicleRequestState, FulfilRequest | RefuseRequest] = Aggregate(
    stream_type="VehicleRequest",
    stream_prefix="vehicle-request-",
    initial=VehicleRequestState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={FulfilRequest: (SYSTEM_ONLY, decide), RefuseRequest: (SYSTEM_ONLY, decide)},
    creates=frozenset({FulfilRequest, RefuseRequest}),
)
