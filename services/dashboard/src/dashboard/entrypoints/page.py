"""The page's routers (dash-b), picked up by `entrypoints/__init__.py`."""

from fastapi import APIRouter

from dashboard.entrypoints.http_page import router

ROUTERS: list[APIRouter] = [router]
