"""Events permits publishes about works in progress on `opsledger.permits.events`.

Patrols and checks (RP-5), the violation ladder (RP-6), hot work (RP-7), temporary power
(RP-8), customer service's approvals (RP-10) and flow 2 (CC-10, RP-12): a renovation
complaint becomes an inspection (`InspectionRequested`, which dispatch consumes) and the
inspector's finding comes back from dispatch (`InspectionFindingReported`, dispatch's).
The permit lifecycle's own events live in `permits.py`. Money is integer fen; timestamps
are UTC instants; `local_date` is the site's calendar day.
"""

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, ConfigDict, Field, JsonValue

from opsledger_contracts.base import EventPayload
from opsledger_contracts.registry import REGISTRY

Staff = Annotated[str, Field(min_length=1, max_length=64, description="Staff id.")]
Person = Annotated[str, Field(min_length=1, max_length=100, description="A named person.")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Department = Literal["engineering", "customer_service", "concierge"]

_P = "RP-site-a-0007"
_U = "B3-1203"


def _example(**fields: JsonValue) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [{"permit_id": _P, **fields}]})


class WorksEvent(EventPayload):
    """Fields every event of a permit's works record carries (stream `works-<permit>`)."""

    service: ClassVar[str] = "permits"
    stream_type: ClassVar[str | None] = "Works"

    permit_id: str = Field(min_length=1, max_length=64, description="The permit.")


# -- RP-5 patrols and checks --------------------------------------------------------------


@REGISTRY.register
class PatrolRecorded(WorksEvent):
    """Customer service patrolled the unit's works on a site-local day (RP-5 rev.2)."""

    event_type: ClassVar[str] = "PatrolRecorded"
    model_config = _example(
        local_date="2026-12-05",
        patrolled_at="2026-12-05T02:00:00Z",
        patrolled_by="cs-01",
        findings="Works as approved; passes worn",
        serious=False,
    )

    local_date: date = Field(description="The site-local day patrolled.")
    patrolled_at: AwareDatetime = Field(description="When.")
    patrolled_by: Staff
    findings: Text = Field(description="What the patrol saw.")
    serious: bool = Field(description="A serious violation was found (reported at once).")


@REGISTRY.register
class SeriousViolationReported(WorksEvent):
    """A patrol found a serious violation and reported it at once to engineering, the
    concierge and the customer-service director with a proposed remedy (RP-5 rev.2)."""

    event_type: ClassVar[str] = "SeriousViolationReported"
    model_config = _example(
        local_date="2026-12-05",
        reported_by="cs-01",
        finding="Load-bearing wall being cut",
        proposed_remedy="Stop the works; engineering to assess the wall today",
        reported_to=["engineering", "concierge", "customer_service_director"],
    )

    local_date: date = Field(description="The patrol's site-local day.")
    reported_by: Staff
    finding: Text = Field(description="What the inspector found.")
    proposed_remedy: Text = Field(description="The remedy the patrol proposes.")
    reported_to: list[Literal["engineering", "concierge", "customer_service_director"]] = Field(
        min_length=3, max_length=3, description="Who was told (all three, RP-5 rev.2)."
    )


@REGISTRY.register
class PatrolMissed(WorksEvent):
    """A site-local day ended without a patrol of these active works (RP-5 rev.2)."""

    event_type: ClassVar[str] = "PatrolMissed"
    model_config = _example(local_date="2026-12-05", end_of_day="2026-12-05T16:00:00Z")

    local_date: date = Field(description="The day without a patrol.")
    end_of_day: AwareDatetime = Field(description="When that day ended at the site.")


@REGISTRY.register
class WorksCheckRecorded(WorksEvent):
    """Engineering's conformance check (works follow the drawings) or the concierge's
    safety check (extinguishers, passes, fire safety, after-hours permits), RP-5."""

    event_type: ClassVar[str] = "WorksCheckRecorded"
    model_config = _example(
        check="safety",
        checked_by="con-01",
        checked_at="2026-12-05T03:00:00Z",
        passed=False,
        findings="One extinguisher missing in the kitchen",
    )

    check: Literal["conformance", "safety"] = Field(description="Which check (RP-5).")
    checked_by: Staff
    checked_at: AwareDatetime = Field(description="When.")
    passed: bool = Field(description="Nothing wrong found.")
    findings: Text = Field(description="What the check found.")


# -- RP-6 the violation ladder --------------------------------------------------------------


@REGISTRY.register
class WorksViolationRecorded(WorksEvent):
    """An inspector of engineering, customer service or the concierge recorded a
    violation on the permit (RP-6 rev.2); `number` is its place on the permit's ladder."""

    event_type: ClassVar[str] = "WorksViolationRecorded"
    model_config = _example(
        violation_id="V1",
        number=1,
        occurred_at="2026-12-05T02:00:00Z",
        inspector="eng-01",
        department="engineering",
        description="Drilling after 20:00",
        serious=False,
        inspection_id=None,
    )

    violation_id: str = Field(min_length=1, max_length=64, description="Violation id.")
    number: int = Field(ge=1, description="1 = the permit's first recorded violation.")
    occurred_at: AwareDatetime = Field(description="When the violation happened.")
    inspector: Staff
    department: Department = Field(description="The inspector's department.")
    description: Text = Field(description="What it is.")
    serious: bool = Field(description="Marked serious by the inspector.")
    inspection_id: str | None = Field(
        default=None, max_length=64, description="Flow 2: the inspection that found it."
    )


@REGISTRY.register
class WorksViolationWithdrawn(WorksEvent):
    """A violation recorded wrongly, withdrawn by a later event that names it, the reason
    and who withdrew it (§0 rev.2); it no longer counts on the RP-6 ladder."""

    event_type: ClassVar[str] = "WorksViolationWithdrawn"
    model_config = _example(violation_id="V1", withdrawn_by="eng-01", reason="Wrong unit")

    violation_id: str = Field(min_length=1, max_length=64, description="The violation withdrawn.")
    withdrawn_by: Staff
    reason: Text = Field(description="Why it was wrong.")


@REGISTRY.register
class RectificationChecked(WorksEvent):
    """After a notice, an inspector checked whether the violation was rectified (RP-6)."""

    event_type: ClassVar[str] = "RectificationChecked"
    model_config = _example(
        violation_id="V2", checked_by="eng-01", checked_at="2026-12-08T03:00:00Z", rectified=False
    )

    violation_id: str = Field(
        description="The violation on the permit's ladder.", min_length=1, max_length=64
    )
    checked_by: Staff
    checked_at: AwareDatetime = Field(description="When.")
    rectified: bool = Field(description="False: the violation persists after the notice.")


# -- RP-10 customer service's approvals -----------------------------------------------------


@REGISTRY.register
class WorksRequestApproved(WorksEvent):
    """Customer service approved after-hours work, freight-lift use or the release of a
    large item (RP-10), for a stated window."""

    event_type: ClassVar[str] = "WorksRequestApproved"
    model_config = _example(
        approval_id="A1",
        kind="freight_lift",
        approved_by="cs-01",
        starts_at="2026-12-05T06:00:00Z",
        ends_at="2026-12-05T07:00:00Z",
        description="Tiles up to the 12th floor",
    )

    approval_id: str = Field(description="The approval's id.", min_length=1, max_length=64)
    kind: Literal["after_hours", "freight_lift", "large_item"] = Field(
        description="What customer service approved (RP-10)."
    )
    approved_by: Staff
    starts_at: AwareDatetime = Field(description="Start of the window.")
    ends_at: AwareDatetime = Field(description="End of the window.")
    description: Text = Field(description="What it is.")


# -- flow 2 (CC-10, RP-12 rev.2) --------------------------------------------------------------


@REGISTRY.register
class RenovationComplaintLinked(WorksEvent):
    """Callcenter's renovation complaint about the unit was linked to its active permit
    (RP-12 rev.2). A complaint is not a violation: it leads to an inspection."""

    event_type: ClassVar[str] = "RenovationComplaintLinked"
    model_config = _example(
        ticket_id="T-site-a-000123", unit_id=_U, inspection_id="INS-T-site-a-000123"
    )

    ticket_id: str = Field(min_length=1, max_length=64, description="Callcenter's ticket.")
    unit_id: str = Field(description="The unit complained of.", min_length=1, max_length=64)
    inspection_id: str = Field(min_length=1, max_length=80, description="Inspection asked.")


class InspectionEvent(EventPayload):
    """Fields every event of a unit's renovation-complaint record carries."""

    service: ClassVar[str] = "permits"
    stream_type: ClassVar[str | None] = "UnitComplaints"

    unit_id: str = Field(min_length=1, max_length=64, description="The unit complained of.")


@REGISTRY.register
class InspectionRequested(InspectionEvent):
    """Permits asks dispatch for an inspection work order for a renovation complaint
    (flow 2); a dispatcher issues it as in flow 1. `permit_id` None: the unit has no
    active permit, i.e. suspected unpermitted works (RP-12 rev.2)."""

    event_type: ClassVar[str] = "InspectionRequested"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit_id": _U,
                    "inspection_id": "INS-T-site-a-000123",
                    "ticket_id": "T-site-a-000123",
                    "permit_id": _P,
                    "suspected_unpermitted": False,
                    "location": "Unit B3-1203",
                    "content": "Renovation complaint: drilling after 20:00",
                    "requirements": "Inspect the works and record the finding",
                    "reply_by": "2026-12-06T02:00:00Z",
                }
            ]
        }
    )

    inspection_id: str = Field(
        description="The inspection (one per complaint).", min_length=1, max_length=80
    )
    ticket_id: str = Field(min_length=1, max_length=64, description="Callcenter's ticket.")
    permit_id: str | None = Field(default=None, max_length=64, description="Active permit.")
    suspected_unpermitted: bool = Field(description="No active permit for the unit.")
    location: str = Field(description="Where to inspect.", min_length=1, max_length=200)
    content: str = Field(description="What the complaint says.", min_length=1, max_length=2000)
    requirements: str = Field(
        description="What the inspection must do.", min_length=1, max_length=1000
    )
    reply_by: AwareDatetime = Field(description="When the inspection is needed by.")


@REGISTRY.register
class UnpermittedWorksSuspected(InspectionEvent):
    """A renovation complaint named a unit with no active permit (RP-12 rev.2)."""

    event_type: ClassVar[str] = "UnpermittedWorksSuspected"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit_id": _U,
                    "ticket_id": "T-site-a-000123",
                    "inspection_id": "INS-T-site-a-000123",
                }
            ]
        }
    )

    ticket_id: str = Field(description="Callcenter's ticket.", min_length=1, max_length=64)
    inspection_id: str = Field(
        description="The inspection (one per complaint).", min_length=1, max_length=80
    )


@REGISTRY.register
class InspectionFindingRecorded(WorksEvent):
    """Dispatch's inspector's finding, recorded on the permit (flow 2). Only a finding
    that records a violation climbs the RP-6 ladder (as `WorksViolationRecorded`)."""

    event_type: ClassVar[str] = "InspectionFindingRecorded"
    model_config = _example(
        inspection_id="INS-T-site-a-000123",
        work_order_id="WO-site-a-000042",
        inspector="eng-01",
        violation_found=True,
        serious=False,
        finding="Drilling at 21:10; told to stop",
    )

    inspection_id: str = Field(
        description="The inspection (one per complaint).", min_length=1, max_length=80
    )
    work_order_id: str = Field(
        description="Dispatch's inspection work order.", min_length=1, max_length=64
    )
    inspector: Staff
    violation_found: bool = Field(description="A violation was found (it climbs the RP-6 ladder).")
    serious: bool = Field(description="Marked serious by the inspector (RP-6).")
    finding: Text = Field(description="What the inspector found.")


@REGISTRY.register
class UnpermittedWorksInspected(InspectionEvent):
    """Dispatch's inspector's finding at a unit with no active permit (flow 2)."""

    event_type: ClassVar[str] = "UnpermittedWorksInspected"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit_id": _U,
                    "inspection_id": "INS-T-site-a-000123",
                    "work_order_id": "WO-site-a-000042",
                    "inspector": "eng-01",
                    "works_found": True,
                    "finding": "Walls being removed; no permit posted",
                }
            ]
        }
    )

    inspection_id: str = Field(
        description="The inspection (one per complaint).", min_length=1, max_length=80
    )
    work_order_id: str = Field(
        description="Dispatch's inspection work order.", min_length=1, max_length=64
    )
    inspector: Staff
    works_found: bool = Field(description="Renovation works were found going on.")
    finding: Text = Field(description="What the inspector found.")


# -- RP-7 hot work -------------------------------------------------------------------------


class HotWorkEvent(EventPayload):
    """Fields every event of a hot-work application carries (stream `hot-work-<id>`)."""

    service: ClassVar[str] = "permits"
    stream_type: ClassVar[str | None] = "HotWork"

    hot_work_id: str = Field(min_length=1, max_length=64, description="Hot-work application.")
    permit_id: str = Field(min_length=1, max_length=64, description="The renovation permit.")


def _hot(**fields: JsonValue) -> ConfigDict:
    return ConfigDict(
        json_schema_extra={"examples": [{"hot_work_id": "HW1", "permit_id": _P, **fields}]}
    )


@REGISTRY.register
class HotWorkApproved(HotWorkEvent):
    """One of the two approvals: engineering's or the concierge's, each by a different
    person (RP-7 rev.2)."""

    event_type: ClassVar[str] = "HotWorkApproved"
    model_config = _hot(department="engineering", approved_by="eng-01")

    department: Literal["engineering", "concierge"] = Field(description="The approving department.")
    approved_by: Staff


# -- RP-8 temporary power ---------------------------------------------------------------------


class TemporaryPowerEvent(EventPayload):
    """Fields every event of a temporary-power application carries (`temp-power-<id>`)."""

    service: ClassVar[str] = "permits"
    stream_type: ClassVar[str | None] = "TemporaryPower"

    power_id: str = Field(min_length=1, max_length=64, description="Temporary-power id.")
    permit_id: str = Field(min_length=1, max_length=64, description="The renovation permit.")


def _power(**fields: JsonValue) -> ConfigDict:
    return ConfigDict(
        json_schema_extra={"examples": [{"power_id": "TP1", "permit_id": _P, **fields}]}
    )


@REGISTRY.register
class TemporaryPowerApplied(TemporaryPowerEvent):
    """Temporary power was applied for (RP-8)."""

    event_type: ClassVar[str] = "TemporaryPowerApplied"
    model_config = _power(purpose="Site lighting and tools, 5 kW", received_by="cs-01")

    purpose: Text = Field(description="What the power is for.")
    received_by: Staff


@REGISTRY.register
class TemporaryPowerSupplied(TemporaryPowerEvent):
    """Engineering connected the temporary supply, after the charge (RP-8)."""

    event_type: ClassVar[str] = "TemporaryPowerSupplied"
    model_config = _power(supplied_by="eng-02", supplied_at="2026-12-05T02:00:00Z")

    supplied_by: Staff
    supplied_at: AwareDatetime = Field(description="When the supply was connected.")
