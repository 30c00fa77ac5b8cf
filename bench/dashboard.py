"""The dashboard (issue 23 item 10): 10 sites with many events applied, then

- the page's first response, server time: `GET /api/cards` for all 10 sites (the company
  roll-up and every card, 30-day trends included), in-process (no network), p50 and p99;
- card update latency while 200 events/s arrive: from the commit of a consumed event
  (the inbound transaction) to the live stream yielding the changed card, p50 and p99.

Events go through the dashboard's real inbound consumers (`handle_batch`, as from Kafka)
and read-model runner, on SQLite (`OPSLEDGER_BENCH_DASHBOARD_BACKEND=postgres` for the
local PostgreSQL). `OPSLEDGER_BENCH_DASHBOARD_EVENTS` sets how many are applied first
(default 50,000: a smaller count than the issue's 1,000,000, said in the row's note, so
the 2-core machine shared with the other services finishes in minutes).

`uv run --frozen python -m bench.dashboard` runs the rows alone.
"""

import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.consumers import IncomingMessage
from opsledger.service import load_service
from opsledger.settings import Settings
from opsledger_contracts import EventEnvelope, EventPayload, encode_message, events_topic
from opsledger_contracts.events.callcenter import CallLogged
from opsledger_contracts.events.dispatch import WorkOrderAccepted, WorkOrderIssued

from bench.common import Row, pg_database

SITES = [f"site-{n:02d}" for n in range(10)]
SECRET = "bench-dashboard-" + uuid4().hex + uuid4().hex
RATE = 200  # events per second during the latency run
LATENCY_SECONDS = 10
ACHIEVED: list[float] = []  # the rate the machine actually sustained (events/s)


def _message(source: str, payload: EventPayload, stream: str, site: str, n: int) -> IncomingMessage:
    envelope = EventEnvelope(
        event_id=uuid4(),
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        source=source,
        site_id=site,
        stream_id=stream,
        stream_type=payload.stream_type or "Call",
        stream_version=1,
        occurred_at=datetime.now(UTC) - timedelta(days=n % 40),
        correlation_id="bench",
        actor="bench",
    )
    key, value, headers = encode_message(envelope, payload)
    return IncomingMessage(events_topic(source), 0, n, key, value, tuple(headers))


def history(n: int) -> list[IncomingMessage]:
    """Event `n` of the preloaded history: calls, and work orders issued then accepted."""
    site = SITES[n % len(SITES)]
    if n % 3 == 0:
        wo = f"W{n // 3 - (n // 3) % 2}"
        at = datetime.now(UTC)
        if (n // 3) % 2 == 0:
            payload: EventPayload = WorkOrderIssued(
                work_order_id=wo, serial_no=n + 1, ticket_id=None, issuer="d", location="l",
                content="c", requirements="r", reply_by=at + timedelta(hours=4), assignee="e",
            )  # fmt: skip
        else:
            payload = WorkOrderAccepted(
                work_order_id=wo, serial_no=n, ticket_id=None, assignee="e", accepted_at=at
            )
        return [_message("dispatch", payload, f"work-order-{wo}", site, n)]
    outcome = "answered" if n % 5 else "abandoned"
    call = CallLogged(
        call_id=f"C{n}", outcome=outcome, offered_at=datetime.now(UTC), month="2026-12"
    )
    return [_message("callcenter", call, f"call-C{n}", site, n)]


async def _service(tmp: Path) -> ServiceApp:
    backend = os.environ.get("OPSLEDGER_BENCH_DASHBOARD_BACKEND", "sqlite")
    url = await pg_database() if backend == "postgres" else f"sqlite+aiosqlite:///{tmp / 'dash.db'}"
    settings = Settings(database_url=url, auth_secret=SECRET)
    service = ServiceApp(load_service("dashboard"), settings)
    await service.start(background=False)
    return service


async def _apply(service: ServiceApp, messages: list[IncomingMessage]) -> None:
    by_topic: dict[str, list[IncomingMessage]] = {}
    for m in messages:
        by_topic.setdefault(m.topic, []).append(m)
    for consumer in service.consumers:
        batch = by_topic.get(consumer.subscription.topic)
        if batch:
            await consumer.handle_batch(batch)


async def preload(service: ServiceApp, events: int) -> None:
    for start in range(0, events, 500):
        await _apply(
            service, [m for n in range(start, min(events, start + 500)) for m in history(n)]
        )
        await service.read_models.catch_up()


async def first_response(service: ServiceApp, rounds: int = 20) -> list[float]:
    token = TokenService(SECRET, audience="dashboard").mint("bench", ["manager"], ["*"])
    transport = httpx.ASGITransport(app=service.build_http())
    times = []
    async with httpx.AsyncClient(transport=transport, base_url="http://d") as client:
        for _ in range(rounds + 2):
            started = time.perf_counter()
            answer = await client.get("/api/cards", headers={"Authorization": f"Bearer {token}"})
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200 and len(answer.json()["sites"]) == len(SITES)
    return times[2:]  # the first two warm the caches


async def update_latency(service: ServiceApp, offset: int) -> list[float]:
    """Events at RATE/s for LATENCY_SECONDS; for each, commit -> the card's SSE change."""
    from dashboard.views.access import Viewer
    from dashboard.views.config import DashboardSettings
    from dashboard.views.live import card_changes

    principal = TokenService(SECRET, audience="dashboard").verify(
        TokenService(SECRET, audience="dashboard").mint("bench", ["manager"], ["*"])
    )
    viewer = Viewer(principal, service.runtime, DashboardSettings())
    committed: dict[str, float] = {}
    latencies: list[float] = []
    stop = asyncio.Event()

    async def runner() -> None:
        while not stop.is_set():
            if not await service.read_models.run_once():
                await asyncio.sleep(0.005)

    async def watch() -> None:
        async for name, card in card_changes(service.read_models, viewer, None):
            site = card.get("site_id")
            if name.endswith(":callcenter.answered_rate") and site in committed:
                latencies.append((time.perf_counter() - committed.pop(site)) * 1000)

    tasks = [asyncio.create_task(runner()), asyncio.create_task(watch())]
    await asyncio.sleep(2)  # the stream's first pass (every card once)
    tick = 0.05
    per_tick = int(RATE * tick)
    n = offset
    started = time.perf_counter()
    sent = 0
    while time.perf_counter() - started < LATENCY_SECONDS:
        due = started + (n - offset) / RATE
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        batch = []
        for _ in range(per_tick):
            while n % 3 == 0:
                n += 1  # calls only: each moves its site's answered-rate card
            batch += history(n)
            n += 1
        await _apply(service, batch)
        sent += len(batch)
        now = time.perf_counter()
        for m in batch:
            site = dict(m.headers).get("ce_siteid", b"").decode()
            committed.setdefault(site, now)
    ACHIEVED.append(sent / (time.perf_counter() - started))
    await asyncio.sleep(1)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return latencies


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# row key -> (figure, unit, target): the rows `make bench` prints (bench/run.py)
DASHBOARD_ROWS: dict[str, tuple[str, str, str]] = {
    "dashboard_first_response_p50": (
        "dashboard: GET /api/cards, 10 sites, server time p50",
        "ms",
        "< 200 ms",
    ),
    "dashboard_first_response_p99": (
        "dashboard: GET /api/cards, 10 sites, server time p99",
        "ms",
        "< 200 ms",
    ),
    "dashboard_card_update_p50": (
        "dashboard: event committed -> card on the live stream, p50 at 200 events/s",
        "ms",
        "< 1 s",
    ),
    "dashboard_card_update_p99": (
        "dashboard: event committed -> card on the live stream, p99 at 200 events/s",
        "ms",
        "< 1 s",
    ),
}


def _row(key: str, value: float | None, limit: float, note: str = "") -> Row:
    figure, unit, target = DASHBOARD_ROWS[key]
    met = None if value is None else value < limit
    return Row(figure, value, unit, target=target, met=met, note=note)


async def dashboard_rows(tmp: Path, scale: float = 1.0) -> dict[str, Row]:
    events = int(int(os.environ.get("OPSLEDGER_BENCH_DASHBOARD_EVENTS", "50000")) * scale)
    service = await _service(tmp)
    try:
        started = time.perf_counter()
        await preload(service, events)
        load_s = time.perf_counter() - started
        first = await first_response(service)
        latencies = await update_latency(service, events)
    finally:
        await service.stop()
    note = (
        f"{events:,} events applied first over 10 sites ({events / load_s:,.0f} events/s "
        f"through inbound + read model), not 1,000,000; load average {os.getloadavg()[0]:.1f}"
    )
    rate = ACHIEVED[-1] if ACHIEVED else 0.0
    updates = (
        f"{len(latencies)} card updates measured over {LATENCY_SECONDS} s; "
        f"{rate:,.0f} events/s actually applied (target rate {RATE}/s)"
    )
    return {
        "dashboard_first_response_p50": _row(
            "dashboard_first_response_p50", statistics.median(first), 200, note
        ),
        "dashboard_first_response_p99": _row("dashboard_first_response_p99", _p(first, 0.99), 200),
        "dashboard_card_update_p50": _row(
            "dashboard_card_update_p50", statistics.median(latencies) if latencies else None, 1000
        ),
        "dashboard_card_update_p99": _row(
            "dashboard_card_update_p99", _p(latencies, 0.99) if latencies else None, 1000, updates
        ),
    }


_MEASURED: dict[str, Row] = {}


def _hook(key: str) -> Callable[[Path, float], Coroutine[Any, Any, Row]]:
    async def row(tmp: Path, scale: float) -> Row:
        if key not in _MEASURED:  # one run measures all four rows
            _MEASURED.update(await dashboard_rows(tmp, scale))
        return _MEASURED[key]

    return row


DASHBOARD_HOOKS = {key: _hook(key) for key in DASHBOARD_ROWS}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = asyncio.run(dashboard_rows(Path(tmp)))
    for key, row in rows.items():
        value = "not measured" if row.value is None else f"{row.value:,.2f} {row.unit}"
        print(f"{key:34} {value:>14}  target {row.target:8} {row.note}")


if __name__ == "__main__":
    main()
