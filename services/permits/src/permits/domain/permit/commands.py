"""Commands of a renovation permit, from application to deposit refund (RP-1 … RP-11)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Payer = Literal["owner", "contractor"]
Handbook = Literal["issued", "signed_at_handover"]


def permit_stream(permit_id: str) -> str:
    return f"permit-{permit_id}"


@dataclass(frozen=True)
class Drawing:
    """RP-1 rev.2: copies of one kind of drawing, with detailed construction notes."""

    kind: str
    copies: int
    construction_notes: bool


@dataclass(frozen=True)
class Fee:
    kind: str
    amount_fen: int


@dataclass(frozen=True)
class Worker:
    """A named, numbered worker pass (RP-3)."""

    pass_no: str
    name: str


@dataclass(frozen=True)
class ApplyForPermit:
    """The front desk takes a renovation application (RP-1 rev.2); run as the
    `ApplyForPermit` workflow, which checks it against the unit register."""

    site_id: str
    permit_id: str
    unit_id: str
    applicant_id: str
    identity_verified: bool
    form: bool
    drawings: tuple[Drawing, ...]
    pledge: bool
    handbook_issued: bool
    contractor: str
    works: str
    structural_change: bool = False


@dataclass(frozen=True)
class OpenPermit:
    """Record the application with the register's facts of the unit: its owners and
    whether the handbook was signed at handover (run by the `ApplyForPermit` workflow)."""

    application: ApplyForPermit
    unit_owners: tuple[str, ...]
    handbook_signed_at_handover: bool

    @property
    def site_id(self) -> str:
        return self.application.site_id

    @property
    def permit_id(self) -> str:
        return self.application.permit_id


@dataclass(frozen=True)
class HandToEngineering:
    """Customer service hands the application and the original drawings to engineering."""

    permit_id: str


@dataclass(frozen=True)
class ApprovePermit:
    permit_id: str
    fees: tuple[Fee, ...]
    structural_approval: bool = False


@dataclass(frozen=True)
class RejectPermit:
    permit_id: str
    reason: str


@dataclass(frozen=True)
class MarkReviewOverdue:
    """The review timer fell due (system)."""

    permit_id: str
    due_at: datetime


@dataclass(frozen=True)
class NotifyApplicant:
    """Customer service told the applicant the decision in the office's name (RP-2 rev.2)."""

    permit_id: str
    note: str


@dataclass(frozen=True)
class RecordEquipmentCheck:
    """Engineering's pre-works check of equipment and facilities (RP-2 rev.)."""

    permit_id: str
    passed: bool
    findings: str


@dataclass(frozen=True)
class PayFee:
    """Finance collected one fee (RP-3 rev.2), from the owner or the contractor."""

    permit_id: str
    kind: str
    amount_fen: int
    receipt_no: str
    paid_by: Payer


@dataclass(frozen=True)
class VoidFeePayment:
    """Finance withdraws a payment recorded wrongly (§0 rev.2), before works start."""

    permit_id: str
    kind: str
    reason: str


@dataclass(frozen=True)
class StartWorks:
    """Passes issued to the named workers and the permit handed to the applicant (RP-3),
    with extinguishers on site (RP-4)."""

    permit_id: str
    workers: tuple[Worker, ...]
    extinguishers_on_site: bool


@dataclass(frozen=True)
class ApplyScopeChange:
    """The scope-change form at the management office (RP-9)."""

    permit_id: str
    change_id: str
    description: str
    change_on: date


@dataclass(frozen=True)
class DecideScopeChange:
    """The management office approves or refuses a scope change (RP-9 rev.2)."""

    permit_id: str
    change_id: str
    approve: bool
    note: str


@dataclass(frozen=True)
class FinishWorks:
    permit_id: str
    finished_on: date


@dataclass(frozen=True)
class ApplyForAcceptance:
    """The owner's acceptance application (RP-11 rev.2): as-built drawings, receipt copy."""

    permit_id: str
    as_built_copies: int
    deposit_receipt_copy: bool


@dataclass(frozen=True)
class MarkInspectionOverdue:
    permit_id: str
    due_at: datetime


@dataclass(frozen=True)
class InspectAcceptance:
    """A joint inspection by engineering (the actor) and a customer-service inspector.

    Fail: `defects` and a rectification deadline `rectify_by`; pass: `certificate_no`.
    """

    permit_id: str
    customer_service_inspector: str
    passed: bool
    defects: str | None = None
    rectify_by: date | None = None
    certificate_no: str | None = None


@dataclass(frozen=True)
class SignAcceptanceForm:
    """Engineering signs the acceptance form and hands it to finance: the refund clock."""

    permit_id: str


@dataclass(frozen=True)
class ReturnPasses:
    permit_id: str
    pass_nos: tuple[str, ...]


@dataclass(frozen=True)
class RefundDeposit:
    """Finance paid back the deposit and the pass deposit to whoever paid them."""

    permit_id: str
    reference: str


@dataclass(frozen=True)
class MarkRefundOverdue:
    permit_id: str
    deadline: Literal["target", "limit"]
    due_at: datetime


PermitCommand = (
    OpenPermit
    | HandToEngineering
    | ApprovePermit
    | RejectPermit
    | MarkReviewOverdue
    | NotifyApplicant
    | RecordEquipmentCheck
    | PayFee
    | VoidFeePayment
    | StartWorks
    | ApplyScopeChange
    | DecideScopeChange
    | FinishWorks
    | ApplyForAcceptance
    | MarkInspectionOverdue
    | InspectAcceptance
    | SignAcceptanceForm
    | ReturnPasses
    | RefundDeposit
    | MarkRefundOverdue
)
