"""Issuing an order (WO-1, WO-2, WO-10): validation before a number is taken, then the events."""

from datetime import UTC, datetime

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.dispatch import (
    RepeatRepairFlagged,
    WorkOrderIssued,
)

from dispatch.domain.rules import DispatchRules
from dispatch.domain.work_order.checks import (
    blank,
    require_fault_code_of_repairs,
)
from dispatch.domain.work_order.commands import (
    ASSIGNEE_ROLES,
    IssueWorkOrder,
    NumberedIssue,
)
from dispatch.domain.work_order.state import (
    WorkOrderState,
)


def validate_issue(command: IssueWorkOrder, now: datetime) -> None:
    """WO-1 and WO-2 checks that need no stored state; raises DomainError.

    Runs before the serial number is taken, so a refused order never consumes one.
    """
    mandatory = {
        "location": command.location,
        "content": command.content,
        "requirements": command.requirements,
    }
    missing = [name for name, value in mandatory.items() if blank(value)]
    if command.reply_by is None:
        missing.insert(3, "reply_by")
    if missing:
        raise DomainError(
            "WO-1",
            f"a work order cannot be issued without: {', '.join(missing)} (missing or blank)",
            field=",".join(missing),
        )
    assert command.reply_by is not None
    if command.reply_by.tzinfo is None:
        raise DomainError("WO-1", "reply_by needs a time zone (e.g. ...Z)", field="reply_by")
    if command.reply_by <= now:
        raise DomainError(
            "WO-1",
            f"reply_by {command.reply_by.isoformat()} is not in the future",
            field="reply_by",
        )
    wo2_missing = [
        name
        for name, value in (
            ("assignee", command.assignee),
            ("assignee_role", command.assignee_role),
        )
        if blank(value)
    ]
    if wo2_missing:
        raise DomainError(
            "WO-2",
            f"a work order names its assignee: missing or blank: {', '.join(wo2_missing)}",
            field=",".join(wo2_missing),
        )
    if command.assignee_role not in ASSIGNEE_ROLES:
        raise DomainError(
            "WO-2",
            f"assignee_role {command.assignee_role!r} may not receive work orders; one of: "
            f"{', '.join(sorted(ASSIGNEE_ROLES))}",
            field="assignee_role",
        )
    require_fault_code_of_repairs(command)


def issue(
    state: WorkOrderState, numbered: NumberedIssue, ctx: DecisionContext
) -> list[EventPayload]:
    if state.exists:
        raise DomainError("WO-8", f"work order {numbered.work_order_id} exists already")
    command = numbered.command
    validate_issue(command, ctx.now)
    assert command.reply_by is not None and command.assignee and command.assignee_role
    issued = WorkOrderIssued(
        work_order_id=numbered.work_order_id,
        serial_no=numbered.serial_no,
        ticket_id=command.ticket_id,
        issuer=ctx.actor,
        location=(command.location or "").strip(),
        content=(command.content or "").strip(),
        requirements=(command.requirements or "").strip(),
        reply_by=command.reply_by.astimezone(UTC),
        assignee=command.assignee.strip(),
        assignee_role=command.assignee_role,
        asset_id=command.asset_id,
        fault_code=command.fault_code,
        repair_class=command.repair_class,  # checked: require_fault_code_of_repairs
        key_location_id=numbered.key_location_id,
        second_assignee=command.second_assignee if numbered.key_location_id else None,
    )
    events: list[EventPayload] = [issued]
    if numbered.previous_work_order_id is not None:
        events.append(
            RepeatRepairFlagged(
                work_order_id=numbered.work_order_id,
                serial_no=numbered.serial_no,
                ticket_id=command.ticket_id,
                previous_work_order_id=numbered.previous_work_order_id,
                window_days=ctx.rules(DispatchRules).repeat_repair_window_days,
            )
        )
    return events
