"""Per-site values of the rules RULES.md marks *configurable* (OPSLEDGER_SITES)."""

import os
import subprocess
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from callcenter.domain.rules import CallcenterRules
from dispatch.domain.rules import DispatchRules
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.calendar import SiteCalendar, SiteConfig, SiteDirectory
from opsledger.service import load_service
from opsledger.settings import Settings

from tests.processes import CLI, random_key

SECRET = random_key()


def test_defaults_are_the_rules_md_values_and_a_site_overrides_them() -> None:
    default = SiteCalendar("site-a")
    strict = SiteCalendar(
        "site-b",
        SiteConfig(
            rules={
                "callcenter": {"callback_attempts": 5, "first_response_hours": {"repair": 8}},
                "dispatch": {"repeat_repair_window_days": 14},
            }
        ),
    )
    assert default.rules(CallcenterRules).callback_attempts == 3
    assert default.rules(CallcenterRules).first_response("repair", None) == timedelta(hours=24)
    assert default.rules(CallcenterRules).first_response("emergency", None) == timedelta(minutes=15)
    assert default.rules(DispatchRules).repeat_window == timedelta(days=30)
    assert strict.rules(CallcenterRules).callback_attempts == 5
    assert strict.rules(CallcenterRules).first_response("repair", None) == timedelta(hours=8)
    assert strict.rules(DispatchRules).repeat_window == timedelta(days=14)


def test_a_bad_site_value_is_refused_naming_site_and_field() -> None:
    sites = SiteDirectory({"site-b": SiteConfig(rules={"callcenter": {"callback_attempts": 0}})})
    with pytest.raises(ValueError, match=r"site site-b, rules\.callcenter: callback_attempts"):
        sites.check_rules(CallcenterRules)
    typo = SiteDirectory({"site-c": SiteConfig(rules={"dispatch": {"repeat_window": 7}})})
    with pytest.raises(ValueError, match=r"site site-c, rules\.dispatch: repeat_window"):
        typo.check_rules(DispatchRules)


def test_the_service_refuses_to_start_with_a_bad_site_value(tmp_path: object) -> None:
    env = {
        **os.environ,
        "OPSLEDGER_SITES": '{"site-b": {"rules": {"callcenter": {"callback_attempts": -1}}}}',
        "OPSLEDGER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cc.db",
    }
    result = subprocess.run(
        [CLI, "migrate", "callcenter"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "site site-b, rules.callcenter: callback_attempts" in result.stderr
    assert "Traceback" not in result.stderr


async def test_cc5_a_site_allowing_five_callback_attempts_keeps_the_ticket_open_after_three(
    database_url: str,
) -> None:
    settings = Settings(
        database_url=database_url,
        auth_secret=SECRET,
        sites={"site-b": SiteConfig(rules={"callcenter": {"callback_attempts": 5}})},
    )
    service = ServiceApp(load_service("callcenter"), settings)
    await service.start(background=False)
    token = TokenService(SECRET, audience="callcenter").mint("agent-1", ["agent"], ["*"])
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    outcomes: dict[str, str] = {}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://cc") as client:
            for site in ("site-a", "site-b"):
                opened = await client.post(
                    "/tickets",
                    json={"site_id": site, "kind": "repair", "channel": "phone", "subject": "x"},
                    headers=headers,
                )
                assert opened.status_code == 201, opened.text
                tid = opened.json()["ticket_id"]
                for step in ("first-response", "resolve"):
                    answer = await client.post(f"/tickets/{tid}/{step}", json={}, headers=headers)
                    assert answer.status_code == 200, answer.text
                for _ in range(3):
                    answer = await client.post(
                        f"/tickets/{tid}/callbacks", json={"reached": False}, headers=headers
                    )
                    assert answer.status_code == 200, answer.text
                outcomes[site] = answer.json()["status"]
    finally:
        await service.stop()
    assert outcomes["site-a"] == "closed"  # RULES.md default: 3 attempts
    assert outcomes["site-b"] != "closed"  # this site allows 5


def test_cc3_a_site_sla_override_moves_the_first_response_deadline() -> None:
    from callcenter.domain.tickets import first_response_deadline

    monday_0900 = datetime(2026, 3, 16, 1, 0, tzinfo=UTC)
    fast = SiteCalendar(
        "site-b", SiteConfig(rules={"callcenter": {"first_response_hours": {"repair": 2}}})
    )
    due, continuous = first_response_deadline("repair", monday_0900, fast)
    assert (due, continuous) == (monday_0900 + timedelta(hours=2), True)  # CC-3 rev.: 24/7
