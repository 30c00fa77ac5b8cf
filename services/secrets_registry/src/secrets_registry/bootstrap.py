"""Composition root of secrets_registry: what the kernel runs for this service.

Loaders, not lists: the aggregates here, and the rooms (workflows, read models, inbound,
routes) by `ServiceDefinition.from_rooms`, are imported when a process asks for them,
never when the entry point is read.
"""

from collections.abc import Sequence
from typing import Any

from opsledger.decider import Aggregate
from opsledger.service import ServiceDefinition

from secrets_registry.domain.audit import RegistryRead
from secrets_registry.domain.carriers.events import CARRIER_EVENTS
from secrets_registry.domain.locations.events import LOCATION_EVENTS
from secrets_registry.domain.personnel.private import PRIVATE_EVENTS as PERSONNEL_PRIVATE
from secrets_registry.domain.rules import RegistryRules
from secrets_registry.domain.twoperson import TWO_PERSON_EVENTS


def _aggregates() -> Sequence[Aggregate[Any, Any]]:
    from secrets_registry.domain.audit import READ_AUDIT
    from secrets_registry.domain.carriers import CARRIER, CARRIER_REGISTER
    from secrets_registry.domain.locations import KEY_LOCATION
    from secrets_registry.domain.personnel import PERSON
    from secrets_registry.domain.twoperson import TWO_PERSON

    return [PERSON, CARRIER, CARRIER_REGISTER, KEY_LOCATION, TWO_PERSON, READ_AUDIT]


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
    # Carriers, who holds them, two-person confirmations, entries and every read: never
    # published either (item 7); key locations publish only their entry lists.
    private_events=(
        *PERSONNEL_PRIVATE,
        *CARRIER_EVENTS,
        *LOCATION_EVENTS,
        *TWO_PERSON_EVENTS,
        RegistryRead,
    ),
    site_rules=RegistryRules,
)
