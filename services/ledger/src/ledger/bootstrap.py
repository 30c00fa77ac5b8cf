"""Composition root of the ledger: what the kernel runs for this service.

Loaders, not lists: the aggregates here, and the rooms (workflows, read models, inbound,
routes) by `ServiceDefinition.from_rooms`, are imported when a process asks for them,
never when the entry point is read.
"""

from collections.abc import Sequence
from typing import Any

from opsledger.decider import Aggregate
from opsledger.service import Check, ServiceDefinition

from ledger.domain.entries import PRIVATE_EVENTS as ENTRY_EVENTS
from ledger.domain.month import PRIVATE_EVENTS as MONTH_EVENTS
from ledger.domain.people import PRIVATE_EVENTS as PEOPLE_EVENTS


def _aggregates() -> Sequence[Aggregate[Any, Any]]:
    from ledger.domain.entries import ENTRIES
    from ledger.domain.month import MONTH
    from ledger.domain.people import PEOPLE

    return [MONTH, PEOPLE, ENTRIES]


def _checks() -> Sequence[Check]:
    from ledger.domain.month.arithmetic import check_ledger

    return [check_ledger]


definition = ServiceDefinition.from_rooms(
    "ledger",
    title="Monthly ledger",
    default_port=8106,
    description=(
        "One monthly ledger per person across every service (flow 5): statements, month "
        "closes that never change, the payroll feed."
    ),
    aggregates=_aggregates,
    # The ledger's bookkeeping: entries applied, months closed, people, claimed entry ids.
    private_events=(*MONTH_EVENTS, *PEOPLE_EVENTS, *ENTRY_EVENTS),
    checks=_checks,  # opsledger verify ledger: the statements add up
)
