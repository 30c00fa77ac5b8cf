"""Composition root of callcenter: what the kernel runs for this service.

Loaders, not lists: the aggregates here, and the rooms (workflows, read models, inbound,
routes) by `ServiceDefinition.from_rooms`, are imported when a process asks for them,
never when the entry point is read.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from opsledger.decider import Aggregate
from opsledger.service import ServiceDefinition

from callcenter.domain.customers import PRIVATE_EVENTS
from callcenter.domain.repairs import PRIVATE_EVENTS as REPAIR_EVENTS
from callcenter.domain.rules import CallcenterRules


def _aggregates() -> Sequence[Aggregate[Any, Any]]:
    from callcenter.domain.calls import CALL, SEAT
    from callcenter.domain.customers import CUSTOMER
    from callcenter.domain.diagnostics import PING
    from callcenter.domain.repairs import REPAIR
    from callcenter.domain.rosters import HANDOVER, ROSTER
    from callcenter.domain.tickets import TICKET

    return [TICKET, CUSTOMER, ROSTER, HANDOVER, CALL, SEAT, PING, REPAIR]


definition = ServiceDefinition.from_rooms(
    "callcenter",
    title="Call center",
    default_port=8101,
    description="Complaints, repair requests and inquiries; SLAs, callbacks, rosters.",
    # No tables of our own: read-model tables are the kernel's (callcenter_0003 dropped
    # the hand-written projection tables).
    metadata=sa.MetaData(),
    aggregates=_aggregates,
    # CC-7: customer personal data is stored, never published; CC-6: the repairs we
    # follow restate dispatch's published facts.
    private_events=PRIVATE_EVENTS + REPAIR_EVENTS,
    migrations=Path(__file__).parent / "migrations",
    site_rules=CallcenterRules,
)
