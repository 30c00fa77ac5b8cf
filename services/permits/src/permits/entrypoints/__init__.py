"""Permits' HTTP routes, one `http_<area>` module per area."""

from fastapi import APIRouter

from permits.entrypoints import (
    http_acceptance,
    http_conduct,
    http_permits,
    http_units,
    http_works,
)

ROUTERS: list[APIRouter] = [
    http_units.router,
    http_permits.router,
    http_acceptance.router,
    http_conduct.router,
    http_works.router,
]
