"""Permits' HTTP routes, one `http_<area>` module per area."""

from fastapi import APIRouter

from permits.entrypoints import http_acceptance, http_permits, http_units

ROUTERS: list[APIRouter] = [http_units.router, http_permits.router, http_acceptance.router]
