"""Composition root of fleet: what the kernel runs for this service."""

from opsledger.service import ServiceDefinition

from fleet.domain.rules import FleetRules


def _aggregates():  # type: ignore[no-untyped-def]
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


def _workflows():  # type: ignore[no-untyped-def]
    from fleet.handlers import WORKFLOWS
    from fleet.repairs import REPAIR_WORKFLOWS
    from fleet.requests import ANSWER
    from fleet.rewards import REWARD_WORKFLOWS

    return [*WORKFLOWS, *REPAIR_WORKFLOWS, *REWARD_WORKFLOWS, ANSWER]


def _read_models():  # type: ignore[no-untyped-def]
    from fleet.readmodels import READ_MODELS
    from fleet.readmodels_assessment import ASSESSMENT_READ_MODELS
    from fleet.readmodels_maintenance import MAINTENANCE_READ_MODELS

    return [*READ_MODELS, *MAINTENANCE_READ_MODELS, *ASSESSMENT_READ_MODELS]


def _inbound():  # type: ignore[no-untyped-def]
    from fleet.requests import INBOUND

    return INBOUND


def _routers():  # type: ignore[no-untyped-def]
    from fleet.entrypoints import http_fuel, http_maintenance, http_rewards, http_vehicles

    return [http_vehicles.router, http_fuel.router, http_maintenance.router, http_rewards.router]


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
