"""Composition root of dispatch: what the kernel runs for this service.

Loaders, not lists: the aggregates here, and the rooms (workflows, read models, inbound,
routes) by `ServiceDefinition.from_rooms`, are imported when a process asks for them,
never when the entry point is read.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from opsledger.decider import Aggregate
from opsledger.service import ServiceDefinition

from dispatch.domain.clearances import PRIVATE_EVENTS as CLEARANCE_EVENTS
from dispatch.domain.key_locations import PRIVATE_EVENTS as KEY_LOCATION_EVENTS
from dispatch.domain.private_events import PRIVATE_EVENTS
from dispatch.domain.rules import DispatchRules


def _aggregates() -> Sequence[Aggregate[Any, Any]]:
    from dispatch.domain.clearances import CLEARANCE
    from dispatch.domain.diagnostics import PING_RECEIPT
    from dispatch.domain.fault_history import FAULT_HISTORY
    from dispatch.domain.key_locations import KEY_LOCATION
    from dispatch.domain.reporting_line import REPORTING_LINE
    from dispatch.domain.requests import REQUEST
    from dispatch.domain.reviews import END_OF_DAY_REVIEW
    from dispatch.domain.work_order import WORK_ORDER

    return [
        WORK_ORDER,
        END_OF_DAY_REVIEW,
        REQUEST,
        FAULT_HISTORY,
        PING_RECEIPT,
        REPORTING_LINE,
        CLEARANCE,  # flow 4: the registry's clearances and key locations (WO-12)
        KEY_LOCATION,
    ]


definition = ServiceDefinition.from_rooms(
    "dispatch",
    title="Work-order dispatcher",
    default_port=8102,
    description="Work orders: issue, accept, escalate, complete, sign-off, callback, archive.",
    aggregates=_aggregates,
    private_events=(*PRIVATE_EVENTS, *CLEARANCE_EVENTS, *KEY_LOCATION_EVENTS),
    migrations=Path(__file__).parent / "migrations",
    site_rules=DispatchRules,
)
