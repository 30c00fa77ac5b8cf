"""The page's HTML from API.md shapes, without a browser (fast): what the cards say."""

from datetime import UTC, datetime
from typing import Any

import pytest
from dashboard.views.page import fmt
from dashboard.views.page.cards import card_slot, drill_url, event_name
from dashboard.views.page.i18n import Lang, choose, from_accept_language, kpi_name, text
from dashboard.views.page.layout import document
from dashboard.views.page.screens import drill_page_body, grid_page_body
from dashboard.views.page.trend import sparkline

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
KPI = {
    "key": "callcenter.answered_rate",
    "unit": "percent",
    "title": "Answered-call rate",
    "lower_is_better": False,
    "target": 95.0,
    "kind": "period",
}


def card(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kpi": "callcenter.answered_rate",
        "site_id": "site-a",
        "value": 92.5,
        "numerator": 37,
        "denominator": 40,
        "target": 95.0,
        "lower_is_better": False,
        "status": "warn",
        "previous_value": 90.0,
        "delta": 2.5,
        "trend": [
            {"date": f"2026-11-{d:02}", "value": None if d % 7 == 0 else 90.0 + d / 10}
            for d in range(1, 31)
        ],
        "last_event_at": "2026-12-08T00:59:30Z",
    }
    return base | overrides


def render(c: dict[str, Any], lang: Lang = "en") -> str:
    return card_slot(c, KPI, lang=lang, period="2026-12", timezone="Asia/Shanghai", now=NOW)


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, None, "en"),
        (None, None, "zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        (None, None, "fr-FR,en;q=0.5,zh;q=0.9", "zh-CN"),
        (None, None, "de-DE", "en"),
        (None, "zh-CN", "en-US", "zh-CN"),
        ("en", "zh-CN", "zh-CN", "en"),
        ("xx", None, "zh-TW", "zh-CN"),
    ],
)
def test_the_language_is_the_switch_then_the_cookie_then_the_browser(
    query: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert choose(query, cookie, header) == expected


def test_a_language_refused_with_q0_is_not_chosen() -> None:
    assert from_accept_language("zh;q=0, en;q=0.1") == "en"


def test_a_card_writes_value_target_status_in_words_delta_and_local_time() -> None:
    html = render(card())
    assert "92.5%" in html and "37 / 40" in html
    assert "≥ 95.0%" in html
    assert 'class="card status-warn"' in html and "Near target" in html
    assert "+2.5 pts" in html and "delta-better" in html
    assert "30 s ago" in html and "2026-12-08 08:59:30 Asia/Shanghai" in html
    assert 'sse-swap="card:site-a:callcenter.answered_rate"' in html
    assert 'href="/sites/site-a/kpis/callcenter.answered_rate?period=2026-12"' in html


def test_no_previous_period_is_no_delta_not_zero_and_no_value_is_said() -> None:
    html = render(card(value=None, delta=None, status="none", numerator=None, denominator=None))
    assert "no previous period" in html and "+0" not in html and "±0" not in html
    assert "no value" in html and "No data" in html


def test_chinese_labels() -> None:
    html = render(card(status="bad"), lang="zh-CN")
    assert "接通率" in html and "未达标" in html and "较上期" in html and "个百分点" in html


def test_outside_text_is_escaped() -> None:
    html = render(card(site_id="<b>x</b>"))
    assert "<b>x</b>" not in html and "&lt;b&gt;" in html


def test_a_trend_has_a_gap_for_a_day_without_value_and_an_accessible_name() -> None:
    svg = sparkline([1.0, 2.0, None, 3.0, 4.0], "trend of x", target=2.5)
    assert svg.count("<polyline") == 2 and 'role="img"' in svg and "<title>trend of x" in svg
    assert "trend-target" in svg
    assert "<polyline" not in sparkline([None, None], "empty")


def test_delta_words_and_direction() -> None:
    assert fmt.delta(-3, "count", "en") == "\u22123"
    assert fmt.delta_direction(-3, lower_is_better=True) == "better"
    assert fmt.delta_direction(2, lower_is_better=True) == "worse"
    assert fmt.delta_direction(None, lower_is_better=False) == "none"
    assert fmt.number(1234, "fen", "en") == "¥12.34"


def test_the_grid_has_one_stream_and_a_slot_per_card() -> None:
    board = {
        "period": "2026-12",
        "previous_period": "2026-11",
        "company": [card(site_id=None)],
        "sites": [{"site_id": "site-a", "timezone": "Asia/Shanghai", "cards": [card()]}],
    }
    body = grid_page_body(board, [KPI], lang="en", now=NOW, stream_url="/page/events?x=1")
    assert body.count("sse-connect=") == 1 and body.count('class="slot"') == 2
    assert (
        event_name(None, "k") == "card:*:k"
        and drill_url(None, "k", "2026-12") == "/kpis/k?period=2026-12"
    )
    page = document(
        lang="zh-CN", title=text("zh-CN", "title"), body=body, path="/", query={}, live=True
    )
    assert '<html lang="zh-CN">' in page and "/static/dashboard/htmx.min.js" in page
    outside = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in outside and "https://" not in outside


def test_the_drill_down_counts_its_rows_and_links_each_record() -> None:
    listing = {
        "kpi": KPI["key"],
        "site_id": "site-a",
        "period": "2026-12",
        "value": 50.0,
        "numerator": 1,
        "denominator": 2,
        "count": 2,
        "rows": [
            {
                "site_id": "site-a",
                "record_id": "T1",
                "service": "callcenter",
                "date": "2026-12-03",
                "at": "2026-12-03T02:00:00Z",
                "counted": True,
                "value": None,
                "detail": "answered",
                "url": "http://127.0.0.1:8101/tickets/T1",
            },
            {
                "site_id": "site-a",
                "record_id": "T2",
                "service": "callcenter",
                "date": "2026-12-03",
                "at": "2026-12-03T03:00:00Z",
                "counted": False,
                "value": None,
                "detail": "missed",
                "url": "",
            },
        ],
    }
    body = drill_page_body(listing, KPI, lang="en", timezone="Asia/Shanghai", csv_url="/x.csv")
    assert body.count("<tr data-record=") == 2 and '<span data-field="count">2</span>' in body
    assert 'href="http://127.0.0.1:8101/tickets/T1"' in body and "2026-12-03 10:00:00" in body


def test_every_kpi_of_the_catalogue_has_a_chinese_name() -> None:
    from dashboard.domain.catalogue import CATALOGUE

    missing = [k.key for k in CATALOGUE if kpi_name("zh-CN", k.key, "?") == "?"]
    assert not missing, f"no Chinese name in views/page/i18n.py for {missing}"


def test_the_chinese_drill_down_has_chinese_column_names() -> None:
    listing = {"kpi": KPI["key"], "site_id": "site-a", "period": "2026-12", "count": 0}
    body = drill_page_body(listing, KPI, lang="zh-CN", timezone="UTC", csv_url="/x.csv")
    for words in ("记录", "服务", "日期 (站点)", "计入", "说明", "下载此列表"):
        assert f"{words}" in body
