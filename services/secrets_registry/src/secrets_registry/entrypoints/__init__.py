"""The registry's HTTP routes, one `http_<area>` module per area."""

from fastapi import APIRouter

from secrets_registry.entrypoints import http_personnel

ROUTERS: list[APIRouter] = [http_personnel.router]
