"""Flow 2: the inspector's finding on an inspection work order, published to permits."""

from dataclasses import dataclass
from typing import Any

from opsledger.errors import DomainError, NotFoundError
from opsledger.pipeline import ANY_STAFF, CommandResult, UnitOfWork, Workflow

from dispatch.domain import requests
from dispatch.domain.work_order import WORK_ORDER
from dispatch.domain.work_order.state import site_of, stream_id


@dataclass(frozen=True)
class RecordInspectionFinding:
    """The assignee of an inspection order records what they found (RP-12 rev.2)."""

    work_order_id: str
    violation_found: bool
    serious: bool
    finding: str


async def record_finding(uow: UnitOfWork, command: RecordInspectionFinding) -> CommandResult[Any]:
    order = (await uow.load(WORK_ORDER, stream_id(command.work_order_id))).state
    if not order.exists:
        raise NotFoundError("WorkOrder", command.work_order_id)
    if order.assignee != uow.origin.actor:
        raise DomainError("RP-12", "only the order's assignee records its finding", field="finding")
    if order.ticket_id is None:
        raise DomainError(
            "RP-12", f"work order {command.work_order_id} is not an inspection", field="finding"
        )
    report = requests.ReportInspectionFinding(
        ticket_id=order.ticket_id,
        work_order_id=command.work_order_id,
        inspector=order.assignee,
        inspector_role=order.assignee_role or "assignee",
        violation_found=command.violation_found,
        serious=command.serious,
        finding=command.finding,
    )
    return await uow.execute(report)


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=RecordInspectionFinding,
        roles=ANY_STAFF,  # the workflow checks that the actor is the assignee
        site_of=lambda command: site_of(command.work_order_id) or "(unknown)",
        run=record_finding,
    ),
]
