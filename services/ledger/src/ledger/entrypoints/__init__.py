"""The ledger's HTTP routes, one `http_<area>` module per area."""

from fastapi import APIRouter

from ledger.entrypoints import http_statements

ROUTERS: list[APIRouter] = [http_statements.router]
