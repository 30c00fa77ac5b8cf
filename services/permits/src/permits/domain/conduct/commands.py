"""Commands on a permit's works record (stream `works-<permit_id>`): RP-5, RP-6, RP-10,
flow 2. The actor is never a field: it comes from the token (`DecisionContext.actor`)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

CheckKind = Literal["conformance", "safety"]
Measure = Literal["power_cut", "site_cleared"]
RequestKind = Literal["after_hours", "freight_lift", "large_item"]


@dataclass(frozen=True)
class OpenWorks:
    """The permit's works started (from the permit's own `WorksStarted`, system only)."""

    site_id: str
    permit_id: str
    unit_id: str
    contractor: str
    started_at: datetime


@dataclass(frozen=True)
class CloseWorks:
    """The permit's works ended (system only): patrols stop."""

    permit_id: str
    reason: str


@dataclass(frozen=True)
class RecordPatrol:
    """Customer service's daily patrol (RP-5 rev.2); a serious finding needs a remedy."""

    permit_id: str
    findings: str
    serious: bool = False
    proposed_remedy: str | None = None


@dataclass(frozen=True)
class ClosePatrolDay:
    """From the end-of-day timer: was the day patrolled? (RP-5 rev.2)."""

    permit_id: str
    day: date
    day_ends: datetime


@dataclass(frozen=True)
class RecordWorksCheck:
    """Engineering's conformance check or the concierge's safety check (RP-5)."""

    permit_id: str
    check: CheckKind
    passed: bool
    findings: str


@dataclass(frozen=True)
class RecordWorksViolation:
    """An inspector of engineering, customer service or the concierge (RP-6 rev.2)."""

    permit_id: str
    violation_id: str
    occurred_at: datetime
    description: str
    serious: bool = False


@dataclass(frozen=True)
class WithdrawWorksViolation:
    """§0 rev.2: a violation recorded wrongly is withdrawn, naming it and why."""

    permit_id: str
    violation_id: str
    reason: str


@dataclass(frozen=True)
class GiveVerbalWarning:
    """RP-6 step 1: stopped, verbal warning with its time; the contractor signs."""

    permit_id: str
    violation_id: str
    warned_at: datetime
    contractor_signed_by: str


@dataclass(frozen=True)
class IssueRectificationNotice:
    """RP-6 step 2: the written notice to the applicant/occupant."""

    permit_id: str
    violation_id: str
    issued_to: str
    rectify_by: datetime
    notice: str


@dataclass(frozen=True)
class NotifyOwner:
    """RP-6 serious step: the owner is notified."""

    permit_id: str
    violation_id: str
    owner: str
    how: str


@dataclass(frozen=True)
class CheckRectification:
    """After a notice: was the violation rectified? (False: it persists.)"""

    permit_id: str
    violation_id: str
    rectified: bool


@dataclass(frozen=True)
class StopWorksByForce:
    """RP-6 final step: power cut or site cleared, with security and the owner's consent."""

    permit_id: str
    measure: Measure
    security_officer: str
    owner_consent: str


@dataclass(frozen=True)
class ReadmitContractor:
    """Re-entry after the contractor's admission and undertaking (RP-6 rev.)."""

    permit_id: str
    contractor_signed_by: str
    undertaking: str


@dataclass(frozen=True)
class ApproveWorksRequest:
    """RP-10: after-hours work, freight lift or a large item, approved by customer service."""

    permit_id: str
    approval_id: str
    kind: RequestKind
    starts_at: datetime
    ends_at: datetime
    description: str


@dataclass(frozen=True)
class LinkComplaint:
    """Flow 2: a renovation complaint about the unit, linked to this permit (system)."""

    permit_id: str
    ticket_id: str
    unit_id: str
    inspection_id: str


@dataclass(frozen=True)
class RecordInspectionFinding:
    """Flow 2: dispatch's inspector's finding (system); a violation climbs the ladder."""

    permit_id: str
    inspection_id: str
    work_order_id: str
    inspector: str
    inspector_role: str
    inspected_at: datetime
    violation_found: bool
    serious: bool
    finding: str


ConductCommand = (
    OpenWorks
    | CloseWorks
    | RecordPatrol
    | ClosePatrolDay
    | RecordWorksCheck
    | RecordWorksViolation
    | WithdrawWorksViolation
    | GiveVerbalWarning
    | IssueRectificationNotice
    | NotifyOwner
    | CheckRectification
    | StopWorksByForce
    | ReadmitContractor
    | ApproveWorksRequest
    | LinkComplaint
    | RecordInspectionFinding
)
