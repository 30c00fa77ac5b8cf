"""Composition root of fleet: what the kernel runs for this service.

Loaders, not lists: the rooms (workflows, read models, inbound, routes) are imported when
a process asks for them, never when the entry point is read.
"""

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter
from opsledger.decider import Aggregate
from opsledger.pipeline import Inbound, Workflow
from opsledger.readmodels import ReadModel
from opsledger.service import ServiceDefinition

from fleet.domain.rules import FleetRules


def _aggregates() -> Sequence[Aggregate[Any, Any]]:
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
    ]


def _workflows() -> Sequence[Workflow[Any]]:
    from fleet.workflows import WORKFLOWS

    return WORKFLOWS


def _read_models() -> Sequence[ReadModel[Any]]:
    from fleet.readmodels import READ_MODELS

    return READ_MODELS


def _inbound() -> Sequence[Inbound]:
    from fleet.inbound import INBOUND

    return INBOUND


def _routers() -> Sequence[APIRouter]:
    from fleet.entrypoints import ROUTERS

    return ROUTERS


definition = ServiceDefinition(
    name="fleet",
    title="Fleet and fuel",
    default_port=8103,
    description=(
        "Vehicles, certified drivers, dispatch log, fuel reconciliation, penalties and "
        "rewards, and vehicles for work orders (flow 3)."
    ),
    routers=_routers,
    aggregates=_aggregates,
    workflows=_workflows,
    read_models=_read_models,
    inbound=_inbound,
    site_rules=FleetRules,
)
