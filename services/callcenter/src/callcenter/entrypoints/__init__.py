"""Callcenter's HTTP routes, one `http_<area>` module per area."""

from fastapi import APIRouter

from callcenter.entrypoints import (
    http_calls,
    http_customers,
    http_diagnostics,
    http_rosters,
    http_tickets,
)

ROUTERS: list[APIRouter] = [
    http_tickets.router,
    http_customers.router,
    http_rosters.router,
    http_calls.router,
    http_diagnostics.router,
]
