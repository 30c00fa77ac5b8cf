"""KPI catalogue, cards (company roll-up and sites) and the rows behind each card."""

from typing import Any

from fastapi import APIRouter, Request

from dashboard.views import cards
from dashboard.views.access import CurrentViewer, settings_of
from dashboard.views.answers import grid_answer, rows_answer, site_answer

# (grid_answer and rows_answer are also the page's: import them from views.answers)
__all__ = ["grid_answer", "router", "rows_answer"]

router = APIRouter(prefix="/api", tags=["cards"])


@router.get("/catalogue")
async def catalogue(request: Request, viewer: CurrentViewer) -> dict[str, Any]:
    settings = settings_of(request)
    return {
        "kpis": [cards.catalogue_entry(k, settings) for k in cards.visible_kpis(viewer.secrecy)]
    }


@router.get("/cards")
async def all_cards(viewer: CurrentViewer, period: str | None = None) -> dict[str, Any]:
    return await grid_answer(viewer, period)


@router.get("/sites/{site_id}/cards")
async def site_cards(
    site_id: str, viewer: CurrentViewer, period: str | None = None
) -> dict[str, Any]:
    return await site_answer(viewer, site_id, period)


@router.get("/sites/{site_id}/kpis/{kpi}/rows")
async def site_rows(
    site_id: str, kpi: str, viewer: CurrentViewer, period: str | None = None
) -> dict[str, Any]:
    return await rows_answer(viewer, kpi, site_id, period)


@router.get("/kpis/{kpi}/rows")
async def company_rows(
    kpi: str, viewer: CurrentViewer, period: str | None = None
) -> dict[str, Any]:
    return await rows_answer(viewer, kpi, None, period)
