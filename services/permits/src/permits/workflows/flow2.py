"""Flow 2 (CC-10, RP-12 rev.2) and the works record's opening and closing, which span a
permit's works stream and its unit's complaints stream.

A renovation complaint (callcenter's `TicketOpened`) is linked to the unit's active
permit, found on the unit's stream and confirmed on the permit's works stream (never a
read model: they lag), and asks dispatch for an inspection; without an active permit it
is recorded as suspected unpermitted works and is inspected all the same.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from opsledger.pipeline import SYSTEM_ONLY, CommandResult, UnitOfWork, Workflow

from permits.domain import complaints
from permits.domain.conduct import WORKS, works_stream
from permits.domain.conduct.commands import CloseWorks, LinkComplaint, OpenWorks
from permits.domain.permit import PERMIT, permit_stream

# Where the rules are silent: the inspection is asked for within a day of the complaint
# (CC-3's first-response day); the dispatcher may set a nearer reply-by when issuing.
INSPECTION_WITHIN: Final = timedelta(hours=24)


@dataclass(frozen=True)
class OpenWorksRecord:
    """The permit's works started (from the permit's own published event); the
    contractor is read from the permit's stream (names are not published)."""

    site_id: str
    permit_id: str
    unit_id: str
    started_at: datetime


@dataclass(frozen=True)
class CloseWorksRecord:
    """The permit's works ended (finished, accepted or withdrawn)."""

    site_id: str
    permit_id: str
    reason: str


@dataclass(frozen=True)
class ReceiveRenovationComplaint:
    """A renovation complaint about a unit, from callcenter (CC-10)."""

    site_id: str
    ticket_id: str
    unit_id: str
    content: str


def inspection_id(ticket_id: str) -> str:
    return f"INS-{ticket_id}"


async def open_record(uow: UnitOfWork, command: OpenWorksRecord) -> CommandResult[Any]:
    permit = (await uow.load(PERMIT, permit_stream(command.permit_id))).state
    opened = await uow.execute(
        OpenWorks(
            command.site_id,
            command.permit_id,
            command.unit_id,
            permit.contractor,
            command.started_at,
        )
    )
    note = complaints.NoteWorks(command.site_id, command.unit_id, command.permit_id, True)
    await uow.execute(note)
    return opened


async def close_record(uow: UnitOfWork, command: CloseWorksRecord) -> CommandResult[Any]:
    works = (await uow.load(WORKS, works_stream(command.permit_id))).state
    closed = await uow.execute(CloseWorks(command.permit_id, command.reason))
    if works.unit_id:
        note = complaints.NoteWorks(command.site_id, works.unit_id, command.permit_id, False)
        await uow.execute(note)
    return closed


async def active_permit(uow: UnitOfWork, site_id: str, unit_id: str) -> str | None:
    """The unit's permit with active works, confirmed on its works stream."""
    unit = await uow.load(
        complaints.UNIT_COMPLAINTS, complaints.unit_complaints_stream(site_id, unit_id)
    )
    for permit_id in reversed(unit.state.active_permits):
        works = (await uow.load(WORKS, works_stream(permit_id))).state
        if works.open and works.site_id == site_id and works.unit_id == unit_id:
            return permit_id
    return None


async def receive_complaint(
    uow: UnitOfWork, command: ReceiveRenovationComplaint
) -> CommandResult[Any]:
    inspection = inspection_id(command.ticket_id)
    permit_id = await active_permit(uow, command.site_id, command.unit_id)
    if permit_id is not None:  # RP-12 rev.2: linked, not a violation
        await uow.execute(LinkComplaint(permit_id, command.ticket_id, command.unit_id, inspection))
    request = complaints.RequestInspection(
        site_id=command.site_id,
        unit_id=command.unit_id,
        ticket_id=command.ticket_id,
        inspection_id=inspection,
        permit_id=permit_id,
        content=command.content,
        reply_by=uow.now + INSPECTION_WITHIN,
    )
    return await uow.execute(request)


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=OpenWorksRecord,
        roles=SYSTEM_ONLY,
        site_of=lambda command: command.site_id,
        run=open_record,
    ),
    Workflow(
        command=CloseWorksRecord,
        roles=SYSTEM_ONLY,
        site_of=lambda command: command.site_id,
        run=close_record,
    ),
    Workflow(
        command=ReceiveRenovationComplaint,
        roles=SYSTEM_ONLY,
        site_of=lambda command: command.site_id,
        run=receive_complaint,
    ),
]
