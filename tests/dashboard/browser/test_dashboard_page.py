"""The dashboard page in a real browser, fed through the real services over Kafka.

Scenario: callcenter logs calls (site-a: 3 answered + 1 abandoned; site-b: 1 abandoned),
the dashboard consumes them; manager m1 sees only site-a, manager m2 only site-c (empty
until the live test logs a call there). Figures are exact: 3 / 4 = 75.0%.
"""

import csv
import io
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.dashboard.browser.conftest import (
    VENDOR,
    Seen,
    Stack,
    open_context,
    sign_in,
    token,
)
from tests.processes import wait_until

# the first test also starts the processes (up to 240 s on a loaded machine)
pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]

KPI = "callcenter.answered_rate"
M1 = ("m1", ["manager"], ["site-a"])
M2 = ("m2", ["manager"], ["site-c"])


def bearer(who: tuple[str, list[str], list[str]]) -> str:
    return token(*who, service="dashboard")


@contextmanager
def signed_in(
    browser: Browser,
    stack: Stack,
    seen: Seen,
    who: tuple[str, list[str], list[str]],
    **options: Any,
) -> Iterator[tuple[BrowserContext, Page]]:
    """A fresh recorded profile (open_context) with a page signed in as `who`."""
    with open_context(browser, stack, seen, **options) as context:
        page = context.new_page()
        sign_in(page, bearer(who))
        yield context, page


def api(stack: Stack, path: str, who: tuple[str, list[str], list[str]]) -> Any:
    answer = httpx.get(
        stack.dashboard + path, headers={"Authorization": f"Bearer {bearer(who)}"}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def card_of(stack: Stack, site: str, who: tuple[str, list[str], list[str]]) -> dict[str, Any]:
    cards = api(stack, f"/api/sites/{site}/cards", who)["cards"]
    return next(c for c in cards if c["kpi"] == KPI)


@pytest.fixture(scope="module")
def scenario(stack: Stack) -> Stack:
    at = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    for n, outcome in enumerate(["answered", "answered", "abandoned", "answered"]):
        stack.log_call("site-a", f"a{n}", outcome, at)
    stack.log_call("site-b", "b0", "abandoned", at)
    everyone = ("lead", ["manager"], ["site-a", "site-b"])
    wait_until(
        lambda: (
            card_of(stack, "site-a", everyone)["denominator"] == 4
            and card_of(stack, "site-b", everyone)["denominator"] == 1
        ),
        60,
        "the dashboard to apply the scenario's calls",
    )
    return stack


def card(page: Page, site: str) -> Any:
    return page.locator(f'a.card[data-site="{site}"][data-kpi="{KPI}"]')


def test_the_page_shows_the_exact_figures_of_the_scenario(
    browser: Browser, scenario: Stack, seen: Seen
) -> None:
    with signed_in(browser, scenario, seen, M1) as (context, page):
        site_card = card(page, "site-a")
        expect(site_card.locator("[data-field=value]")).to_have_text("75.0%")
        expect(site_card).to_contain_text("3 / 4")
        expect(site_card).to_contain_text("≥ 95.0%")
        expect(site_card.locator("[data-field=status]")).to_have_text("Off target")
        expect(site_card).to_contain_text("no previous period")
        expect(site_card).to_contain_text("Asia/Shanghai")  # data age in the site's zone
        assert site_card.locator("svg.trend polyline, svg.trend circle").count() >= 1
        company = card(page, "*")
        expect(company.locator("[data-field=value]")).to_have_text("75.0%")
        assert page.locator("a.card[data-site=site-b]").count() == 0
        grid = context.request.get(page.locator("a.csv").get_attribute("href") or "")
        lines = list(csv.DictReader(io.StringIO(grid.body().decode("utf-8-sig"))))
        mine = [r for r in lines if r["kpi"] == KPI and r["site_id"] in {"site-a", "*"}]
        assert sorted((r["site_id"], float(r["value"]), r["numerator"]) for r in mine) == [
            ("*", 75.0, "3"),
            ("site-a", 75.0, "3"),
        ]
        if os.environ.get("OPSLEDGER_DASHBOARD_SCREENSHOT"):  # docs/dashboard.png
            page.set_viewport_size({"width": 1280, "height": 900})
            page.screenshot(path=os.environ["OPSLEDGER_DASHBOARD_SCREENSHOT"], full_page=False)


def test_the_drill_down_count_equals_the_card_and_the_csv_equals_the_list(
    browser: Browser, scenario: Stack, seen: Seen
) -> None:
    with signed_in(browser, scenario, seen, M1) as (context, page):
        card(page, "site-a").click()
        page.wait_for_url(f"**/sites/site-a/kpis/{KPI}?period=*")
        period = datetime.now(UTC).strftime("%Y-%m")
        assert page.url.endswith(f"/sites/site-a/kpis/{KPI}?period={period}")
        expect(page.locator("[data-field=count]")).to_have_text("4")
        expect(page.locator("[data-field=value]")).to_have_text("75.0% (3 / 4)")
        rows = page.locator("table.rows tbody tr")
        assert rows.count() == 4
        shown = sorted(rows.nth(i).get_attribute("data-record") or "" for i in range(4))
        # bookmarkable: the same URL in a fresh page of the signed-in profile
        again = context.new_page()
        again.goto(page.url)
        expect(again.locator("[data-field=count]")).to_have_text("4")
        href = page.locator("a.csv").get_attribute("href")
        assert href is not None
        answer = context.request.get(href)
        assert answer.status == 200
        assert answer.body().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: spreadsheets read 中文
        listed = list(csv.DictReader(io.StringIO(answer.body().decode("utf-8-sig"))))
        assert sorted(r["record_id"] for r in listed) == shown
        assert sum(r["counted"].lower() == "true" for r in listed) == 3


def test_a_live_update_arrives_without_a_reload(
    browser: Browser, scenario: Stack, seen: Seen
) -> None:
    with signed_in(browser, scenario, seen, M2) as (_context, page):
        site_card = card(page, "site-c")
        expect(site_card.locator("[data-field=value]")).to_have_text("no value")
        page.evaluate("window.__loadedOnce = true")
        page.wait_for_timeout(500)  # the stream is open (its first events have arrived)
        posted = time.monotonic()
        scenario.log_call("site-c", "c0", "answered", datetime.now(UTC).isoformat())
        expect(site_card.locator("[data-field=value]")).to_have_text("100.0%", timeout=10_000)
        took = time.monotonic() - posted
        assert page.evaluate("window.__loadedOnce") is True  # the same document: no reload
        expect(card(page, "site-c")).to_contain_text("1 / 1")
        streams = [u for u in seen.urls if "/page/events" in u]
        assert len(streams) == 1, streams  # one stream for the page, every card on it
        print(f"live update: call posted -> card changed in {took:.2f} s")


def test_no_request_leaves_the_host(browser: Browser, scenario: Stack, seen: Seen) -> None:
    with open_context(browser, scenario, seen) as context:
        page = context.new_page()
        errors: list[str] = []  # a CSP refusal (an inline style or script) lands here
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, bearer(M1))
        expect(card(page, "site-a")).to_be_visible()
        page.goto(f"/sites/site-a/kpis/{KPI}")
        page.goto("/?lang=zh-CN")
        page.wait_for_load_state("networkidle")
    assert seen.urls, "page.route saw no request at all"
    assert any(u.endswith("/static/dashboard/htmx.min.js") for u in seen.urls)
    assert seen.foreign(scenario.dashboard) == []
    assert errors == []


def test_another_site_is_refused(browser: Browser, scenario: Stack, seen: Seen) -> None:
    with signed_in(browser, scenario, seen, M1) as (_context, page):
        for url in (f"/sites/site-b/kpis/{KPI}", f"/api/sites/site-b/kpis/{KPI}/rows"):
            answer = page.goto(url)
            assert answer is not None and answer.status == 404, url
        answer = page.goto("/sites/site-b/kpis/no.such-kpi")
        assert answer is not None and answer.status == 404


def test_chinese_labels_render_and_the_switch_changes_language(
    browser: Browser, scenario: Stack, seen: Seen
) -> None:
    with signed_in(browser, scenario, seen, M1, locale="zh-CN") as (_context, page):
        expect(page.locator("h1")).to_have_text("运营看板")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        expect(card(page, "site-a")).to_contain_text("接通率")
        expect(card(page, "site-a").locator("[data-field=status]")).to_have_text("未达标")
        expect(page.locator("#h-company")).to_have_text("公司汇总")
        page.get_by_role("link", name="English").click()
        expect(page.locator("h1")).to_have_text("Operations dashboard")
        page.goto("/")  # remembered (cookie) over the browser's zh-CN
        expect(page.locator("h1")).to_have_text("Operations dashboard")


def test_keyboard_navigation_reaches_a_card_and_opens_it(
    browser: Browser, scenario: Stack, seen: Seen
) -> None:
    with signed_in(browser, scenario, seen, M1) as (_context, page):
        expect(card(page, "site-a")).to_be_visible()
        for _ in range(40):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "(() => { const e = document.activeElement;"
                " return e && e.classList.contains('card') ? e.dataset.site : null })()"
            )
            if focused is not None:
                break
        else:
            pytest.fail("Tab never reached a card")
        ring = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth] })()"
        )
        assert ring[0] != "none" and ring[1] not in ("0px", ""), f"no focus ring: {ring}"
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/kpis/{KPI}?period=*")


def test_axe_finds_no_serious_accessibility_violation(
    browser: Browser, scenario: Stack, seen: Seen
) -> None:
    axe = (VENDOR / "axe.min.js").read_text(encoding="utf-8")
    # axe is injected as a script: the page's CSP (script-src 'self') would refuse it.
    with signed_in(browser, scenario, seen, M1, bypass_csp=True) as (context, page):
        for url in ("/", f"/sites/site-a/kpis/{KPI}", "/?lang=zh-CN"):
            page.goto(url)
            page.add_script_tag(content=axe)
            found = page.evaluate("async () => (await axe.run(document)).violations")
            serious = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in found
                if v["impact"] in {"serious", "critical"}
            ]
            assert not serious, f"{url}: {serious}"
        context.clear_cookies()
        page.goto("/sign-in")
        page.add_script_tag(content=axe)
        found = page.evaluate("async () => (await axe.run(document)).violations")
        assert not [v["id"] for v in found if v["impact"] in {"serious", "critical"}]


def test_sign_in_keeps_the_token_out_of_scripts_and_sign_out_works(
    browser: Browser, scenario: Stack, seen: Seen
) -> None:
    with signed_in(browser, scenario, seen, M1) as (context, page):
        assert "opsledger_dashboard" not in page.evaluate("document.cookie")
        stored = next(c for c in context.cookies() if c["name"] == "opsledger_dashboard")
        assert stored["httpOnly"] is True and stored["sameSite"] == "Strict"
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/sign-in")
        page.goto("/")
        assert "/sign-in" in page.url
        assert not [c for c in context.cookies() if c["name"] == "opsledger_dashboard"]


def test_a_bad_token_is_refused_at_sign_in(browser: Browser, scenario: Stack, seen: Seen) -> None:
    with open_context(browser, scenario, seen) as context:
        page = context.new_page()
        page.goto("/sign-in")
        page.fill("#token", "not-a-token")
        page.click("form.sign-in button[type=submit]")
        page.wait_for_url("**/sign-in?error=invalid")
        expect(page.get_by_role("alert")).to_be_visible()
