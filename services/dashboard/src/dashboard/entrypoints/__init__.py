"""The dashboard's HTTP routers: the JSON API (`http_*`) and the page (`page*`, dash-b's)."""

import importlib
import importlib.util

from fastapi import APIRouter

from dashboard.entrypoints import http_cards, http_export, http_live, http_session


def _page_routers() -> list[APIRouter]:
    # The page's modules expose `ROUTERS` (entrypoints/page.py); absent until they land.
    name = "dashboard.entrypoints.page"
    if importlib.util.find_spec(name) is None:
        return []
    return list(importlib.import_module(name).ROUTERS)


# the CSV routes before the JSON ones: `rows.csv` is not a `{kpi}`'s `rows`
ROUTERS: list[APIRouter] = [
    http_session.router,
    http_export.router,
    http_cards.router,
    http_live.router,
    *_page_routers(),
]
