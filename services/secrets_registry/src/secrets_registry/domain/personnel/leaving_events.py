"""Private events of leaving a classified post (SR-5 rev.2, SR-6, SR-7, SR-18 rev.2).

The published facts are `ClearanceEnded` and `PersonDeparted`; applications, the
committee's secrecy review, file notes and the unauthorised-departure follow-up stay here.
"""

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from secrets_registry.domain.personnel.events import PersonPrivateEvent, Staff, Text

LeavingKind = Literal["leave_post", "transfer", "resignation", "retirement"]


class LeavingApplied(PersonPrivateEvent):
    """SR-7 rev.2: a transfer, resignation, retirement or leaving the post, applied for
    in advance."""

    event_type: ClassVar[str] = "LeavingApplied"
    application_id: Staff
    kind: LeavingKind
    applied_on: date
    intended_on: date
    reason: Text
    applied_by: Staff


class SecrecyReviewed(PersonPrivateEvent):
    """SR-7 rev.2: the committee's secrecy review (保密審查) of an application."""

    event_type: ClassVar[str] = "SecrecyReviewed"
    application_id: Staff
    cleared: bool
    note: Text
    reviewed_by: Staff


class LeavingDecided(PersonPrivateEvent):
    """SR-6, SR-7: approved (inside the period: by the committee, with the file note) or
    denied (it endangers secrets)."""

    event_type: ClassVar[str] = "LeavingDecided"
    application_id: Staff
    approved: bool
    file_note: str | None = Field(default=None, max_length=2000)
    note: Text
    decided_by: Staff


class PostLeft(PersonPrivateEvent):
    """SR-5 rev.: the person left; the declassification period runs to `period_ends_on`."""

    event_type: ClassVar[str] = "PostLeft"
    application_id: Staff
    kind: LeavingKind
    left_on: date
    period_ends_on: date


class DeclassificationExtended(PersonPrivateEvent):
    """SR-5: the period was extended to `period_ends_on`."""

    event_type: ClassVar[str] = "DeclassificationExtended"
    period_ends_on: date
    reason: Text
    extended_by: Staff


class UnauthorisedDepartureReported(PersonPrivateEvent):
    """SR-5 rev.: the person left without approval (擅自離職); reported to the committee."""

    event_type: ClassVar[str] = "UnauthorisedDepartureReported"
    left_on: date
    period_ends_on: date
    note: Text
    reported_by: Staff


class ReturnUrged(PersonPrivateEvent):
    """SR-5 rev.2: the person was urged to return (勸其返回)."""

    event_type: ClassVar[str] = "ReturnUrged"
    urged_on: date
    note: Text
    urged_by: Staff


class UrgingAnswered(PersonPrivateEvent):
    """SR-5 rev.2: the person came back, or refused."""

    event_type: ClassVar[str] = "UrgingAnswered"
    returned: bool
    answered_on: date
    note: Text
    recorded_by: Staff


class CaseReferred(PersonPrivateEvent):
    """SR-5 rev.2: after a refusal, the case went to the state authorities."""

    event_type: ClassVar[str] = "CaseReferred"
    referred_on: date
    authority: Text
    note: Text
    referred_by: Staff


class RegistersAppointed(PersonPrivateEvent):
    """SR-18 rev.2, SR-19 rev.2: the person keeps these registers (a custodian)."""

    event_type: ClassVar[str] = "RegistersAppointed"
    registers: list[Staff] = Field(min_length=1, max_length=50)
    appointed_by: Staff


class RegistersHandedOver(PersonPrivateEvent):
    """SR-18 rev.2: a custodian handed the registers over (辦理移交手續), with a record."""

    event_type: ClassVar[str] = "RegistersHandedOver"
    registers: list[Staff] = Field(min_length=1, max_length=50)
    to_person: Staff
    handed_on: date
    record_no: Staff
    recorded_by: Staff
