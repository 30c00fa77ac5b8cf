"""Private events of a person's stream: the personnel file, never published.

Listed in the service's `private_events`, so the relay never produces them to Kafka.
The published facts are `ClearanceGranted`, `ClearanceEnded`, `PersonDeparted` and
`SecrecyAllowanceRecorded` (opsledger_contracts.events.secrets_registry).
"""

from datetime import date
from typing import Annotated, ClassVar, Literal

from opsledger.decider import PrivateEvent
from pydantic import Field

Text = Annotated[str, Field(min_length=1, max_length=2000)]
Staff = Annotated[str, Field(min_length=1, max_length=64)]
Verdict = Literal["satisfactory", "unsatisfactory"]


class PersonPrivateEvent(PrivateEvent):
    service: ClassVar[str] = "secrets_registry"
    stream_type: ClassVar[str | None] = "Person"

    person_id: Staff


class LevelProposed(PersonPrivateEvent):
    """SR-1: a department proposed a level for the person's post."""

    event_type: ClassVar[str] = "LevelProposed"
    department: str = Field(min_length=1, max_length=100)
    post: str = Field(min_length=1, max_length=200)
    level: Literal["core", "important", "general"]
    key_department: bool
    reason: Text
    proposed_by: Staff


class LevelReviewed(PersonPrivateEvent):
    """SR-1: the department head's review of the pending proposal."""

    event_type: ClassVar[str] = "LevelReviewed"
    endorsed: bool
    opinion: Text
    reviewed_by: Staff


class LevelApproved(PersonPrivateEvent):
    """SR-1 rev.2: approved by the committee and filed with the office."""

    event_type: ClassVar[str] = "LevelApproved"
    filing_no: Staff
    note: Text
    approved_by: Staff


class LevelRejected(PersonPrivateEvent):
    """SR-1: the proposal was not endorsed or not approved; it is closed."""

    event_type: ClassVar[str] = "LevelRejected"
    note: Text
    rejected_by: Staff


class VettingRecorded(PersonPrivateEvent):
    """SR-2 rev.2: the vetting, one verdict per area, and last year's appraisal."""

    event_type: ClassVar[str] = "VettingRecorded"
    vetted_on: date
    political_conduct: Verdict
    work_performance: Verdict
    study: Verdict
    secrecy_compliance: Verdict
    last_year_appraisal: Literal["excellent", "competent", "basically_competent", "incompetent"]
    note: Text
    vetted_by: Staff


class EducationRecorded(PersonPrivateEvent):
    """SR-4: a training, education or assessment record."""

    event_type: ClassVar[str] = "EducationRecorded"
    record_id: Staff
    kind: Literal["training", "education", "assessment"]
    held_on: date
    topic: Text
    result: Text


class PledgeSigned(PersonPrivateEvent):
    """SR-3 rev.2: a pledge; the departure pledge is its own document."""

    event_type: ClassVar[str] = "PledgeSigned"
    pledge_id: Staff
    kind: Literal["entry", "in_post", "departure"]
    signed_on: date
    valid_until: date | None


class PostEntered(PersonPrivateEvent):
    """SR-1 … SR-4: the person took the approved post."""

    event_type: ClassVar[str] = "PostEntered"
    entered_on: date


class KeyLocationsAssigned(PersonPrivateEvent):
    """SR-9: the key locations the person may work in (the whole list)."""

    event_type: ClassVar[str] = "KeyLocationsAssigned"
    key_locations: list[str] = Field(max_length=100)
    assigned_by: Staff


class ScopeGranted(PersonPrivateEvent):
    """SR-13: the person was added to a need-to-know scope, by whom and why."""

    event_type: ClassVar[str] = "ScopeGranted"
    scope: Staff
    reason: Text
    granted_by: Staff


class ScopeWithdrawn(PersonPrivateEvent):
    event_type: ClassVar[str] = "ScopeWithdrawn"
    scope: Staff
    reason: Text
    withdrawn_by: Staff


class ForeignTravelRequested(PersonPrivateEvent):
    """SR-8 rev.2: private travel abroad or across the border, applied for."""

    event_type: ClassVar[str] = "ForeignTravelRequested"
    travel_id: Staff
    destination: str = Field(min_length=1, max_length=200)
    departs_on: date
    returns_on: date
    purpose: Text


class TravelOpinionGiven(PersonPrivateEvent):
    """SR-8 rev.2: the department head's opinion."""

    event_type: ClassVar[str] = "TravelOpinionGiven"
    travel_id: Staff
    supports: bool
    opinion: Text
    given_by: Staff


class TravelDecided(PersonPrivateEvent):
    """SR-8 rev.2: the office's decision."""

    event_type: ClassVar[str] = "TravelDecided"
    travel_id: Staff
    approved: bool
    note: Text
    decided_by: Staff


class CarrierCustodyTaken(PersonPrivateEvent):
    """SR-18: a carrier was signed out to the person (claimed on the person's stream)."""

    event_type: ClassVar[str] = "CarrierCustodyTaken"
    carrier_id: Staff


class CarrierCustodyReleased(PersonPrivateEvent):
    """SR-18: the person no longer holds the carrier."""

    event_type: ClassVar[str] = "CarrierCustodyReleased"
    carrier_id: Staff
