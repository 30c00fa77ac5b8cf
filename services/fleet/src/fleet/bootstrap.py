"""Composition root of fleet: what the kernel runs for this service.

Loaders, not lists: the aggregates here, and the rooms (workflows, read models, inbound,
routes) by `ServiceDefinition.from_rooms`, are imported when a process asks for them,
never when the entry point is read.
"""

from collections.abc import Sequence
from typing import Any

from opsledger.decider import Aggregate
from opsledger.service import ServiceDefinition

from fleet.domain.assessment import PRIVATE_EVENTS as ASSESSMENT_EVENTS
from fleet.domain.drivers import PRIVATE_EVENTS as DRIVER_EVENTS
from fleet.domain.fuel.events import PRIVATE_EVENTS as FUEL_EVENTS
from fleet.domain.rules import FleetRules
from fleet.domain.vehicles.events import PRIVATE_EVENTS as VEHICLE_EVENTS


def _aggregates() -> Sequence[Aggregate[Any, Any]]:
    from fleet.domain.assessment import ASSESSMENT_MONTH
    from fleet.domain.conduct import CONDUCT
    from fleet.domain.drivers import DRIVER
    from fleet.domain.fuel import FUEL_MONTH
    from fleet.domain.maintenance import PARTS_PURCHASE, REPAIR
    from fleet.domain.requests import VEHICLE_REQUEST
    from fleet.domain.rewards import REWARD_MONTH
    from fleet.domain.vehicles import VEHICLE

    return [
        VEHICLE,
        DRIVER,
        FUEL_MONTH,
        CONDUCT,
        VEHICLE_REQUEST,
        REPAIR,
        PARTS_PURCHASE,
        REWARD_MONTH,
        ASSESSMENT_MONTH,
    ]


definition = ServiceDefinition.from_rooms(
    "fleet",
    title="Fleet and fuel",
    default_port=8103,
    description=(
        "Vehicles, certified drivers, dispatch log, fuel reconciliation, penalties and "
        "rewards, and vehicles for work orders (flow 3)."
    ),
    aggregates=_aggregates,
    # Fleet's bookkeeping: a driver's trip claims and a repair's hold on a fault (FL-2),
    # a month's reconciling day (FL-5 rev.2), a deduction noted on its month (FL-10).
    private_events=(*DRIVER_EVENTS, *VEHICLE_EVENTS, *FUEL_EVENTS, *ASSESSMENT_EVENTS),
    site_rules=FleetRules,
)
