"""WO-12 (flow 4): an order at a key secrecy location goes to two people, both cleared for
it, checked on the streams the registry's events are recorded on — at issue, and again
when each checks in there (rev.2: both assigned, both checked in)."""

from typing import Any

from opsledger.errors import DomainError
from opsledger.pipeline import ANY_STAFF, CommandResult, UnitOfWork, Workflow

from dispatch.domain.clearances import (
    CLEARANCE,
    ClaimForKeyLocation,
    clearance_stream,
    not_cleared,
)
from dispatch.domain.key_locations import KEY_LOCATION, key_location_stream
from dispatch.domain.work_order import WORK_ORDER
from dispatch.domain.work_order.commands import IssueWorkOrder
from dispatch.domain.work_order.key_location import (
    CheckInAtKeyLocation,
    RecordKeyLocationCheckIn,
    the_two,
)
from dispatch.domain.work_order.state import site_of, stream_id


async def key_location_of(uow: UnitOfWork, command: IssueWorkOrder) -> str | None:
    """The key location the order is at (its `location` is a registered key location's id),
    after checking WO-12; None for an ordinary location. Raises the WO-12 refusal."""
    location_id = (command.location or "").strip()
    if not location_id or len(location_id) > 64:
        return None
    location = await uow.load(KEY_LOCATION, key_location_stream(location_id))
    if location.version == 0 or location.state.site_id != uow.site_id:
        return None
    first, second = (command.assignee or "").strip(), (command.second_assignee or "").strip()
    if not second:
        raise DomainError(
            "WO-12",
            f"{location_id} is a key secrecy location: name a second_assignee (two people)",
            field="second_assignee",
        )
    if second == first:
        raise DomainError(
            "WO-12",
            "the two people at a key location are two different people",
            field="second_assignee",
        )
    day = uow.site.local_date(uow.now)
    for field, person in (("assignee", first), ("second_assignee", second)):
        clearance = await uow.load(CLEARANCE, clearance_stream(person))
        state = clearance.state if clearance.version else None
        problem = not_cleared(state, location_id, location.state.entry_list, uow.site_id, day)
        if problem is not None:
            raise DomainError("WO-12", f"{person} {problem}", field=field)
    return location_id


async def claim(uow: UnitOfWork, command: IssueWorkOrder, wo_id: str, location_id: str) -> None:
    """Record each person's assignment on their clearance stream, at the version read, so
    a clearance ending concurrently conflicts with this issue instead of slipping past."""
    for person in (command.assignee, command.second_assignee):
        assert person is not None
        await uow.execute(ClaimForKeyLocation(person.strip(), wo_id, location_id))


async def check_in(uow: UnitOfWork, command: CheckInAtKeyLocation) -> CommandResult[Any]:
    """WO-12 rev.2: the caller checks in at the order's key location, cleared today (read
    from their clearance stream and claimed there at that version, as at issue)."""
    order = await uow.load(WORK_ORDER, stream_id(command.work_order_id))
    location_id, person = order.state.key_location_id, uow.ctx.actor
    if location_id is not None and person in the_two(order.state):
        location = await uow.load(KEY_LOCATION, key_location_stream(location_id))
        clearance = await uow.load(CLEARANCE, clearance_stream(person))
        state = clearance.state if clearance.version else None
        day = uow.site.local_date(uow.now)
        problem = not_cleared(state, location_id, location.state.entry_list, uow.site_id, day)
        if problem is not None:
            raise DomainError("WO-12", f"{person} {problem}")
    checked = await uow.execute(RecordKeyLocationCheckIn(command.work_order_id))
    assert location_id is not None  # the decider refused an order at no key location
    await uow.execute(ClaimForKeyLocation(person, command.work_order_id, location_id))
    return checked


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=CheckInAtKeyLocation,
        roles=ANY_STAFF,  # the decider checks that the caller is one of the two
        site_of=lambda command: site_of(command.work_order_id) or "(unknown)",
        run=check_in,
    ),
]
