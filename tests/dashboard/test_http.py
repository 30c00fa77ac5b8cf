"""The dashboard over HTTP (SQLite and PostgreSQL): cards from consumed events, the rows
behind each card, CSV, site scope and sign-in."""

import csv
import io
from datetime import date, timedelta
from typing import Any

from opsledger_contracts.events.callcenter import CallLogged
from opsledger_contracts.events.secrets_registry import PersonDeparted

from tests.dashboard.conftest import OTHER, SITE, Dashboard


async def calls(dashboard: Dashboard, outcomes: str, site: str = SITE, prefix: str = "C") -> None:
    for i, outcome in enumerate(outcomes):
        call_id = f"{prefix}{i}"
        payload = CallLogged(
            call_id=call_id,
            outcome="answered" if outcome == "a" else "abandoned",
            offered_at=dashboard.clock.now(),
            month="2026-12",
        )
        await dashboard.deliver("callcenter", payload, f"call-{call_id}", site_id=site)


def card_of(cards: list[dict[str, Any]], kpi: str) -> dict[str, Any]:
    return next(c for c in cards if c["kpi"] == kpi)


async def test_answered_rate_card_equals_its_rows_and_csv(dashboard: Dashboard) -> None:
    await calls(dashboard, "aaab")
    site = await dashboard.get(f"/api/sites/{SITE}/cards")
    card = card_of(site["cards"], "callcenter.answered_rate")
    assert (card["value"], card["numerator"], card["denominator"]) == (75.0, 3, 4)
    assert card["status"] == "bad" and card["delta"] is None and card["previous_value"] is None
    assert card["last_event_at"] is not None and len(card["trend"]) == 30
    listed = await dashboard.get(str(card["rows_url"]))
    assert listed["count"] == card["denominator"] == len(listed["rows"])
    assert sum(r["counted"] for r in listed["rows"]) == card["numerator"]
    answer = await dashboard.client.get(str(card["csv_url"]), headers=dashboard.auth())
    assert answer.content.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [r["record_id"] for r in parsed] == [r["record_id"] for r in listed["rows"]]
    assert parsed[0]["url"].startswith("http://127.0.0.1:8101/")


async def test_no_previous_period_gives_no_delta_and_a_previous_one_does(
    dashboard: Dashboard,
) -> None:
    await calls(dashboard, "ab", prefix="N")
    dashboard.clock.advance(timedelta(days=31))  # January
    await calls(dashboard, "aa", prefix="J")
    card = card_of(
        (await dashboard.get(f"/api/sites/{SITE}/cards"))["cards"], "callcenter.answered_rate"
    )
    assert (card["value"], card["previous_value"], card["delta"]) == (100.0, 50.0, 50.0)
    empty = card_of(
        (await dashboard.get(f"/api/sites/{SITE}/cards", period="2026-10"))["cards"],
        "callcenter.answered_rate",
    )
    assert empty["value"] is None and empty["status"] == "none" and empty["delta"] is None


async def test_another_sites_url_answers_404_and_the_grid_shows_only_own_sites(
    dashboard: Dashboard,
) -> None:
    await calls(dashboard, "a")
    await calls(dashboard, "b", site=OTHER, prefix="B")
    await dashboard.service.read_models.catch_up()
    for path in (
        f"/api/sites/{OTHER}/cards",
        f"/api/sites/{OTHER}/kpis/callcenter.answered_rate/rows",
    ):
        answer = await dashboard.client.get(path, headers=dashboard.auth())
        assert answer.status_code == 404, path
    grid = await dashboard.get("/api/cards")
    assert [s["site_id"] for s in grid["sites"]] == [SITE]
    company = card_of(grid["company"], "callcenter.answered_rate")
    assert company["denominator"] == 1
    every = await dashboard.get("/api/cards", headers=dashboard.auth(sites="*"))
    assert [s["site_id"] for s in every["sites"]] == [SITE, OTHER]
    assert card_of(every["company"], "callcenter.answered_rate")["denominator"] == 2


async def test_sign_in_sets_an_httponly_strict_cookie_and_sign_out_clears_it(
    dashboard: Dashboard,
) -> None:
    assert (await dashboard.client.get("/api/me")).status_code == 401
    answer = await dashboard.client.post("/api/session", json={"token": dashboard.token()})
    assert answer.status_code == 200, answer.text
    cookie = answer.headers["set-cookie"].lower()
    assert "opsledger_dashboard=" in cookie and "httponly" in cookie
    assert "samesite=strict" in cookie and "path=/" in cookie and "secure" not in cookie
    me = await dashboard.client.get("/api/me")  # the client keeps the cookie
    assert me.status_code == 200 and me.json()["staff_id"] == "mgr-01"
    out = await dashboard.client.delete("/api/session")
    assert out.status_code == 204 and "max-age=0" in out.headers["set-cookie"].lower()
    dashboard.client.cookies.clear()  # what a browser does on Max-Age=0
    assert (await dashboard.client.get("/api/me")).status_code == 401
    bad = await dashboard.client.post("/api/session", json={"token": "nope"})
    assert bad.status_code == 401


async def test_a_bad_period_is_a_422_naming_the_field(dashboard: Dashboard) -> None:
    answer = await dashboard.client.get(
        f"/api/sites/{SITE}/cards", params={"period": "2026-13"}, headers=dashboard.auth()
    )
    assert answer.status_code == 422 and "period" in answer.text


async def test_secrecy_cards_only_for_secrecy_roles_counted_until_the_period_ends(
    dashboard: Dashboard,
) -> None:
    key = "secrets_registry.declassification"
    departed = PersonDeparted(
        person_id="S1",
        kind="resignation",
        left_on=date(2026, 12, 1),
        declassification_ends_on=date(2026, 12, 20),
    )
    await dashboard.deliver("secrets_registry", departed, "person-S1")
    manager = await dashboard.get(f"/api/sites/{SITE}/cards")
    assert key not in {c["kpi"] for c in manager["cards"]}
    hidden = await dashboard.client.get(
        f"/api/sites/{SITE}/kpis/{key}/rows", headers=dashboard.auth()
    )
    assert hidden.status_code == 404
    officer = dashboard.auth("sec-1", "secrecy_officer")
    assert (
        card_of((await dashboard.get(f"/api/sites/{SITE}/cards", officer))["cards"], key)["value"]
        == 1.0
    )
    rows = await dashboard.get(f"/api/sites/{SITE}/kpis/{key}/rows", officer)
    assert [r["url"] for r in rows["rows"]] == ["http://127.0.0.1:8105/people/S1"]
    dashboard.clock.advance(timedelta(days=13))  # 2026-12-21 in Shanghai: the period is over
    later = await dashboard.get(f"/api/sites/{SITE}/cards", officer)
    assert card_of(later["cards"], key)["value"] == 0.0
