"""Flow 2 (CC-10, RP-12 rev.2) on the unit's side, stream `unit-complaints-<site>-<unit>`:
every renovation complaint about the unit asks dispatch for an inspection
(`InspectionRequested`, published); without an active permit it is suspected unpermitted
works, and the inspector's finding is recorded here (with a permit, on the permit).

The stream also keeps which permit's works are active at the unit (private events,
written with the works record's opening and closing), so linking a complaint reads
streams, never a read model that may lag."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, assert_never

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from opsledger_contracts.events.permits_conduct import (
    InspectionEvent,
    InspectionRequested,
    UnpermittedWorksInspected,
    UnpermittedWorksSuspected,
)
from pydantic import Field


class UnitWorksStarted(InspectionEvent):
    """The works of a permit for the unit started (private)."""

    event_type: ClassVar[str] = "UnitWorksStarted"

    permit_id: str = Field(min_length=1, max_length=64)


class UnitWorksEnded(InspectionEvent):
    """The works of a permit for the unit ended (private)."""

    event_type: ClassVar[str] = "UnitWorksEnded"

    permit_id: str = Field(min_length=1, max_length=64)


PRIVATE_EVENTS = (UnitWorksStarted, UnitWorksEnded)


@dataclass(frozen=True)
class NoteWorks:
    """The works record of `permit_id` opened (`started`) or closed at the unit."""

    site_id: str
    unit_id: str
    permit_id: str
    started: bool


@dataclass(frozen=True)
class RequestInspection:
    """A renovation complaint (from callcenter's `TicketOpened`) becomes an inspection."""

    site_id: str
    unit_id: str
    ticket_id: str
    inspection_id: str
    permit_id: str | None
    content: str
    reply_by: datetime


@dataclass(frozen=True)
class RecordUnpermittedFinding:
    """Dispatch's finding for an inspection of a unit without an active permit."""

    site_id: str
    unit_id: str
    inspection_id: str
    work_order_id: str
    inspector: str
    works_found: bool
    finding: str


ComplaintCommand = NoteWorks | RequestInspection | RecordUnpermittedFinding


@dataclass(frozen=True)
class UnitComplaintsState:
    site_id: str = ""
    active_permits: tuple[str, ...] = ()  # permits whose works are active at the unit
    inspections: tuple[str, ...] = ()  # asked
    suspected: tuple[str, ...] = ()  # inspections of suspected unpermitted works
    findings: tuple[str, ...] = ()  # inspections whose finding is recorded


def evolve(state: UnitComplaintsState, event: Event) -> UnitComplaintsState:
    state = changed(state, site_id=state.site_id or event.site_id)
    match event.payload:
        case UnitWorksStarted() as e:
            return changed(state, active_permits=(*state.active_permits, e.permit_id))
        case UnitWorksEnded() as e:
            active = tuple(p for p in state.active_permits if p != e.permit_id)
            return changed(state, active_permits=active)
        case InspectionRequested() as e:
            return changed(state, inspections=(*state.inspections, e.inspection_id))
        case UnpermittedWorksSuspected() as e:
            return changed(state, suspected=(*state.suspected, e.inspection_id))
        case UnpermittedWorksInspected() as e:
            return changed(state, findings=(*state.findings, e.inspection_id))
    return state


def decide(
    state: UnitComplaintsState, command: ComplaintCommand, ctx: DecisionContext
) -> Sequence[EventPayload]:
    match command:
        case NoteWorks():
            if (command.permit_id in state.active_permits) == command.started:
                return []  # already noted (a redelivery)
            kind = UnitWorksStarted if command.started else UnitWorksEnded
            return [kind(unit_id=command.unit_id, permit_id=command.permit_id)]
        case RequestInspection():
            if command.inspection_id in state.inspections:
                return []  # a redelivered complaint
            events: list[EventPayload] = []
            if command.permit_id is None:
                events.append(
                    UnpermittedWorksSuspected(
                        unit_id=command.unit_id,
                        ticket_id=command.ticket_id,
                        inspection_id=command.inspection_id,
                    )
                )
            what = "suspected unpermitted works" if command.permit_id is None else "renovation"
            events.append(
                InspectionRequested(
                    unit_id=command.unit_id,
                    inspection_id=command.inspection_id,
                    ticket_id=command.ticket_id,
                    permit_id=command.permit_id,
                    suspected_unpermitted=command.permit_id is None,
                    location=f"Unit {command.unit_id}",
                    content=f"Renovation complaint ({what}): {command.content}"[:2000],
                    requirements="Inspect the works and record the finding (RP-12)",
                    reply_by=command.reply_by,
                )
            )
            return events
        case RecordUnpermittedFinding():
            if command.inspection_id in state.findings:
                return []  # a redelivered finding
            return [
                UnpermittedWorksInspected(
                    unit_id=command.unit_id,
                    inspection_id=command.inspection_id,
                    work_order_id=command.work_order_id,
                    inspector=command.inspector,
                    works_found=command.works_found,
                    finding=command.finding,
                )
            ]
        case _:
            assert_never(command)


def unit_complaints_stream(site_id: str, unit_id: str) -> str:
    return f"unit-complaints-{site_id}-{unit_id}"


def _stream_id(command: Any) -> str:
    return unit_complaints_stream(command.site_id, command.unit_id)


UNIT_COMPLAINTS: Aggregate[UnitComplaintsState, ComplaintCommand] = Aggregate(
    stream_type="UnitComplaints",
    stream_prefix="unit-complaints-",
    initial=UnitComplaintsState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        NoteWorks: (SYSTEM_ONLY, decide),
        RequestInspection: (SYSTEM_ONLY, decide),
        RecordUnpermittedFinding: (SYSTEM_ONLY, decide),
    },
    creates=frozenset({NoteWorks, RequestInspection, RecordUnpermittedFinding}),
)
