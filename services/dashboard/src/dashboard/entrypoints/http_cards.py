"""KPI catalogue, cards (company roll-up and sites) and the rows behind each card."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from opsledger.errors import NotFoundError

from dashboard.domain.catalogue import BY_KEY
from dashboard.domain.kpis import Kpi
from dashboard.domain.periods import Period, parse
from dashboard.views import cards
from dashboard.views.access import CurrentViewer, Viewer, settings_of

router = APIRouter(prefix="/api", tags=["cards"])


def kpi_of(viewer: Viewer, key: str) -> Kpi:
    kpi = BY_KEY.get(key)
    if kpi is None or (kpi.secrecy and not viewer.secrecy):
        raise NotFoundError("KPI", key)
    return kpi


def period_of(viewer: Viewer, text: str | None, site_id: str | None, sites: list[str]) -> Period:
    """The period named, in the site's calendar (company: the latest local today)."""
    todays = [viewer.today(s) for s in ([site_id] if site_id else sites)]
    today = max(todays) if todays else viewer.runtime.clock.now().date()
    return parse(text, today)


@router.get("/catalogue")
async def catalogue(request: Request, viewer: CurrentViewer) -> dict[str, Any]:
    settings = settings_of(request)
    return {
        "kpis": [cards.catalogue_entry(k, settings) for k in cards.visible_kpis(viewer.secrecy)]
    }


async def grid_answer(viewer: Viewer, period: str | None) -> dict[str, Any]:
    async with viewer.runtime.engine.connect() as conn:
        sites = await viewer.sites(conn)
        chosen = period_of(viewer, period, None, sites)
        found = await cards.page(
            conn,
            [(s, viewer.today(s)) for s in sites],
            chosen,
            cards.visible_kpis(viewer.secrecy),
            viewer.settings,
        )
    for site in found["sites"]:
        site["timezone"] = viewer.timezone(site["site_id"])
    return {
        "period": chosen.name,
        "previous_period": chosen.previous().name,
        "generated_at": datetime.now(UTC).isoformat(),
        **found,
    }


@router.get("/cards")
async def all_cards(viewer: CurrentViewer, period: str | None = None) -> dict[str, Any]:
    return await grid_answer(viewer, period)


@router.get("/sites/{site_id}/cards")
async def site_cards(
    site_id: str, viewer: CurrentViewer, period: str | None = None
) -> dict[str, Any]:
    viewer.check_site(site_id)
    async with viewer.runtime.engine.connect() as conn:
        chosen = period_of(viewer, period, site_id, [site_id])
        found = await cards.page(
            conn,
            [(site_id, viewer.today(site_id))],
            chosen,
            cards.visible_kpis(viewer.secrecy),
            viewer.settings,
        )
    return {
        "site_id": site_id,
        "timezone": viewer.timezone(site_id),
        "period": chosen.name,
        "previous_period": chosen.previous().name,
        "generated_at": datetime.now(UTC).isoformat(),
        "cards": found["sites"][0]["cards"],
    }


async def rows_answer(
    viewer: Viewer, kpi_key: str, site_id: str | None, period: str | None
) -> dict[str, Any]:
    kpi = kpi_of(viewer, kpi_key)
    if site_id is not None:
        viewer.check_site(site_id)
    async with viewer.runtime.engine.connect() as conn:
        sites = [site_id] if site_id else await viewer.sites(conn)
        chosen = period_of(viewer, period, site_id, sites)
        today = max(viewer.today(s) for s in sites) if sites else chosen.last
        return await cards.drill_down(conn, kpi, sites, site_id, chosen, viewer.settings, today)


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
