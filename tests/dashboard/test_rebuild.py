"""Every card equals the rows behind it, for every KPI at every site and company-wide; and
`opsledger rebuild dashboard` (the read model rebuilt from the dashboard's own store of
consumed facts, no other service asked) gives the same cards."""

from typing import Any

from dashboard.domain.catalogue import CATALOGUE
from dashboard.readmodels.kpi_rows import KPI_ROWS

from tests.dashboard.conftest import OTHER, SITE, Dashboard
from tests.dashboard.scenario import publish_history


def without_time(grid: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in grid.items() if k != "generated_at"}


async def test_every_card_equals_its_rows_at_each_site_and_for_the_company(
    dashboard: Dashboard,
) -> None:
    await publish_history(dashboard)
    everyone = dashboard.auth(sites=f"{SITE},{OTHER}")
    grid = await dashboard.get("/api/cards", everyone)
    cards = [*grid["company"], *(c for s in grid["sites"] for c in s["cards"])]
    assert len(cards) == 3 * len([k for k in CATALOGUE if not k.secrecy])
    for card in cards:
        listed = await dashboard.get(card["rows_url"], everyone)
        assert listed["value"] == card["value"], card["kpi"]
        assert (listed["numerator"], listed["denominator"]) == (
            card["numerator"],
            card["denominator"],
        ), card["kpi"]
        if card["denominator"] is not None:
            assert listed["count"] == card["denominator"]
            assert sum(r["counted"] for r in listed["rows"]) == card["numerator"]
        assert card["value"] is not None, f"the history touches every KPI: {card['kpi']}"
    company = {c["kpi"]: c for c in grid["company"]}
    assert company["callcenter.answered_rate"]["denominator"] == 6
    assert company["dispatch.penalties"]["value"] == 6000.0
    assert company["permits.patrol_coverage"]["value"] == 50.0


async def test_rebuilding_from_the_dashboards_own_store_gives_the_same_cards(
    dashboard: Dashboard,
) -> None:
    await publish_history(dashboard)
    everyone = dashboard.auth(sites=f"{SITE},{OTHER}")
    before = without_time(await dashboard.get("/api/cards", everyone))
    async with dashboard.service.runtime.engine.begin() as conn:
        await conn.execute(KPI_ROWS.table.delete())  # lose the table: the store has it all
    emptied = without_time(await dashboard.get("/api/cards", everyone))
    assert emptied != before
    await dashboard.service.read_models.rebuild(KPI_ROWS)
    assert without_time(await dashboard.get("/api/cards", everyone)) == before
