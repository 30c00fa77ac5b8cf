"""Commands of leaving a classified post (SR-5 rev.2, SR-6, SR-7, SR-18 rev.2)."""

from dataclasses import dataclass
from datetime import date

from secrets_registry.domain.personnel.commands import LeavingKind


@dataclass(frozen=True)
class ApplyToLeave:
    """SR-7 rev.2: apply in advance to leave the post, transfer, resign or retire."""

    person_id: str
    application_id: str
    kind: LeavingKind
    intended_on: date
    reason: str


@dataclass(frozen=True)
class ReviewLeavingSecrecy:
    """SR-7 rev.2: the committee's secrecy review (保密審查) of the application."""

    person_id: str
    application_id: str
    cleared: bool
    note: str


@dataclass(frozen=True)
class DecideLeaving:
    """SR-6, SR-7: approve (inside the period: the committee, with a file note) or deny."""

    person_id: str
    application_id: str
    approved: bool
    note: str
    file_note: str | None = None


@dataclass(frozen=True)
class RecordDeparture:
    """SR-5 rev., SR-18: the approved leaving took place on `left_on`."""

    person_id: str
    application_id: str
    left_on: date


@dataclass(frozen=True)
class ExtendDeclassification:
    """SR-5: the committee extends the period to `until` (its new last day)."""

    person_id: str
    until: date
    reason: str


@dataclass(frozen=True)
class ReportUnauthorisedDeparture:
    """SR-5 rev.: the person left without approval (擅自離職) on `left_on`."""

    person_id: str
    left_on: date
    note: str


@dataclass(frozen=True)
class UrgeReturn:
    """SR-5 rev.2: the person is urged to return (勸其返回)."""

    person_id: str
    urged_on: date
    note: str


@dataclass(frozen=True)
class RecordUrgingAnswer:
    """SR-5 rev.2: the person returned, or refused."""

    person_id: str
    returned: bool
    answered_on: date
    note: str


@dataclass(frozen=True)
class ReferCase:
    """SR-5 rev.2: after a refusal, the case goes to the state authorities."""

    person_id: str
    referred_on: date
    authority: str
    note: str


@dataclass(frozen=True)
class AppointRegisters:
    """SR-18 rev.2: the person keeps these registers (a custodian)."""

    person_id: str
    registers: list[str]


@dataclass(frozen=True)
class RecordRegistersHandover:
    """SR-18 rev.2: the custodian's side of a handover (run by `HandOverRegisters`)."""

    person_id: str
    registers: list[str]
    to_person: str
    handed_on: date
    record_no: str


@dataclass(frozen=True)
class ReceiveRegisters:
    """SR-18 rev.2: the receiver's side of a handover (run by `HandOverRegisters`)."""

    person_id: str
    registers: list[str]
    from_person: str
    record_no: str


LeavingCommand = (
    ApplyToLeave
    | ReviewLeavingSecrecy
    | DecideLeaving
    | RecordDeparture
    | ExtendDeclassification
    | ReportUnauthorisedDeparture
    | UrgeReturn
    | RecordUrgingAnswer
    | ReferCase
    | AppointRegisters
    | RecordRegistersHandover
    | ReceiveRegisters
)
