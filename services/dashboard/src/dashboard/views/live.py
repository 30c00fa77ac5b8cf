"""Live cards: after each pass of the read models, the cards that changed (SSE).

One stream per page. The read-model runner of this process wakes the stream the moment
it commits a pass (`Advances`), so a card follows an applied event within milliseconds;
another replica's passes are seen by polling every `live_interval_seconds`.
"""

import json
from collections.abc import AsyncIterator
from typing import Any

from dashboard.domain.periods import Period, parse
from dashboard.views import cards
from dashboard.views.access import Viewer
from opsledger.readmodels.freshness import ReachedPosition


def event_name(card: dict[str, Any]) -> str:
    return f"card:{card['site_id'] or cards.COMPANY}:{card['kpi']}"


async def page_cards(viewer: Viewer, period_text: str | None) -> tuple[Period, dict[str, Any]]:
    async with viewer.runtime.engine.connect() as conn:
        sites = await viewer.sites(conn)
        listed = [(s, viewer.today(s)) for s in sites]
        today = max((t for _, t in listed), default=None)
        period = parse(period_text, today or viewer.runtime.clock.now().date())
        found = await cards.page(
            conn, listed, period, cards.visible_kpis(viewer.secrecy), viewer.settings
        )
    return period, found


async def card_changes(
    runner: ReachedPosition, viewer: Viewer, period_text: str | None
) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """`("hello", {...})` and every card first, then `(event name, card)` for each change."""
    shown: dict[str, str] = {}
    reached = -1
    while True:
        ticket = runner.advances.ticket()
        async with viewer.runtime.engine.connect() as conn:
            position = await runner.reached(conn)
        if position != reached:
            _, found = await page_cards(viewer, period_text)
            every = [*found["company"], *(c for s in found["sites"] for c in s["cards"])]
            if reached < 0:
                yield "hello", {"position": position}
            for card in every:
                name, text = event_name(card), json.dumps(card, sort_keys=True)
                if shown.get(name) != text:
                    shown[name] = text
                    yield name, card  # on connect every card: none is missed since the page load
            reached = position
        await runner.advances.wait(ticket, viewer.settings.live_interval_seconds)
