"""HTTP routes of rosters, swaps and leave (CC-8, CC-9) and shift handovers (CC-8)."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter
from opsledger.fields import SiteId, SitePath, StrictDate
from opsledger.pipeline import CommandResult
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, Field

from callcenter.domain.roles import CC_ROLES
from callcenter.domain.rosters import ROSTER, SHIFT_ORDER, RosterState
from callcenter.domain.rosters import commands as c
from callcenter.entrypoints.fields import Body, Id, Month, MonthPath, Text


class AssignmentIn(Body):
    date: StrictDate
    shift: c.Shift
    staff_id: Id


class PublishRosterRequest(Body):
    site_id: SiteId
    month: Month
    assignments: Annotated[list[AssignmentIn], Field(min_length=1, max_length=5000)]


class ChangeRosterRequest(Body):
    date: StrictDate
    shift: c.Shift
    remove_staff_id: Id | None = None
    add_staff_id: Id | None = None
    reason: Text


class SwapRequest(Body):
    requester_date: StrictDate
    requester_shift: c.Shift
    counterpart: Id
    counterpart_date: StrictDate
    counterpart_shift: c.Shift
    reason: Text


class LeaveRequest(Body):
    staff_id: Id
    date: StrictDate
    shift: c.Shift
    reason: Text


class HandoverRequest(Body):
    site_id: SiteId
    date: StrictDate
    shift: c.Shift
    incoming: Annotated[str | None, Field(max_length=64)] = None
    equipment_state: Annotated[str, Field(max_length=2000)]
    open_issues: Annotated[str, Field(max_length=4000)] = ""
    staffing_changes: Annotated[str, Field(max_length=2000)] = ""


class SwapView(BaseModel):
    swap_id: str
    requester: str
    requester_date: date
    requester_shift: str
    counterpart: str
    counterpart_date: date
    counterpart_shift: str
    agreed: bool
    approved: bool


class AssignmentView(BaseModel):
    date: date
    shift: str
    staff_id: str
    on_leave: bool


class RosterView(BaseModel):
    site_id: str
    month: str
    assignments: list[AssignmentView]
    swaps: list[SwapView]

    @classmethod
    def of(cls, state: RosterState) -> "RosterView":
        entries = sorted(state.assignments, key=lambda a: (a[0], SHIFT_ORDER[a[1]], a[2]))
        return cls(
            site_id=state.site_id,
            month=state.month or "",
            assignments=[
                AssignmentView(date=d, shift=s, staff_id=who, on_leave=(d, s, who) in state.leaves)
                for d, s, who in entries
            ],
            swaps=[
                SwapView(
                    swap_id=w.swap_id,
                    requester=w.requester,
                    requester_date=w.requester_slot[0],
                    requester_shift=w.requester_slot[1],
                    counterpart=w.counterpart,
                    counterpart_date=w.counterpart_slot[0],
                    counterpart_shift=w.counterpart_slot[1],
                    agreed=w.agreed,
                    approved=w.approved,
                )
                for w in state.swaps
            ],
        )

    @classmethod
    def after(cls, result: CommandResult[Any]) -> "RosterView":
        return cls.of(result.state)


class HandoverAccepted(BaseModel):
    stream_id: str
    event_id: str


router = APIRouter(tags=["rosters"])
RosterReads = Annotated[Reader, Reads(roles=CC_ROLES)]
ROSTER_PATH = "/rosters/{site_id}/{month}"


@router.post("/rosters", status_code=201)
async def publish_roster(body: PublishRosterRequest, commands: Commands) -> RosterView:
    """The manager publishes next month's three-shift roster in advance (CC-8)."""
    entries = tuple(c.Assignment(a.date, a.shift, a.staff_id) for a in body.assignments)
    return RosterView.after(await commands.run(c.PublishRoster(body.site_id, body.month, entries)))


@router.get(ROSTER_PATH)
async def get_roster(site_id: SitePath, month: MonthPath, reads: RosterReads) -> RosterView:
    """The roster as its stream says now (swaps applied, leave marked)."""
    reads.authorize(site_id)
    return RosterView.of((await reads.load(ROSTER, c.stream_id(site_id, month))).state)


@router.post(f"{ROSTER_PATH}/changes")
async def change_roster(
    site_id: SitePath, month: MonthPath, body: ChangeRosterRequest, commands: Commands
) -> RosterView:
    """Change one roster entry; only a shift lead or manager (CC-8)."""
    command = c.ChangeRoster(
        site_id, month, body.date, body.shift, body.reason, body.remove_staff_id, body.add_staff_id
    )
    return RosterView.after(await commands.run(command))


@router.post(f"{ROSTER_PATH}/swaps", status_code=201)
async def request_swap(
    site_id: SitePath, month: MonthPath, body: SwapRequest, commands: Commands
) -> RosterView:
    """Ask a colleague to swap: they agree, the manager approves (CC-9)."""
    command = c.RequestSwap(
        site_id=site_id,
        month=month,
        requester_slot=(body.requester_date, body.requester_shift),
        counterpart=body.counterpart,
        counterpart_slot=(body.counterpart_date, body.counterpart_shift),
        reason=body.reason,
    )
    return RosterView.after(await commands.run(command))


@router.post(f"{ROSTER_PATH}/swaps/{{swap_id}}/agree")
async def agree_swap(
    site_id: SitePath, month: MonthPath, swap_id: str, commands: Commands
) -> RosterView:
    """The counterpart agrees (CC-9)."""
    return RosterView.after(await commands.run(c.AgreeSwap(site_id, month, swap_id)))


@router.post(f"{ROSTER_PATH}/swaps/{{swap_id}}/approve")
async def approve_swap(
    site_id: SitePath, month: MonthPath, swap_id: str, commands: Commands
) -> RosterView:
    """The manager approves; every CC-9 constraint is checked again (CC-9)."""
    return RosterView.after(await commands.run(c.ApproveSwap(site_id, month, swap_id)))


@router.post(f"{ROSTER_PATH}/leaves", status_code=201)
async def grant_leave(
    site_id: SitePath, month: MonthPath, body: LeaveRequest, commands: Commands
) -> RosterView:
    """Grant leave for a rostered shift; never on a swap/pay-back day or a public
    holiday (CC-9)."""
    command = c.GrantLeave(site_id, month, body.staff_id, body.date, body.shift, body.reason)
    return RosterView.after(await commands.run(command))


@router.post("/handovers", status_code=201)
async def hand_over(body: HandoverRequest, commands: Commands) -> HandoverAccepted:
    """Hand the shift over with its log; never to nobody (CC-8)."""
    fields = body.model_dump(exclude={"date", "incoming"})
    command = c.HandOverShift(day=body.date, incoming=body.incoming or "", **fields)
    (event,) = (await commands.run(command)).events
    return HandoverAccepted(stream_id=event.stream_id, event_id=str(event.event_id))
