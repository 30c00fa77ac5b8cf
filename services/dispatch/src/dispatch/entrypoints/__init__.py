"""Dispatch's HTTP routes, one `http_<area>` module per area."""

from fastapi import APIRouter

from dispatch.entrypoints import (
    http_desk,
    http_inspections,
    http_reporting_lines,
    http_secrecy,
    http_work_orders,
)

ROUTERS: list[APIRouter] = [
    http_work_orders.router,
    http_desk.router,
    http_reporting_lines.router,
    http_secrecy.router,
    http_inspections.router,
]
