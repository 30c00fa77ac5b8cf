"""Drivers and their company certificate (上崗證, FL-1)."""

from typing import Any, assert_never

from opsledger.decider import Aggregate, DecisionContext
from opsledger.pipeline import SYSTEM_ONLY, roles
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import (
    DriverCertificateRevoked,
    DriverCertified,
    DriverReinstated,
    DriverSuspended,
)

from fleet.domain.common import refuse
from fleet.domain.drivers.commands import (
    AssignDriverToTrip,
    BookDriver,
    CertifyDriver,
    DriverCommand,
    ReinstateDriver,
    RevokeCertificate,
    SuspendDriver,
)
from fleet.domain.drivers.events import (
    PRIVATE_EVENTS,
    DriverAssignedToTrip,
    DriverBookedForRequest,
)
from fleet.domain.drivers.state import DriverState, certification_problem, evolve
from fleet.domain.sites import site_of_stream

__all__ = [
    "DRIVER",
    "PRIVATE_EVENTS",
    "AssignDriverToTrip",
    "BookDriver",
    "DriverState",
    "certification_problem",
    "driver_stream",
]


def driver_stream(driver_id: str) -> str:
    return f"driver-{driver_id}"


def decide(state: DriverState, command: DriverCommand, ctx: DecisionContext) -> list[EventPayload]:
    match command:
        case CertifyDriver():
            if command.valid_to < command.valid_from:
                refuse("FL-1", "the certificate's valid_to is before valid_from", "valid_to")
            if state.revoked and command.certificate_no == state.certificate_no:
                refuse(
                    "FL-1",
                    "a revoked certificate is not reissued: give a new number",
                    "certificate_no",
                )
            return [
                DriverCertified(
                    driver_id=command.driver_id,
                    name=command.name,
                    certificate_no=command.certificate_no,
                    valid_from=command.valid_from,
                    valid_to=command.valid_to,
                )
            ]
        case SuspendDriver():
            if state.revoked or state.suspended:
                refuse("FL-1", f"driver {state.driver_id} is already suspended or revoked")
            return [DriverSuspended(driver_id=state.driver_id, reason=command.reason)]
        case ReinstateDriver():
            if not state.suspended:
                refuse("FL-1", f"driver {state.driver_id} is not suspended")
            return [DriverReinstated(driver_id=state.driver_id, reason=command.reason)]
        case RevokeCertificate():
            if state.revoked:
                refuse("FL-1", f"driver {state.driver_id}'s certificate is already revoked")
            return [DriverCertificateRevoked(driver_id=state.driver_id, reason=command.reason)]
        case AssignDriverToTrip():
            trip = {"vehicle_id": command.vehicle_id, "trip_id": command.trip_id}
            return [DriverAssignedToTrip(driver_id=state.driver_id, **trip)]
        case BookDriver():
            booking = {"request_id": command.request_id, "needed_at": command.needed_at}
            return [DriverBookedForRequest(driver_id=state.driver_id, **booking)]
        case _:
            assert_never(command)


def _stream_id(command: Any) -> str:
    return driver_stream(command.driver_id)


DRIVER: Aggregate[DriverState, DriverCommand] = Aggregate(
    stream_type="Driver",
    stream_prefix="driver-",
    initial=DriverState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        CertifyDriver: (roles("fleet_office", "fleet_captain"), decide),
        SuspendDriver: (roles("fleet_office", "fleet_captain", "depot_director"), decide),
        ReinstateDriver: (roles("fleet_office", "fleet_captain"), decide),
        RevokeCertificate: (roles("fleet_office"), decide),
        AssignDriverToTrip: (SYSTEM_ONLY, decide),  # by DispatchTrip and the flow-3 answer
        BookDriver: (SYSTEM_ONLY, decide),  # by DispatchRequestedTrip, for a later time
    },
    site_of=site_of_stream,
    creates=frozenset({CertifyDriver}),
)
