"""The registry's HTTP routes, one `http_<area>` module per area."""

from fastapi import APIRouter

from secrets_registry.entrypoints import (
    http_audit,
    http_carriers,
    http_leaving,
    http_locations,
    http_personnel,
)

ROUTERS: list[APIRouter] = [
    http_personnel.router,
    http_leaving.router,
    http_carriers.router,
    http_locations.router,
    http_audit.router,
]
