"""Permits' own published milestones that open and close a permit's works record.

The permit's stream (the lifecycle) and the works record (conduct) are separate
aggregates; the start and end of works reach the works record as the published
`RenovationWorksStarted` / `RenovationWorksFinished`, exactly as another service would
see them, so the lifecycle knows nothing of patrols (RP-5 rev.2: patrolled every day
from the start of works to their end).
"""

from opsledger.pipeline import Inbound
from opsledger_contracts import EventEnvelope, EventPayload, events_topic
from opsledger_contracts.events.permits import RenovationWorksFinished, RenovationWorksStarted

from permits.workflows.flow2 import CloseWorksRecord, OpenWorksRecord


def works_started(started: EventPayload, envelope: EventEnvelope) -> OpenWorksRecord:
    assert isinstance(started, RenovationWorksStarted)
    return OpenWorksRecord(
        site_id=envelope.site_id,
        permit_id=started.permit_id,
        unit_id=started.unit_id,
        started_at=envelope.occurred_at,
    )


def works_finished(finished: EventPayload, envelope: EventEnvelope) -> CloseWorksRecord:
    assert isinstance(finished, RenovationWorksFinished)
    return CloseWorksRecord(envelope.site_id, finished.permit_id, "works finished")


INBOUND = [
    Inbound(
        name="works-started",
        topic=events_topic("permits"),
        events=(RenovationWorksStarted,),
        policy=works_started,
        component="patrols",
    ),
    Inbound(
        name="works-finished",
        topic=events_topic("permits"),
        events=(RenovationWorksFinished,),
        policy=works_finished,
        component="patrols",
    ),
]
