"""Work-order commands (WO-1 … WO-10) and who may run each.

The actor is never a field: it comes from the verified token (`DecisionContext.actor`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from opsledger.pipeline import ANY_STAFF, SYSTEM_ONLY, roles
from opsledger_contracts.events.fleet import (
    VehicleRequestFulfilled,
    VehicleRequestReferredToDirector,
    VehicleRequestRefused,
    VehicleRequestReserved,
)

# Fleet's word on one of our vehicle requests (flow 3): waiting for the depot director,
# reserved for later (FL-2 rev.2), then the trip or the refusal.
VehicleAnswer = (
    VehicleRequestReferredToDirector
    | VehicleRequestReserved
    | VehicleRequestFulfilled
    | VehicleRequestRefused
)

# WO-2: who may issue, and the roles an order may be assigned to (000 第11篇 第四条).
ISSUER_ROLES: Final = roles("dispatcher", "dispatch_lead", "dept_head")
ASSIGNEE_ROLES: Final = roles(
    "dept_head",
    "supervisor",
    "property_assistant",
    "engineer",
    "maintenance_worker",
    "repair_supervisor",
    "consultant",
    "assignee",
)
DISPATCH_ROLES: Final = roles("dispatcher", "dispatch_lead")
JUDGE_ROLES: Final = roles("dispatch_lead")


@dataclass(frozen=True)
class VehicleNeed:
    """WO-11: the order needs a vehicle from fleet. Unset business/destination default to
    the order's content/location, unset needed_at to now; checked in `vehicle.py`."""

    purpose: str | None
    business: str | None = None
    destination: str | None = None
    needed_at: datetime | None = None


@dataclass(frozen=True)
class IssueWorkOrder:
    """WO-1/WO-2 input; the optional fields are checked so all gaps are named at once."""

    site_id: str
    location: str | None
    content: str | None
    requirements: str | None
    reply_by: datetime | None
    assignee: str | None
    assignee_role: str | None
    ticket_id: str | None = None
    asset_id: str | None = None
    fault_code: str | None = None
    vehicle: VehicleNeed | None = None  # WO-11: requested from fleet when issued
    repair_class: str | None = None  # CC-6: urgent or minor; a classed repair has a fault code
    second_assignee: str | None = None  # WO-12 rev.2: the second person at a key location


@dataclass(frozen=True)
class NumberedIssue:
    """An issue after validation, with the serial number taken for it (WO-8)."""

    command: IssueWorkOrder
    work_order_id: str
    serial_no: int
    previous_work_order_id: str | None = None  # WO-10: an earlier order for the same fault
    key_location_id: str | None = None  # WO-12: checked by the issuing workflow

    @property
    def site_id(self) -> str:
        return self.command.site_id


@dataclass(frozen=True)
class AcceptWorkOrder:
    work_order_id: str


@dataclass(frozen=True)
class EscalateWorkOrder:
    """WO-4 (HTTP): a workflow reads the site's reporting line, then `RecordEscalation`."""

    work_order_id: str
    escalated_to: str | None  # None: the assignee's recorded superior
    reason: str


@dataclass(frozen=True)
class RecordEscalation:
    """WO-4: an escalation decided against the site's reporting line (staff -> superior)."""

    work_order_id: str
    escalated_to: str | None
    reason: str
    reporting_line: Mapping[str, str]


@dataclass(frozen=True)
class ReassignWorkOrder:
    work_order_id: str
    assignee: str
    assignee_role: str
    reason: str


@dataclass(frozen=True)
class RecordRefusal:
    work_order_id: str
    reason: str


@dataclass(frozen=True)
class ReportProgress:
    work_order_id: str
    note: str
    expected_by: datetime | None = None


@dataclass(frozen=True)
class CompleteWorkOrder:
    work_order_id: str
    process: str
    result: str


@dataclass(frozen=True)
class SignOffWorkOrder:
    work_order_id: str
    signed_by: str


@dataclass(frozen=True)
class RecordCallback:
    work_order_id: str
    confirmed: bool
    note: str = ""


@dataclass(frozen=True)
class ArchiveWorkOrder:
    work_order_id: str


@dataclass(frozen=True)
class JudgeUnreasonable:
    work_order_id: str
    reason: str


@dataclass(frozen=True)
class MarkOverdue:
    """From the overdue timer: the deadline it was scheduled for (WO-5)."""

    work_order_id: str
    deadline: datetime


@dataclass(frozen=True)
class CallReviewRoll:
    """From the roll-call timer (WO-7 rev.): is the order open at `day`'s review time?
    `day=None`: a reopened order looks for its next review day."""

    work_order_id: str
    day: date | None


@dataclass(frozen=True)
class RequestVehicle:
    """WO-11: ask fleet for a vehicle for an open order (also run when issuing one)."""

    work_order_id: str
    need: VehicleNeed


@dataclass(frozen=True)
class RecordVehicleAnswer:
    """From fleet's answer to our `VehicleRequested` (inbound, flow 3)."""

    work_order_id: str
    answer: VehicleAnswer


Command = (
    NumberedIssue
    | AcceptWorkOrder
    | RecordEscalation
    | ReassignWorkOrder
    | RecordRefusal
    | ReportProgress
    | CompleteWorkOrder
    | SignOffWorkOrder
    | RecordCallback
    | ArchiveWorkOrder
    | JudgeUnreasonable
    | MarkOverdue
    | CallReviewRoll
    | RequestVehicle
    | RecordVehicleAnswer
)

# Who may run each command. ANY_STAFF: any staff of the site, the decider checks who
# (the assignee); SYSTEM_ONLY: the issue workflow and the overdue timer.
ROLES: Final[dict[type[Any], frozenset[str]]] = {
    NumberedIssue: SYSTEM_ONLY,
    AcceptWorkOrder: ANY_STAFF,
    RecordEscalation: SYSTEM_ONLY,  # EscalateWorkOrder is a workflow (handlers)
    ReassignWorkOrder: DISPATCH_ROLES,
    RecordRefusal: DISPATCH_ROLES,
    ReportProgress: ANY_STAFF,
    CompleteWorkOrder: ANY_STAFF,
    SignOffWorkOrder: ANY_STAFF,
    RecordCallback: DISPATCH_ROLES,
    ArchiveWorkOrder: DISPATCH_ROLES,
    JudgeUnreasonable: JUDGE_ROLES,
    MarkOverdue: SYSTEM_ONLY,
    CallReviewRoll: SYSTEM_ONLY,
    RequestVehicle: ISSUER_ROLES,
    RecordVehicleAnswer: SYSTEM_ONLY,
}
