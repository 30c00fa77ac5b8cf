"""Fleet's HTTP routes, one `http_<area>` module per area."""

from fastapi import APIRouter

from fleet.entrypoints import (
    http_fuel,
    http_maintenance,
    http_requests,
    http_rewards,
    http_vehicles,
)

ROUTERS: list[APIRouter] = [
    http_vehicles.router,
    http_fuel.router,
    http_maintenance.router,
    http_rewards.router,
    http_requests.router,
]
