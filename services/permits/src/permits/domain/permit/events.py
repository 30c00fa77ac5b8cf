"""Private events of a permit's stream: names, fees, passes and inspections stay in permits.

The milestones other departments need are the published `opsledger_contracts.events.
permits` events; these carry what only permits' own staff read.
"""

from datetime import date
from typing import ClassVar, Literal

from opsledger.decider import PrivateEvent
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue

_IDS: dict[str, JsonValue] = {"permit_id": "PMT-site-a-0001", "unit_id": "B2-1203"}
_AT = "2026-12-10T01:00:00Z"
Text = Field(min_length=1, max_length=1000)


def _ex(**fields: JsonValue) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [{**_IDS, **fields}]})


class PermitPrivate(PrivateEvent):
    service: ClassVar[str] = "permits"
    stream_type: ClassVar[str | None] = "Permit"

    permit_id: str = Field(min_length=1, max_length=64)
    unit_id: str = Field(min_length=1, max_length=64)


class DrawingEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(min_length=1, max_length=64)
    copies: int = Field(ge=0)


class FeeEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(min_length=1, max_length=64)
    amount_fen: int = Field(ge=0)


class WorkerEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pass_no: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)


class ApplicationRecorded(PermitPrivate):
    """What the front desk took (RP-1 rev.2): who applied, for which works, with what."""

    event_type: ClassVar[str] = "ApplicationRecorded"
    model_config = _ex(
        applicant_id="own-1",
        contractor="Minjiang Decor Co.",
        works="Kitchen and bathroom refit",
        drawings=[{"kind": "ceiling", "copies": 2}],
        handbook="issued",
    )

    applicant_id: str = Field(min_length=1, max_length=64, description="The owner applying.")
    contractor: str = Field(min_length=1, max_length=200)
    works: str = Text
    drawings: list[DrawingEntry]
    handbook: Literal["issued", "signed_at_handover"]


class PermitHandedToEngineering(PermitPrivate):
    """Customer service handed the file to engineering: the review clock starts (RP-2 rev.2)."""

    event_type: ClassVar[str] = "PermitHandedToEngineering"
    model_config = _ex(review_due_at=_AT, calendar_id="holidays==0.60:CN:Asia/Shanghai")

    review_due_at: AwareDatetime
    calendar_id: str = Field(min_length=1, max_length=200)


class PermitFeesSet(PermitPrivate):
    """The fees engineering set on approval (RP-2 rev.2, RP-3)."""

    event_type: ClassVar[str] = "PermitFeesSet"
    model_config = _ex(fees=[{"kind": "deposit", "amount_fen": 200000}])

    fees: list[FeeEntry]


class ApplicantNotified(PermitPrivate):
    """Customer service told the applicant the decision and asked for the fees (RP-2 rev.2)."""

    event_type: ClassVar[str] = "ApplicantNotified"
    model_config = _ex(decision="approved", note="Called the owner")

    decision: Literal["approved", "rejected"]
    note: str = Text


class EquipmentChecked(PermitPrivate):
    """Engineering checked the unit's equipment and facilities before works (RP-2 rev.)."""

    event_type: ClassVar[str] = "EquipmentChecked"
    model_config = _ex(passed=True, findings="Risers, sprinklers and meters in order")

    passed: bool
    findings: str = Text


class FeePaid(PermitPrivate):
    """Finance collected one fee (RP-3 rev.2)."""

    event_type: ClassVar[str] = "FeePaid"
    model_config = _ex(kind="deposit", amount_fen=200000, receipt_no="R-1", paid_by="owner")

    kind: str = Field(min_length=1, max_length=64)
    amount_fen: int = Field(ge=0)
    receipt_no: str = Field(min_length=1, max_length=64)
    paid_by: Literal["owner", "contractor"]


class FeePaymentVoided(PermitPrivate):
    """A payment recorded wrongly is withdrawn, naming it and why (§0 rev.2, RP-3)."""

    event_type: ClassVar[str] = "FeePaymentVoided"
    model_config = _ex(kind="deposit", receipt_no="R-1", reason="Another unit's receipt")

    kind: str = Field(min_length=1, max_length=64)
    receipt_no: str = Field(min_length=1, max_length=64)
    reason: str = Text


class WorkerPassesIssued(PermitPrivate):
    """Named, numbered passes issued; the permit handed to the applicant to post (RP-3)."""

    event_type: ClassVar[str] = "WorkerPassesIssued"
    model_config = _ex(workers=[{"pass_no": "P-001", "name": "Wang Lei"}], handed_to="own-1")

    workers: list[WorkerEntry] = Field(min_length=1)
    handed_to: str = Field(min_length=1, max_length=64)


class ScopeChangeApplied(PermitPrivate):
    """A scope change was applied for, far enough ahead (RP-9): it waits for approval."""

    event_type: ClassVar[str] = "ScopeChangeApplied"
    model_config = _ex(change_id="SC-1", description="Move a partition", change_on="2026-12-21")

    change_id: str = Field(min_length=1, max_length=64)
    description: str = Text
    change_on: date


class ScopeChangeDecided(PermitPrivate):
    """The management office approved or refused the scope change (RP-9 rev.2)."""

    event_type: ClassVar[str] = "ScopeChangeDecided"
    model_config = _ex(change_id="SC-1", approved=True, note="Non-structural")

    change_id: str = Field(min_length=1, max_length=64)
    approved: bool
    note: str = Text


class AcceptanceApplied(PermitPrivate):
    """The owner applied for acceptance (RP-11 rev.2); `late`: after the deadline."""

    event_type: ClassVar[str] = "AcceptanceApplied"
    model_config = _ex(as_built_copies=2, late=False, inspection_due_at=_AT)

    as_built_copies: int = Field(ge=0)
    late: bool
    inspection_due_at: AwareDatetime


class AcceptanceInspectionOverdue(PermitPrivate):
    """No joint inspection within the working days of the application (RP-11)."""

    event_type: ClassVar[str] = "AcceptanceInspectionOverdue"
    model_config = _ex(due_at=_AT)

    due_at: AwareDatetime


class AcceptanceInspected(PermitPrivate):
    """A joint inspection (engineering, customer service) and its result (RP-11 rev.)."""

    event_type: ClassVar[str] = "AcceptanceInspected"
    model_config = _ex(
        round=1,
        customer_service_inspector="cs-02",
        passed=False,
        defects="Socket cover missing",
        rectify_by="2026-12-24",
        certificate_no=None,
    )

    round: int = Field(ge=1)
    customer_service_inspector: str = Field(min_length=1, max_length=64)
    passed: bool
    defects: str | None = Field(default=None, max_length=1000)
    rectify_by: date | None = None
    certificate_no: str | None = Field(default=None, max_length=64)


class AcceptanceFormSigned(PermitPrivate):
    """Engineering signed the acceptance form to finance: the refund clock starts (RP-11)."""

    event_type: ClassVar[str] = "AcceptanceFormSigned"
    model_config = _ex(
        refund_fen=250000,
        refund_to="owner",
        refund_target_at=_AT,
        refund_limit_at=_AT,
        calendar_id="holidays==0.60:CN:Asia/Shanghai",
    )

    refund_fen: int = Field(ge=0, description="Deposit plus pass deposit.")
    refund_to: Literal["owner", "contractor"]
    refund_target_at: AwareDatetime
    refund_limit_at: AwareDatetime
    calendar_id: str = Field(min_length=1, max_length=200)


class PassesReturned(PermitPrivate):
    """Worker passes handed back (退證, RP-11 rev.)."""

    event_type: ClassVar[str] = "PassesReturned"
    model_config = _ex(pass_nos=["P-001"])

    pass_nos: list[str] = Field(min_length=1)


class DepositRefundPaid(PermitPrivate):
    """How much finance paid back, to whom (RP-11 rev.2)."""

    event_type: ClassVar[str] = "DepositRefundPaid"
    model_config = _ex(amount_fen=250000, paid_to="owner", reference="TRF-1")

    amount_fen: int = Field(ge=0)
    paid_to: Literal["owner", "contractor"]
    reference: str = Field(min_length=1, max_length=64)


PRIVATE_EVENTS = (
    ApplicationRecorded,
    PermitHandedToEngineering,
    PermitFeesSet,
    ApplicantNotified,
    EquipmentChecked,
    FeePaid,
    FeePaymentVoided,
    WorkerPassesIssued,
    ScopeChangeApplied,
    ScopeChangeDecided,
    AcceptanceApplied,
    AcceptanceInspectionOverdue,
    AcceptanceInspected,
    AcceptanceFormSigned,
    PassesReturned,
    DepositRefundPaid,
)
