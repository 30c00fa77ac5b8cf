"""Dispatch's work that spans streams: issuing an order and the end-of-day review."""

from typing import Any

from opsledger.pipeline import ANY_STAFF, CommandResult, UnitOfWork, Workflow

from dispatch.domain import fault_history, reporting_line, requests, review_calendar, reviews
from dispatch.domain.rules import DispatchRules
from dispatch.domain.work_order.commands import (
    DISPATCH_ROLES,
    ISSUER_ROLES,
    EscalateWorkOrder,
    IssueWorkOrder,
    NumberedIssue,
    RecordEscalation,
    RequestVehicle,
)
from dispatch.domain.work_order.decide import validate_issue
from dispatch.domain.work_order.state import site_of, stream_id, work_order_id
from dispatch.domain.work_order.vehicle import validate_need
from dispatch.views import work_orders as views
from dispatch.workflows import key_locations

# Serials: kernel numbering on `work-order-serials-<site>` (kept, so existing sites
# continue their sequence). Concurrent issuers conflict there; each retry re-reads it.
ISSUE_ATTEMPTS = 50


async def issue(uow: UnitOfWork, command: IssueWorkOrder) -> CommandResult[Any]:
    """WO-1/2/8/10/11 and CC-4 in one transaction; a refusal takes no serial number."""
    site, now = command.site_id, uow.now
    request = None
    if command.ticket_id is not None:
        request = await uow.load(requests.REQUEST, requests.stream_id(command.ticket_id))
        command = fault_history.with_requested_fault(command, request.state.received)
    validate_issue(command, now)
    if command.vehicle is not None:
        validate_need(command.vehicle, now, prefix="vehicle.")
    if command.ticket_id is not None and request is not None:
        requests.check_open(request.state, command.ticket_id, site)
    previous, fault = None, fault_history.entry_of(command, now)
    if fault is not None:
        history = await uow.load(fault_history.FAULT_HISTORY, fault.stream)
        window = uow.site.rules(DispatchRules).repeat_window
        previous = fault_history.previous_within(history.state, now, window)
    key_location = await key_locations.key_location_of(uow, command)  # WO-12, flow 4
    serial = await uow.next_number(f"work-order-serials-{site}", work_order_id(site, 0))
    wo_id = work_order_id(site, serial)
    issued = await uow.execute(NumberedIssue(command, wo_id, serial, previous, key_location))
    if key_location is not None:
        await key_locations.claim(uow, command, wo_id, key_location)
    if command.vehicle is not None:  # WO-11: fleet is asked in the same transaction
        issued = await uow.execute(RequestVehicle(wo_id, command.vehicle))
    if command.ticket_id is not None:
        await uow.execute(requests.CloseRequest(command.ticket_id, wo_id, serial))
    if fault is not None:
        await uow.execute(fault.numbered(wo_id, serial))
    # WO-7 (rev.): the order answers the review roll call from its first working day on.
    day = review_calendar.first_review_day(uow.site, now)
    roll = review_calendar.roll_call_timer(wo_id, day, review_calendar.reminder_at(uow.site, day))
    await uow.tx.schedule_timer(
        timer_id=roll.timer_id,
        kind=roll.kind,
        stream_id=stream_id(wo_id),
        site_id=site,
        due_at=roll.due_at,
        payload=roll.payload,
    )
    return issued


async def review(uow: UnitOfWork, command: reviews.ReviewEndOfDay) -> CommandResult[Any]:
    """WO-7: the board says which orders are unfinished; the review decides on them.

    The board is a read model, updated within milliseconds of each commit; a review is a
    human check, so eventual consistency is acceptable here (unlike serials and repeat
    repairs, which read streams).
    """
    day_ends = review_calendar.end_of_day(uow.site, command.day)  # WO-7 rev.: as of then
    unfinished, known = await views.review_facts(
        uow.conn, command.site_id, day_ends, command.reasons
    )
    record = reviews.RecordReview(command.site_id, command.day, command.reasons, unfinished, known)
    return await uow.execute(record)


async def escalate(uow: UnitOfWork, command: EscalateWorkOrder) -> CommandResult[Any]:
    """WO-4: the escalation is decided against the site's reporting line, read here."""
    line = await uow.load(reporting_line.REPORTING_LINE, reporting_line.stream_id(uow.site_id))
    record = RecordEscalation(
        command.work_order_id, command.escalated_to, command.reason, line.state.superiors
    )
    return await uow.execute(record)


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=IssueWorkOrder,
        numbers=("work-order-serials-",),
        roles=ISSUER_ROLES,
        site_of=lambda command: command.site_id,
        run=issue,
        attempts=ISSUE_ATTEMPTS,
    ),
    Workflow(
        command=reviews.ReviewEndOfDay,
        roles=DISPATCH_ROLES,
        site_of=lambda command: command.site_id,
        run=review,
    ),
    Workflow(
        command=EscalateWorkOrder,
        roles=ANY_STAFF,  # the decider checks that the actor is the assignee
        site_of=lambda command: site_of(command.work_order_id) or "(unknown)",
        run=escalate,
    ),
]
