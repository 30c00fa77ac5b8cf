"""The page's screens: the card grid, a drill-down list, sign-in. Inputs are API.md shapes."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from dashboard.views.page import fmt
from dashboard.views.page.cards import card_slot, title_of
from dashboard.views.page.i18n import Lang, text

Json = Mapping[str, Any]


def _common_zone(sites: Sequence[Json]) -> str | None:
    """The company cards' time zone: the sites' one if they share it, else UTC."""
    zones = {str(site.get("timezone") or "UTC") for site in sites}
    return zones.pop() if len(zones) == 1 else "UTC"


def _grid(cards: Sequence[Json], catalogue: Mapping[str, Json], **kw: Any) -> str:
    items = "".join(
        card_slot(card, catalogue[str(card["kpi"])], **kw)
        for card in cards
        if str(card["kpi"]) in catalogue
    )
    return f'<ul class="grid">{items}</ul>'


def grid_page_body(
    board: Json, catalogue: Sequence[Json], *, lang: Lang, now: datetime, stream_url: str
) -> str:
    """The roll-up and one section per site, inside the one element that holds the SSE
    connection (htmx `sse-connect`): each card listens for its own named event."""
    kpis = {str(kpi["key"]): kpi for kpi in catalogue}
    period = str(board["period"])
    sites: Sequence[Json] = board.get("sites") or []
    csv = f"/api/cards.csv?{urlencode({'period': period})}"
    previous = str(board.get("previous_period") or "")
    earlier = (
        f'<a class="prev" href="/?{escape(urlencode({"period": previous}), True)}">'
        f"← {escape(previous)}</a> "
        if previous
        else ""
    )
    head = (
        f'<p class="period">{escape(text(lang, "period"))}: <strong>{escape(period)}</strong> '
        f"({escape(text(lang, 'delta'))} {earlier}) "
        f'<a class="csv" href="{escape(csv, True)}" download>'
        f"{escape(text(lang, 'download_grid'))}</a></p>"
    )
    if not sites:
        return head + f'<p class="empty">{escape(text(lang, "empty"))}</p>'
    company = (
        f'<section aria-labelledby="h-company"><h2 id="h-company">'
        f"{escape(text(lang, 'company'))}</h2>"
        + _grid(
            board.get("company") or [],
            kpis,
            lang=lang,
            period=period,
            timezone=_common_zone(sites),
            now=now,
        )
        + "</section>"
    )
    parts = [company]
    for site in sites:
        site_id = str(site["site_id"])
        anchor = "h-site-" + "".join(c if c.isalnum() else "-" for c in site_id)
        parts.append(
            f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">'
            f"{escape(text(lang, 'site'))} {escape(site_id)} "
            f'<small class="tz">{escape(str(site.get("timezone") or "UTC"))}</small></h2>'
            + _grid(
                site.get("cards") or [],
                kpis,
                lang=lang,
                period=period,
                timezone=str(site.get("timezone") or "UTC"),
                now=now,
            )
            + "</section>"
        )
    return (
        head
        + f'<div class="live" hx-ext="sse" sse-connect="{escape(stream_url, True)}">'
        + "".join(parts)
        + "</div>"
    )


def _cell(value: object) -> str:
    return "" if value is None else escape(str(value))


def drill_page_body(
    listing: Json, kpi: Json, *, lang: Lang, timezone: str | None, csv_url: str
) -> str:
    """The rows behind a card: the same count as the card, each row linked to its record."""
    unit = str(kpi.get("unit") or "count")
    site_id = listing.get("site_id")
    where = escape(str(site_id)) if site_id else escape(text(lang, "all_sites"))
    rows: Sequence[Json] = listing.get("rows") or []
    body_rows = []
    for row in rows:
        url = str(row.get("url") or "")
        link = (
            f'<a href="{escape(url, True)}">{escape(str(row.get("record_id")))}</a>'
            if url
            else escape(str(row.get("record_id")))
        )
        counted = row.get("counted")
        mark = "✓" if counted else ("✗" if counted is False else "")
        body_rows.append(
            f'<tr data-record="{escape(str(row.get("record_id")), True)}">'
            f"<td>{_cell(row.get('site_id'))}</td><td>{link}</td>"
            f"<td>{_cell(row.get('service'))}</td><td>{_cell(row.get('date'))}</td>"
            f"<td>{escape(fmt.local_time(row.get('at'), timezone))}</td>"
            f"<td>{mark}</td><td>{_cell(row.get('value'))}</td>"
            f"<td>{_cell(row.get('detail'))}</td></tr>"
        )
    headers = "".join(
        f'<th scope="col">{escape(h)}</th>'
        for h in (
            text(lang, key)
            for key in ("site", "record", "service", "date", "at", "counted", "value", "detail")
        )
    )
    summary = fmt.number(listing.get("value"), unit, lang)
    if listing.get("numerator") is not None and listing.get("denominator") is not None:
        summary += f" ({listing['numerator']} / {listing['denominator']})"
    return (
        f'<p><a href="/?{urlencode({"period": str(listing["period"])})}">'
        f"{escape(text(lang, 'back'))}</a></p>"
        f"<h2>{escape(title_of(kpi, lang))} — {where} — {escape(str(listing['period']))}</h2>"
        f'<p class="drill-summary">{escape(text(lang, "value"))}: '
        f'<strong data-field="value">{escape(summary)}</strong>; '
        f'<span data-field="count">{int(listing.get("count") or 0)}</span> '
        f"{escape(text(lang, 'row_count'))} "
        f'<a class="csv" href="{escape(csv_url, True)}" download>'
        f"{escape(text(lang, 'download_list'))}</a></p>"
        f'<table class="rows"><caption>{escape(text(lang, "rows"))}</caption>'
        f"<thead><tr>{headers}</tr></thead><tbody>{''.join(body_rows)}</tbody></table>"
    )


def sign_in_body(*, lang: Lang, next_path: str, error: bool) -> str:
    problem = (
        '<p class="error" role="alert">'
        + ("令牌无效或已过期。" if lang == "zh-CN" else "The token is invalid or expired.")
        + "</p>"
        if error
        else ""
    )
    return (
        f"<h2>{escape(text(lang, 'sign_in'))}</h2>{problem}"
        '<form class="sign-in" method="post" action="/api/session">'
        f'<label for="token">{escape(text(lang, "token"))}</label>'
        '<textarea id="token" name="token" rows="4" required autocomplete="off" '
        'aria-describedby="token-help"></textarea>'
        f'<p id="token-help">{escape(text(lang, "token_help"))}</p>'
        f'<input type="hidden" name="next" value="{escape(next_path, True)}">'
        f'<button type="submit">{escape(text(lang, "sign_in"))}</button></form>'
    )


def csv_url_of(site_id: str | None, kpi: str, period: str) -> str:
    query = urlencode({"period": period})
    if site_id is None:
        return f"/api/kpis/{quote(kpi, safe='')}/rows.csv?{query}"
    return f"/api/sites/{quote(site_id, safe='')}/kpis/{quote(kpi, safe='')}/rows.csv?{query}"
