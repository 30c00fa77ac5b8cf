"""The state of one work order and how each event changes it (stream `work-order-<id>`)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from opsledger.decider import Event, changed
from opsledger_contracts.events.dispatch import (
    DispatchLedgerEntryRecorded,
    PenaltyRecorded,
    RepeatRepairFlagged,
    VehicleRequested,
    WorkOrderAccepted,
    WorkOrderArchived,
    WorkOrderCallbackRecorded,
    WorkOrderCompleted,
    WorkOrderEscalated,
    WorkOrderIssued,
    WorkOrderJudgedUnreasonable,
    WorkOrderOverdue,
    WorkOrderProgressReported,
    WorkOrderReassigned,
    WorkOrderRefusalRecorded,
    WorkOrderSignedOff,
    WorkOrderVehicleAwaitingDirector,
    WorkOrderVehicleDispatched,
    WorkOrderVehicleRefused,
    WorkOrderVehicleReserved,
)

from dispatch.domain.clearances import KeyLocationCheckedIn

STREAM_TYPE: Final = "WorkOrder"

# Lifecycle statuses. "overdue" is a flag on top of them (see WorkOrderState.overdue).
ISSUED: Final = "issued"
ESCALATED: Final = "escalated"  # handed to the superior, awaiting their acceptance
ACCEPTED: Final = "accepted"
COMPLETED: Final = "completed"
SIGNED_OFF: Final = "signed_off"
CALLED_BACK: Final = "called_back"
ARCHIVED: Final = "archived"
OPEN_STATUSES: Final = frozenset({ISSUED, ESCALATED, ACCEPTED})
STATUSES: Final = (ISSUED, ESCALATED, ACCEPTED, COMPLETED, SIGNED_OFF, CALLED_BACK, ARCHIVED)
# A vehicle request's status (WO-11): waiting for fleet, for the depot director (FL-2
# rev.2), reserved for later, then fleet's answer (dispatched or refused).
VEHICLE_REQUESTED: Final = "requested"
VEHICLE_AWAITING_DIRECTOR: Final = "awaiting_director"
VEHICLE_RESERVED: Final = "reserved"
VEHICLE_DISPATCHED: Final = "dispatched"
VEHICLE_REFUSED: Final = "refused"
VEHICLE_ANSWERED: Final = frozenset({VEHICLE_DISPATCHED, VEHICLE_REFUSED})


def stream_id(work_order_id: str) -> str:
    return f"work-order-{work_order_id}"


def work_order_id(site_id: str, serial_no: int) -> str:
    """`WO-<site>-<serial:06d>` (WO-8)."""
    return f"WO-{site_id}-{serial_no:06d}"


def site_of(work_order_id: str) -> str | None:
    """The site encoded in a work order id, or None when it is not one of ours."""
    if not work_order_id.startswith("WO-"):
        return None
    site, sep, serial = work_order_id[3:].rpartition("-")
    return site if sep and site and serial.isdigit() else None


@dataclass(frozen=True)
class Penalty:
    """One line of the penalty ledger (WO-4, WO-5, WO-9)."""

    event_id: str
    person: str
    month: str
    amount_fen: int
    rule: str
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class VehicleRequest:
    """One request to fleet for a vehicle (WO-11) and, once it came, fleet's answer."""

    request_id: str
    purpose: str
    business: str
    destination: str
    needed_at: datetime
    requested_by: str
    requested_at: datetime
    status: str = VEHICLE_REQUESTED
    trip_id: str | None = None
    vehicle_id: str | None = None
    plate: str | None = None
    driver_id: str | None = None
    rule: str | None = None  # of a refusal
    reason: str | None = None
    answered_at: datetime | None = None


@dataclass(frozen=True)
class WorkOrderState:
    """What the rules, the board and the ledger need to know about one order."""

    exists: bool = False
    work_order_id: str = ""
    serial_no: int = 0
    ticket_id: str | None = None
    site_id: str = ""
    issuer: str = ""
    assignee: str = ""
    assignee_role: str | None = None
    location: str = ""
    content: str = ""
    requirements: str = ""
    reply_by: datetime | None = None
    asset_id: str | None = None
    fault_code: str | None = None
    repair_class: str | None = None  # CC-6: urgent or minor
    key_location_id: str | None = None  # WO-12: the key secrecy location, if any
    second_assignee: str | None = None  # WO-12 rev.2
    checked_in: frozenset[str] = frozenset()  # WO-12 rev.2: who checked in at the location
    issued_at: datetime | None = None
    status: str = ""
    accepted_at: datetime | None = None
    deadline: datetime | None = None  # reply_by, or the expected time of the last report
    reported_before_deadline: bool = False
    overdue: bool = False
    escalated: bool = False
    escalated_by: str | None = None
    judged_unreasonable: bool = False
    refusals_by: frozenset[str] = frozenset()
    signed_off: bool = False
    called_back: bool = False
    repeat_of: str | None = None
    penalties: tuple[Penalty, ...] = ()
    last_progress_at: datetime | None = None
    completed_at: datetime | None = None
    first_completed_at: datetime | None = None  # WO-5 is settled by the first completion
    archived_at: datetime | None = None
    updated_at: datetime | None = None
    vehicle_requests: tuple[VehicleRequest, ...] = ()  # WO-11, oldest first

    @property
    def completed(self) -> bool:
        return self.status in (COMPLETED, SIGNED_OFF, CALLED_BACK, ARCHIVED)

    @property
    def penalties_fen(self) -> int:
        return sum(p.amount_fen for p in self.penalties)

    @property
    def vehicle(self) -> VehicleRequest | None:
        """The latest vehicle request and its answer (WO-11), if any."""
        return self.vehicle_requests[-1] if self.vehicle_requests else None


_EMPTY = WorkOrderState()


def evolve(state: WorkOrderState, event: Event) -> WorkOrderState:
    """The state after one event; every event also stamps `updated_at`."""
    return changed(_apply(state, event), updated_at=event.occurred_at)


def _apply(state: WorkOrderState, event: Event) -> WorkOrderState:
    match event.payload:
        case WorkOrderIssued() as issued:
            # A new order from the empty state: every other field keeps its default.
            return changed(
                _EMPTY,
                exists=True,
                work_order_id=issued.work_order_id,
                serial_no=issued.serial_no,
                ticket_id=issued.ticket_id,
                site_id=event.site_id,
                issuer=issued.issuer,
                assignee=issued.assignee,
                assignee_role=issued.assignee_role,
                location=issued.location,
                content=issued.content,
                requirements=issued.requirements,
                reply_by=issued.reply_by,
                asset_id=issued.asset_id,
                fault_code=issued.fault_code,
                repair_class=issued.repair_class,
                key_location_id=issued.key_location_id,
                second_assignee=issued.second_assignee,
                issued_at=event.occurred_at,
                status=ISSUED,
                deadline=issued.reply_by,
            )
        case KeyLocationCheckedIn() as checked:
            return changed(state, checked_in=state.checked_in | {checked.person_id})
        case RepeatRepairFlagged() as flagged:
            return changed(state, repeat_of=flagged.previous_work_order_id)
        case WorkOrderAccepted() as accepted:
            return changed(state, status=ACCEPTED, accepted_at=accepted.accepted_at)
        case WorkOrderEscalated() as escalated:
            return changed(
                state,
                status=ESCALATED,
                assignee=escalated.escalated_to,
                accepted_at=None,
                escalated=True,
                escalated_by=escalated.escalated_by,
            )
        case WorkOrderReassigned() as reassigned:
            return changed(
                state,
                status=ISSUED,
                assignee=reassigned.assignee,
                assignee_role=reassigned.assignee_role,
                accepted_at=None,
            )
        case WorkOrderRefusalRecorded() as refusal:
            return changed(state, refusals_by=state.refusals_by | {refusal.assignee})
        case WorkOrderProgressReported() as report:
            at = event.occurred_at
            if report.expected_by is not None:
                return changed(
                    state,
                    deadline=report.expected_by,
                    reported_before_deadline=False,
                    last_progress_at=at,
                )
            return changed(state, reported_before_deadline=True, last_progress_at=at)
        case WorkOrderOverdue():
            return changed(state, overdue=True)
        case WorkOrderCompleted():
            return changed(
                state,
                status=COMPLETED,
                signed_off=False,
                called_back=False,
                completed_at=event.occurred_at,
                first_completed_at=state.first_completed_at or event.occurred_at,
            )
        case WorkOrderSignedOff():
            return changed(state, status=SIGNED_OFF, signed_off=True)
        case WorkOrderCallbackRecorded() as callback:
            if callback.confirmed:
                return changed(state, status=CALLED_BACK, called_back=True)
            # The customer does not confirm: the work is reopened for the assignee.
            return changed(
                state, status=ACCEPTED, signed_off=False, called_back=False, completed_at=None
            )
        case WorkOrderArchived():
            return changed(state, status=ARCHIVED, archived_at=event.occurred_at)
        case WorkOrderJudgedUnreasonable():
            return changed(state, judged_unreasonable=True)
        case DispatchLedgerEntryRecorded():
            return state  # the ledger's copy of the PenaltyRecorded just before it
        case PenaltyRecorded() as penalty:
            line = Penalty(
                event_id=str(event.event_id),
                person=penalty.person,
                month=penalty.month,
                amount_fen=penalty.amount_fen,
                rule=penalty.rule,
                reason=penalty.reason,
                occurred_at=event.occurred_at,
            )
            return changed(state, penalties=(*state.penalties, line))
        case VehicleRequested() as asked:
            request = VehicleRequest(
                request_id=asked.request_id,
                purpose=asked.purpose,
                business=asked.business,
                destination=asked.destination,
                needed_at=asked.needed_at,
                requested_by=event.actor,
                requested_at=event.occurred_at,
            )
            return changed(state, vehicle_requests=(*state.vehicle_requests, request))
        case WorkOrderVehicleAwaitingDirector() as waiting:
            return _vehicle_answered(state, waiting.request_id, status=VEHICLE_AWAITING_DIRECTOR)
        case WorkOrderVehicleReserved() as booked:
            return _vehicle_answered(
                state,
                booked.request_id,
                status=VEHICLE_RESERVED,
                vehicle_id=booked.vehicle_id,
                plate=booked.plate,
                driver_id=booked.driver_id,
            )
        case WorkOrderVehicleDispatched() as trip:
            return _vehicle_answered(
                state,
                trip.request_id,
                status=VEHICLE_DISPATCHED,
                answered_at=event.occurred_at,
                trip_id=trip.trip_id,
                vehicle_id=trip.vehicle_id,
                plate=trip.plate,
                driver_id=trip.driver_id,
            )
        case WorkOrderVehicleRefused() as refused:
            return _vehicle_answered(
                state,
                refused.request_id,
                status=VEHICLE_REFUSED,
                answered_at=event.occurred_at,
                rule=refused.rule,
                reason=refused.reason,
            )
    return state


def _vehicle_answered(state: WorkOrderState, request_id: str, **answer: Any) -> WorkOrderState:
    requests = tuple(
        changed(r, **answer) if r.request_id == request_id else r for r in state.vehicle_requests
    )
    return changed(state, vehicle_requests=requests)
