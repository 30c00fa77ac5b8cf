"""Composition root of the dashboard: what the kernel runs for this service.

A read side: it consumes every service's published contracts (inbound), keeps the facts
it needs in its own store (one `Record` stream per source record) and derives the KPI
rows from them, so `opsledger rebuild dashboard` needs nothing but its own database.
"""

from collections.abc import Sequence
from typing import Any

from opsledger.decider import Aggregate
from opsledger.service import ServiceDefinition

from dashboard.domain.records.events import PRIVATE_EVENTS


def _aggregates() -> Sequence[Aggregate[Any, Any]]:
    from dashboard.domain.records import RECORD

    return [RECORD]


definition = ServiceDefinition.from_rooms(
    "dashboard",
    title="Operations dashboard",
    default_port=8107,
    description=(
        "KPI cards per site against targets, live, with the rows behind every number and "
        "CSV; fed only by the published events of the five services."
    ),
    aggregates=_aggregates,
    # The facts consumed are kept, never published (they are the other services' to publish).
    private_events=PRIVATE_EVENTS,
)
