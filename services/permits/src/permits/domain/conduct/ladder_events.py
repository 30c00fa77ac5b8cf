"""Private events of the RP-6 ladder: they name people (the contractor who signed, the
occupant or owner notified, the owner's consent), so they stay in permits (listed in the
service's `private_events`, never produced to Kafka). The published ladder facts are
`WorksViolationRecorded`, `WorksViolationWithdrawn` and `RectificationChecked`."""

from typing import ClassVar, Literal

from opsledger_contracts.events.permits_conduct import Person, Staff, Text, WorksEvent, _example
from pydantic import AwareDatetime, Field


class VerbalWarningGiven(WorksEvent):
    """Step 1: the violation was stopped and a verbal warning given, with time and
    inspector; the contractor signed the record (RP-6)."""

    event_type: ClassVar[str] = "VerbalWarningGiven"
    model_config = _example(
        violation_id="V1",
        warned_at="2026-12-05T02:05:00Z",
        inspector="eng-01",
        contractor_signed_by="Wang Gang",
    )

    violation_id: str = Field(
        description="The violation on the permit's ladder.", min_length=1, max_length=64
    )
    warned_at: AwareDatetime = Field(description="When the warning was given.")
    inspector: Staff
    contractor_signed_by: Person


class RectificationNoticeIssued(WorksEvent):
    """Step 2: the contractor repeatedly ignored warnings; a written rectification notice
    went to the applicant/occupant (RP-6 rev.2)."""

    event_type: ClassVar[str] = "RectificationNoticeIssued"
    model_config = _example(
        violation_id="V2",
        issued_by="cs-01",
        issued_to="Li Na (applicant)",
        issued_at="2026-12-06T02:00:00Z",
        rectify_by="2026-12-08T10:00:00Z",
        notice="Stop drilling after 20:00; remove debris from the corridor",
    )

    violation_id: str = Field(
        description="The violation on the permit's ladder.", min_length=1, max_length=64
    )
    issued_by: Staff
    issued_to: Person
    issued_at: AwareDatetime = Field(description="When.")
    rectify_by: AwareDatetime = Field(description="The rectification deadline.")
    notice: Text = Field(description="The notice's text.")


class OwnerNotifiedOfViolation(WorksEvent):
    """A serious case (marked, or the Nth violation): the owner was notified (RP-6)."""

    event_type: ClassVar[str] = "OwnerNotifiedOfViolation"
    model_config = _example(
        violation_id="V3",
        notified_by="cs-01",
        owner="Zhang Wei",
        notified_at="2026-12-07T02:00:00Z",
        how="Phone call and letter",
    )

    violation_id: str = Field(
        description="The violation on the permit's ladder.", min_length=1, max_length=64
    )
    notified_by: Staff
    owner: Person
    notified_at: AwareDatetime = Field(description="When.")
    how: Text = Field(description="How the owner was notified.")


class WorksForciblyStopped(WorksEvent):
    """The final step (RP-6 rev.2): the violation persisted after the notice and other
    residents' complaints continued; customer service, together with security and with
    the owner's consent, cut the power or cleared the site."""

    event_type: ClassVar[str] = "WorksForciblyStopped"
    model_config = _example(
        measure="power_cut",
        done_by="cs-01",
        security_officer="sec-02",
        owner_consent="Zhang Wei, by phone at 10:05",
        complaints_since_notice=2,
        stopped_at="2026-12-08T04:00:00Z",
    )

    measure: Literal["power_cut", "site_cleared"] = Field(description="Power cut or site cleared.")
    done_by: Staff
    security_officer: Staff
    owner_consent: Text = Field(description="Who consented and how.")
    complaints_since_notice: int = Field(ge=1, description="Complaints linked since the notice.")
    stopped_at: AwareDatetime = Field(description="When.")


class ContractorReadmitted(WorksEvent):
    """The contractor admitted the fault and undertook to comply; works may resume."""

    event_type: ClassVar[str] = "ContractorReadmitted"
    model_config = _example(
        readmitted_by="cs-01",
        contractor_signed_by="Wang Gang",
        undertaking="Admits the fault; no drilling after 20:00 from now on",
        readmitted_at="2026-12-09T01:00:00Z",
    )

    readmitted_by: Staff
    contractor_signed_by: Person
    undertaking: Text = Field(description="The contractor's admission and undertaking.")
    readmitted_at: AwareDatetime = Field(description="When the contractor re-entered.")


LADDER_PRIVATE_EVENTS = (
    VerbalWarningGiven,
    RectificationNoticeIssued,
    OwnerNotifiedOfViolation,
    WorksForciblyStopped,
    ContractorReadmitted,
)
