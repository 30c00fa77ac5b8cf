"""One KPI card as HTML: value, target, status in colour and words, delta, trend, data age.

Inputs are the JSON shapes of services/dashboard/API.md (a CARD and a catalogue KPI), so
the page shows exactly what the API answers. The same function renders the first page and
each live update (an htmx `sse-swap` fragment).
"""

from collections.abc import Mapping
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from dashboard.views.page import fmt
from dashboard.views.page.i18n import Lang, kpi_name, text
from dashboard.views.page.trend import sparkline

COMPANY = "*"
_STATUSES = {"ok", "warn", "bad", "none"}


def event_name(site_id: str | None, kpi: str) -> str:
    """The SSE event that carries this card (API.md: `card:<site_id>:<kpi>`, `*` = company)."""
    return f"card:{site_id or COMPANY}:{kpi}"


def slot_id(site_id: str | None, kpi: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in f"{site_id or 'company'}-{kpi}")
    return f"card-{safe}"


def drill_url(site_id: str | None, kpi: str, period: str) -> str:
    """The page's bookmarkable drill-down: site, KPI and period in the URL."""
    query = urlencode({"period": period})
    if site_id is None:
        return f"/kpis/{quote(kpi, safe='')}?{query}"
    return f"/sites/{quote(site_id, safe='')}/kpis/{quote(kpi, safe='')}?{query}"


def title_of(kpi: Mapping[str, Any], lang: Lang) -> str:
    return kpi_name(lang, str(kpi["key"]), str(kpi.get("title") or kpi["key"]))


def status_of(card: Mapping[str, Any]) -> str:
    status = str(card.get("status") or "none")
    return status if status in _STATUSES else "none"


def card_inner(
    card: Mapping[str, Any],
    kpi: Mapping[str, Any],
    *,
    lang: Lang,
    period: str,
    timezone: str | None,
    now: datetime,
) -> str:
    """The card itself, a link to its drill-down (the part an SSE update replaces)."""
    unit = str(kpi.get("unit") or "count")
    site_id = card.get("site_id")
    key = str(card["kpi"])
    title = title_of(kpi, lang)
    status = status_of(card)
    value = fmt.number(card.get("value"), unit, lang)
    lower = bool(card.get("lower_is_better", kpi.get("lower_is_better", False)))
    target = card.get("target")
    target_text = fmt.number(target, unit, lang) if target is not None else "—"
    direction = "≤" if lower else "≥"
    change = card.get("delta")
    trend = [point.get("value") for point in card.get("trend") or []]
    fraction = ""
    if card.get("numerator") is not None and card.get("denominator") is not None:
        fraction = f'<span class="fraction">{card["numerator"]} / {card["denominator"]}</span>'
    last = card.get("last_event_at")
    stamp = fmt.local_time(last, timezone)
    # the time of the last event applied, in the site's zone, and how old that is
    age = (
        f'<time datetime="{escape(str(last), quote=True)}">{escape(stamp)}</time>'
        f" · {escape(fmt.age(last, now, lang))}"
        if last
        else escape(text(lang, "no_data_yet"))
    )
    return (
        f'<a class="card status-{status}" href="{escape(drill_url(site_id, key, period), True)}" '
        f'data-kpi="{escape(key, True)}" data-site="{escape(site_id or COMPANY, True)}">'
        f'<span class="card-title">{escape(title)}</span>'
        f'<span class="card-value" data-field="value">{escape(value)}</span>{fraction}'
        f'<span class="status-words" data-field="status">'
        f"{escape(text(lang, 'status_' + status))}</span>"
        f'<span class="card-target">{escape(text(lang, "target"))}: '
        f"{direction} {escape(target_text)}</span>"
        f'<span class="card-delta delta-{fmt.delta_direction(change, lower)}" data-field="delta">'
        f"{escape(text(lang, 'delta'))}: {escape(fmt.delta(change, unit, lang))}</span>"
        + sparkline(trend, f"{title} — {text(lang, 'trend')}", target)
        + f'<span class="card-age">{escape(text(lang, "data_age"))}: {age}</span></a>'
    )


def card_slot(
    card: Mapping[str, Any],
    kpi: Mapping[str, Any],
    *,
    lang: Lang,
    period: str,
    timezone: str | None,
    now: datetime,
) -> str:
    """A grid cell that htmx refills from the card's named SSE event (one stream per page)."""
    site_id = card.get("site_id")
    key = str(card["kpi"])
    inner = card_inner(card, kpi, lang=lang, period=period, timezone=timezone, now=now)
    return (
        f'<li class="slot" id="{slot_id(site_id, key)}" '
        f'sse-swap="{escape(event_name(site_id, key), True)}" hx-swap="innerHTML">'
        f"{inner}</li>"
    )
