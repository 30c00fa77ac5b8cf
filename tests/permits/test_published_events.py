"""What permits publishes: milestones other departments need, never a name or an amount;
owners', workers' and contractors' names, fees and refunds stay in private events."""

from opsledger.catalog import EventCatalog
from permits.bootstrap import definition

from tests.permits.conftest import Permits

PUBLISHED = {
    "PermitApplied",
    "PermitApproved",
    "PermitRejected",
    "PermitReviewOverdue",
    "RenovationWorksStarted",
    "RenovationWorksFinished",
    "RenovationAccepted",
    "DepositRefunded",
    "DepositRefundOverdue",
    # perm-b, works conduct and flow 2: no names (the ladder's signatures, the occupant,
    # the owner, the fire supervisor) and no amounts (temporary power) leave permits.
    "PatrolRecorded",
    "SeriousViolationReported",
    "PatrolMissed",
    "WorksCheckRecorded",
    "WorksViolationRecorded",
    "WorksViolationWithdrawn",
    "RectificationChecked",
    "WorksRequestApproved",
    "RenovationComplaintLinked",
    "InspectionFindingRecorded",
    "InspectionRequested",
    "UnpermittedWorksSuspected",
    "UnpermittedWorksInspected",
    "HotWorkApproved",
    "TemporaryPowerApplied",
    "TemporaryPowerSupplied",
}
PERSONAL = {"name", "owners", "workers", "applicant_id", "contractor", "amount_fen", "fees"}
# perm-b: the ladder's and hot work's names, temporary power's price.
PERSONAL |= {"owner", "issued_to", "contractor_signed_by", "fire_supervisor", "price_fen"}


def test_the_relay_publishes_the_milestones_and_nothing_personal() -> None:
    catalog = EventCatalog(definition.private_events, service="permits")

    assert catalog.public_event_types == PUBLISHED
    for event_type in catalog.public_event_types:
        fields = set(catalog.registry.latest(event_type).model_fields)
        assert not fields & PERSONAL, (event_type, fields & PERSONAL)


async def test_every_event_a_walk_records_is_appendable_and_typed(permits: Permits) -> None:
    await permits.started()
    catalog = EventCatalog(definition.private_events, service="permits")
    recorded = {e.event_type for e in await permits.events()}
    published = recorded & catalog.public_event_types
    assert published == {"PermitApplied", "PermitApproved", "RenovationWorksStarted"}
    assert recorded - published <= catalog.private_event_types
