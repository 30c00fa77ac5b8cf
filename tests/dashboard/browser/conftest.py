"""A real browser (Debian's Chromium, driven by Playwright for Python) against real service
processes: callcenter publishes over the real Kafka, the dashboard consumes and serves.

Playwright's sync API runs in plain (non-async) test functions: nothing else runs an event
loop in that thread. `playwright install` is never needed: the browser is /usr/bin/chromium
(deploy/local/install-browser.sh). Without it the tests skip locally and FAIL in CI.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from opsledger.auth import TokenService
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from tests.processes import TEST_SECRET, answers, running, service_env, wait_until

CHROMIUM = Path(os.environ.get("OPSLEDGER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-sandbox",  # CI runs as root
]
VENDOR = Path(__file__).resolve().parent / "vendor"
SITES = '{"site-a": {"timezone": "Asia/Shanghai"}, "site-b": {"timezone": "Europe/Berlin"}}'
TOKENS = TokenService(TEST_SECRET)


def token(staff: str, roles: list[str], sites: list[str], service: str) -> str:
    return TOKENS.mint(staff, roles, sites, ttl=timedelta(hours=2), audience=service)


@dataclass
class Stack:
    callcenter: str
    dashboard: str
    logs: dict[str, Path] = field(default_factory=dict)

    def log_call(self, site_id: str, call_id: str, outcome: str, offered_at: str) -> None:
        headers = {
            "Authorization": "Bearer " + token("agent-1", ["admin"], [site_id], "callcenter")
        }
        answer = httpx.post(
            f"{self.callcenter}/calls",
            headers=headers,
            json={
                "site_id": site_id,
                "call_id": call_id,
                "outcome": outcome,
                "offered_at": offered_at,
                "answered_by": "agent-1" if outcome == "answered" else None,
            },
            timeout=30,
        )
        assert answer.status_code == 201, answer.text


@pytest.fixture(scope="session")
def chromium() -> str:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: run deploy/local/install-browser.sh (as root)"
        if os.environ.get("CI"):
            pytest.fail(reason + " (.ci/run does; in CI the browser tests must run)")
        pytest.skip(reason)
    return str(CHROMIUM)


@pytest.fixture(scope="module")
def stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """callcenter and the dashboard as real processes on their SQLite defaults."""
    home = tmp_path_factory.mktemp("dash-browser")
    env = service_env(
        "",
        kafka_bootstrap,
        {"OPSLEDGER_DATA_DIR": str(home / "data"), "OPSLEDGER_SITES": SITES},
    )
    env.pop("OPSLEDGER_DATABASE_URL")
    # generous: 8 helpers share 2 cores here; a CI machine starts them in ~20 s
    with running(["callcenter", "dashboard"], env, home, ready_within=240) as procs:
        for proc in procs.values():
            wait_until(answers(f"{proc.url}/ready", 200), 240, f"{proc.service} /ready")
        yield Stack(
            callcenter=procs["callcenter"].url,
            dashboard=procs["dashboard"].url,
            logs={name: proc.log_path for name, proc in procs.items()},
        )


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Seen:
    """Every request the page made (page.route sees each one before it leaves)."""

    urls: list[str] = field(default_factory=list)

    def foreign(self, origin: str) -> list[str]:
        host = urlsplit(origin).netloc
        return [u for u in self.urls if urlsplit(u).netloc != host and not u.startswith("data:")]


@pytest.fixture
def seen() -> Seen:
    return Seen()


def open_context(
    browser: Browser, stack: Stack, seen: Seen, locale: str = "en-US", bypass_csp: bool = False
) -> BrowserContext:
    """A fresh profile; every request is recorded, any to another host aborted."""
    context = browser.new_context(base_url=stack.dashboard, locale=locale, bypass_csp=bypass_csp)
    host = urlsplit(stack.dashboard).netloc

    def route(intercepted: Route) -> None:
        seen.urls.append(intercepted.request.url)
        if urlsplit(intercepted.request.url).netloc != host:
            intercepted.abort()
        else:
            intercepted.continue_()

    context.route("**/*", route)
    return context


def sign_in(page: Page, bearer: str) -> None:
    """Through the page's own form: the token goes to /api/session, the cookie comes back."""
    page.goto("/")
    assert "/sign-in" in page.url
    page.fill("#token", bearer)
    page.click("form.sign-in button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)
