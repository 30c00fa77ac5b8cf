"""Composition root of secrets_registry: what the kernel runs for this service.

Loaders, not lists: the aggregates here, and the rooms (workflows, read models, inbound,
routes) by `ServiceDefinition.from_rooms`, are imported when a process asks for them,
never when the entry point is read.
"""

from collections.abc import Sequence
from typing import Any

from opsledger.decider import Aggregate
from opsledger.service import ServiceDefinition

from secrets_registry.domain.personnel.private import PRIVATE_EVENTS as PERSONNEL_PRIVATE
from secrets_registry.domain.rules import RegistryRules


def _aggregates() -> Sequence[Aggregate[Any, Any]]:
    from secrets_registry.domain.personnel import PERSON

    return [PERSON]


definition = ServiceDefinition.from_rooms(
    "secrets_registry",
    title="Secrets registry",
    default_port=8105,
    description=(
        "Classified personnel and carriers: levels, pledges, declassification, "
        "controlled movement, audited reads."
    ),
    aggregates=_aggregates,
    # Personnel files, vetting, pledges, custody: never published (issue 20 item 7).
    private_events=PERSONNEL_PRIVATE,
    site_rules=RegistryRules,
)
