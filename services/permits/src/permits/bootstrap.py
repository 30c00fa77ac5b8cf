"""Composition root of permits: what the kernel runs for this service.

Loaders, not lists: the aggregates here, and the rooms (workflows, read models, inbound,
routes) by `ServiceDefinition.from_rooms`, are imported when a process asks for them,
never when the entry point is read.
"""

from collections.abc import Sequence
from typing import Any

from opsledger.decider import Aggregate
from opsledger.service import ServiceDefinition

from permits.domain.permit.events import PRIVATE_EVENTS as PERMIT_PRIVATE
from permits.domain.rules import PermitRules
from permits.domain.units.events import PRIVATE_EVENTS as UNIT_PRIVATE


def _aggregates() -> Sequence[Aggregate[Any, Any]]:
    from permits.domain.permit import PERMIT
    from permits.domain.units import UNIT

    return [UNIT, PERMIT]


definition = ServiceDefinition.from_rooms(
    "permits",
    title="Renovation permits",
    default_port=8104,
    description=(
        "Unit register, applications, review, fees, passes, scope changes, acceptance, "
        "deposit refunds (RP-1 … RP-11)."
    ),
    aggregates=_aggregates,
    # Owners', workers' and contractors' names, fees and passes never leave permits.
    private_events=(*UNIT_PRIVATE, *PERMIT_PRIVATE),
    site_rules=PermitRules,
)
