"""Dispatch's events that become permits commands (pure policies): flow 2's return."""

from opsledger.pipeline import Inbound
from opsledger_contracts import EventEnvelope, EventPayload, events_topic
from opsledger_contracts.events.dispatch import InspectionFindingReported

from permits.domain.complaints import RecordUnpermittedFinding
from permits.domain.conduct.commands import RecordInspectionFinding


def finding_reported(
    finding: EventPayload, envelope: EventEnvelope
) -> RecordInspectionFinding | RecordUnpermittedFinding:
    """The inspector's finding: on the permit (where a violation climbs the RP-6 ladder),
    or on the unit when there was no active permit (suspected unpermitted works)."""
    assert isinstance(finding, InspectionFindingReported)
    if finding.permit_id is None:
        return RecordUnpermittedFinding(
            site_id=envelope.site_id,
            unit_id=finding.unit_id,
            inspection_id=finding.inspection_id,
            work_order_id=finding.work_order_id,
            inspector=finding.inspector,
            works_found=finding.violation_found,
            finding=finding.finding,
        )
    return RecordInspectionFinding(
        permit_id=finding.permit_id,
        inspection_id=finding.inspection_id,
        work_order_id=finding.work_order_id,
        inspector=finding.inspector,
        inspector_role=finding.inspector_role,
        inspected_at=finding.inspected_at,
        violation_found=finding.violation_found,
        serious=finding.serious,
        finding=finding.finding,
    )


INBOUND = [
    Inbound(
        name="inspection-findings",
        topic=events_topic("dispatch"),
        events=(InspectionFindingReported,),
        policy=finding_reported,
        component="inspections",
    ),
]
