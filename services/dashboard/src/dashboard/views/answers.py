"""The answers of the JSON routes (and the page): each opens its read connection here, so
the entrypoints only call them."""

from datetime import UTC, datetime
from typing import Any

from dashboard.domain.catalogue import BY_KEY
from dashboard.domain.kpis import Kpi
from dashboard.domain.periods import Period, parse
from dashboard.views import cards
from dashboard.views.access import Viewer
from opsledger.errors import NotFoundError


def kpi_of(viewer: Viewer, key: str) -> Kpi:
    """The KPI `key` as this caller may see it; unknown or secret: 404."""
    kpi = BY_KEY.get(key)
    if kpi is None or (kpi.secrecy and not viewer.secrecy):
        raise NotFoundError("KPI", key)
    return kpi


def period_of(viewer: Viewer, text: str | None, site_id: str | None, sites: list[str]) -> Period:
    """The period named, in the site's calendar (company: the latest local today)."""
    todays = [viewer.today(s) for s in ([site_id] if site_id else sites)]
    today = max(todays) if todays else viewer.runtime.clock.now().date()
    return parse(text, today)


async def grid_answer(viewer: Viewer, period: str | None) -> dict[str, Any]:
    """`GET /api/cards`: the company roll-up and the grid of the caller's sites."""
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


async def site_answer(viewer: Viewer, site_id: str, period: str | None) -> dict[str, Any]:
    """`GET /api/sites/{site}/cards`: one site's cards (another site: 404)."""
    viewer.check_site(site_id)
    chosen = period_of(viewer, period, site_id, [site_id])
    async with viewer.runtime.engine.connect() as conn:
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
    """The rows behind a card of a site, or company-wide (`site_id` None)."""
    kpi = kpi_of(viewer, kpi_key)
    if site_id is not None:
        viewer.check_site(site_id)
    async with viewer.runtime.engine.connect() as conn:
        sites = [site_id] if site_id else await viewer.sites(conn)
        chosen = period_of(viewer, period, site_id, sites)
        today = max(viewer.today(s) for s in sites) if sites else chosen.last
        return await cards.drill_down(conn, kpi, sites, site_id, chosen, viewer.settings, today)


async def me_answer(viewer: Viewer) -> dict[str, Any]:
    """`GET /api/me`: who is signed in and the sites they may see."""
    async with viewer.runtime.engine.connect() as conn:
        sites = await viewer.sites(conn)
    return {
        "staff_id": viewer.principal.staff_id,
        "roles": sorted(viewer.principal.roles),
        "sites": [{"site_id": s, "timezone": viewer.timezone(s)} for s in sites],
        "secrecy": viewer.secrecy,
    }


async def site_zones(viewer: Viewer) -> set[str]:
    """The time zones of the caller's sites (the page's company cards: one zone or UTC)."""
    async with viewer.runtime.engine.connect() as conn:
        return {viewer.timezone(s) for s in await viewer.sites(conn)}
