"""The dashboard's HTML page (dash-b): card grid, drill-down lists, sign-in, live updates.

Server-rendered from the same answers as the JSON API (`http_cards`), so the page shows
exactly what `/api/...` says. Live: one SSE stream per page whose named events carry the
card's HTML (htmx `sse-swap`). Every asset is served from this process; nothing leaves
the host. Signed out, a page redirects to `/sign-in`; another site's URL answers 404.
"""

from collections.abc import AsyncIterable
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from opsledger.auth import AuthError
from opsledger.errors import DomainError

from dashboard.entrypoints.http_cards import grid_answer, rows_answer
from dashboard.views import cards
from dashboard.views.access import Viewer, settings_of, viewer
from dashboard.views.answers import site_zones
from dashboard.views.live import card_changes
from dashboard.views.page import screens
from dashboard.views.page.cards import card_inner
from dashboard.views.page.i18n import LANG_COOKIE, Lang, choose, parse_lang, text
from dashboard.views.page.layout import CSP, document

router = APIRouter(include_in_schema=False)

STATIC_DIR = Path(__file__).resolve().parent.parent / "views" / "page" / "static"
_ASSETS = {
    "htmx.min.js": "text/javascript",
    "htmx-ext-sse.min.js": "text/javascript",
    "dashboard.css": "text/css",
}
_YEAR = 365 * 24 * 3600


def _lang(request: Request) -> Lang:
    return choose(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def _page(request: Request, title: str, body: str, *, status: int = 200, **kw: Any) -> Response:
    lang = _lang(request)
    query = {k: v for k, v in request.query_params.items() if k in {"period", "error"}}
    html = document(lang=lang, title=title, body=body, path=request.url.path, query=query, **kw)
    answer = HTMLResponse(html, status_code=status)
    answer.headers["Content-Security-Policy"] = CSP
    answer.headers["Content-Language"] = lang
    answer.headers["Cache-Control"] = "no-store"
    chosen = parse_lang(request.query_params.get("lang"))
    if chosen is not None:  # the switch on the page: remembered for the next visits
        answer.set_cookie(LANG_COOKIE, chosen, max_age=_YEAR, path="/", samesite="lax")
    return answer


async def _viewer_or_none(request: Request) -> Viewer | None:
    try:
        return await viewer(request)
    except AuthError:
        return None


def _to_sign_in(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/sign-in?" + urlencode({"next": target}), status_code=303)


def _refused(request: Request, error: DomainError) -> Response:
    """404 (another site looks exactly like an unknown one) or 422 naming the field."""
    lang = _lang(request)
    status = 404 if error.status == 404 else 422
    words = text(lang, "not_found") if status == 404 else str(error)
    body = f'<h2>{escape(words)}</h2><p><a href="/">{escape(text(lang, "back"))}</a></p>'
    return _page(request, words, body, status=status, staff_id=None)


def _catalogue(request: Request, who: Viewer) -> list[dict[str, Any]]:
    settings = settings_of(request)
    return [cards.catalogue_entry(k, settings) for k in cards.visible_kpis(who.secrecy)]


@router.get("/", response_class=HTMLResponse)
async def dashboard_page(request: Request, period: str | None = None) -> Response:
    """The company roll-up and a grid of the caller's sites."""
    who = await _viewer_or_none(request)
    if who is None:
        return _to_sign_in(request)
    try:
        board = await grid_answer(who, period)
    except DomainError as error:
        return _refused(request, error)
    lang = _lang(request)
    stream = "/page/events?" + urlencode({"period": board["period"], "lang": lang})
    body = screens.grid_page_body(
        board, _catalogue(request, who), lang=lang, now=datetime.now(UTC), stream_url=stream
    )
    return _page(request, text(lang, "title"), body, staff_id=who.principal.staff_id, live=True)


async def _drill(request: Request, kpi: str, site_id: str | None, period: str | None) -> Response:
    who = await _viewer_or_none(request)
    if who is None:
        return _to_sign_in(request)
    try:
        listing = await rows_answer(who, kpi, site_id, period)
    except DomainError as error:
        return _refused(request, error)
    lang = _lang(request)
    entry = next(e for e in _catalogue(request, who) if e["key"] == listing["kpi"])
    zone = who.timezone(site_id) if site_id else None
    body = screens.drill_page_body(
        listing,
        entry,
        lang=lang,
        timezone=zone,
        csv_url=screens.csv_url_of(site_id, kpi, str(listing["period"])),
    )
    title = f"{entry.get('title')} — {site_id or '*'} — {listing['period']}"
    return _page(request, title, body, staff_id=who.principal.staff_id)


@router.get("/sites/{site_id}/kpis/{kpi}", response_class=HTMLResponse)
async def site_drill_page(
    request: Request, site_id: str, kpi: str, period: str | None = None
) -> Response:
    """The rows behind one site's card (bookmarkable: site, KPI and period in the URL)."""
    return await _drill(request, kpi, site_id, period)


@router.get("/kpis/{kpi}", response_class=HTMLResponse)
async def company_drill_page(request: Request, kpi: str, period: str | None = None) -> Response:
    """The rows behind a company card: every visible site's."""
    return await _drill(request, kpi, None, period)


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request, next: str = "/", error: str | None = None) -> Response:
    """The token form; `/api/session` checks it and sets the HttpOnly cookie."""
    lang = _lang(request)
    safe_next = next if next.startswith("/") and not next.startswith("//") else "/"
    body = screens.sign_in_body(lang=lang, next_path=safe_next, error=error is not None)
    return _page(request, text(lang, "sign_in"), body)


@router.get("/page/events", response_class=EventSourceResponse)
async def page_events(
    request: Request, period: str | None = None
) -> AsyncIterable[ServerSentEvent]:
    """The page's one stream: `card:<site>:<kpi>` events whose data is the card's HTML."""
    who = await viewer(request)  # 401 without the cookie (the page itself redirects)
    lang = _lang(request)
    kpis = {str(k["key"]): k for k in _catalogue(request, who)}
    zones = await site_zones(who)
    company_zone = zones.pop() if len(zones) == 1 else "UTC"
    runner = request.app.state.service.read_models
    async for name, data in card_changes(runner, who, period):
        if name == "hello" or str(data.get("kpi")) not in kpis:
            continue
        site_id = data.get("site_id")
        html = card_inner(
            data,
            kpis[str(data["kpi"])],
            lang=lang,
            period=str(period or ""),
            timezone=who.timezone(site_id) if site_id else company_zone,
            now=datetime.now(UTC),
        )
        yield ServerSentEvent(event=name, raw_data=html.replace("\n", " "))


@router.get("/static/dashboard/{name}")
async def asset(name: str) -> Response:
    """The vendored scripts and the style sheet (static/VENDORED.md); nothing else."""
    media = _ASSETS.get(name)
    if media is None:
        return Response(status_code=404)
    return FileResponse(
        STATIC_DIR / name,
        media_type=media,
        headers={"Cache-Control": "public, max-age=3600"},
    )
