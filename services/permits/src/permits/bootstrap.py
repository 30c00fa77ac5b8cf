"""Composition root of permits: what the kernel runs for this service.

Loaders, not lists: the aggregates here, and the rooms (workflows, read models, inbound,
routes) by `ServiceDefinition.from_rooms`, are imported when a process asks for them,
never when the entry point is read.
"""

from collections.abc import Sequence
from typing import Any

from opsledger.decider import Aggregate
from opsledger.service import ServiceDefinition

from permits.domain.complaints import PRIVATE_EVENTS as COMPLAINT_PRIVATE
from permits.domain.conduct.events import PRIVATE_EVENTS as WORKS_PRIVATE
from permits.domain.conduct.ladder_events import LADDER_PRIVATE_EVENTS
from permits.domain.hotwork.events import PRIVATE_EVENTS as HOT_WORK_PRIVATE
from permits.domain.permit.events import PRIVATE_EVENTS as PERMIT_PRIVATE
from permits.domain.power.events import PRIVATE_EVENTS as POWER_PRIVATE
from permits.domain.rules import PermitRules
from permits.domain.units.events import PRIVATE_EVENTS as UNIT_PRIVATE


def _aggregates() -> Sequence[Aggregate[Any, Any]]:
    from permits.domain.complaints import UNIT_COMPLAINTS
    from permits.domain.conduct import WORKS
    from permits.domain.hotwork import HOT_WORK
    from permits.domain.permit import PERMIT
    from permits.domain.power import TEMPORARY_POWER
    from permits.domain.units import UNIT

    # perm-b: works conduct (RP-5 … RP-8, RP-10) and flow 2's unit complaints.
    return [UNIT, PERMIT, WORKS, HOT_WORK, TEMPORARY_POWER, UNIT_COMPLAINTS]


definition = ServiceDefinition.from_rooms(
    "permits",
    title="Renovation permits",
    default_port=8104,
    description=(
        "Unit register, applications, review, fees, passes, scope changes, acceptance, "
        "deposit refunds (RP-1 … RP-11); patrols, violations, hot work, temporary power "
        "and renovation complaints that become inspections (RP-5 … RP-12, flow 2)."
    ),
    aggregates=_aggregates,
    # Owners', workers' and contractors' names, fees and passes never leave permits.
    private_events=(
        *UNIT_PRIVATE,
        *PERMIT_PRIVATE,
        *WORKS_PRIVATE,
        *LADDER_PRIVATE_EVENTS,
        *HOT_WORK_PRIVATE,
        *POWER_PRIVATE,
        *COMPLAINT_PRIVATE,
    ),
    site_rules=PermitRules,
)
