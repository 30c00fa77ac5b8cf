"""Fault cases on real processes, real Kafka and real PostgreSQL, with random timing.

Each case starts callcenter and dispatch as `opsledger serve` processes on fresh databases
and topics, then repeats OPSLEDGER_FAULT_RUNS times: diagnostic pings posted over HTTP
from a few threads, a fault at a random moment, recovery by itself (a killed process is
started again, as a supervisor would; a restarted broker or database is simply waited
for), then every invariant in tests/faults/harness.py over everything stored so far, and
`/ready` having gone down and come back. One progress line per run.
"""

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest
import sqlalchemy as sa
from opsledger.clock import SystemClock
from opsledger.db import create_engine
from opsledger.eventstore import EventStore
from opsledger.metrics import Metrics
from opsledger.runtime import CommandContext, Runtime
from opsledger_contracts.events.callcenter import DiagnosticPingSent

from tests.faults.conftest import fault_runs
from tests.faults.harness import (
    PingLoad,
    ReadyWatcher,
    World,
    check_run,
    converge,
    healthy,
    wait_for,
    world,
)
from tests.faults.infra import OwnKafka, OwnPostgres

# Bounded in count (the runs) and in time: a case may take at most this long.
CASE_TIMEOUT = 900 + 300 * fault_runs()
pytestmark = [
    pytest.mark.faults,
    pytest.mark.kafka,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.timeout(CASE_TIMEOUT),
]

READY_WITHIN = 180  # a loaded 2-core machine starts a service in 5-40 s
Say = Callable[[str], None]


def start_ready(w: World, *services: str) -> None:
    for s in services:
        w.start(s)
    for s in services:
        wait_for(partial(healthy, w.procs[s]), READY_WITHIN, f"{s} /ready", w)


def restart(w: World, service: str) -> None:
    """Start a killed service again on its port, as a supervisor would; wait until ready."""
    w.start(service, port=w.procs[service].port)
    wait_for(lambda: healthy(w.procs[service]), READY_WITHIN, f"{service} back", w)


async def seed_pings(url: str, count: int, tag: str) -> tuple[int, int]:
    """Pings committed in one transaction, straight into the store: a backlog at once.

    Returns the positions of the first and the last (contiguous: appends serialise)."""
    engine = create_engine(url)
    positions: list[int] = []
    try:
        runtime = Runtime("callcenter", engine, SystemClock(), Metrics("callcenter"), EventStore())
        async with runtime.transaction() as tx:
            for n in range(count):
                ctx = CommandContext("staff-1", "site-a", f"seed-{tag}")
                ping = DiagnosticPingSent(ping_id=f"{tag}-{n}", message="seeded")
                recorded = await tx.append(
                    f"ping-{tag}-{n}", "DiagnosticPing", 0, [ctx.event(ping)]
                )
                positions.append(recorded[0].position)
    finally:
        await engine.dispose()
    return positions[0], positions[-1]


async def poll_until(url: str, sql: str, target: int, within: float) -> int:
    """Poll `sql` (one number) every 10 ms until it reaches `target`; returns the last value."""
    engine = create_engine(url)
    value = 0
    try:
        deadline = time.monotonic() + within
        while True:
            with contextlib.suppress(Exception):
                async with engine.connect() as conn:
                    value = int((await conn.execute(sa.text(sql))).scalar() or 0)
            if value >= target or time.monotonic() > deadline:
                return value
            await asyncio.sleep(0.01)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def kill_world(
    kafka_bootstrap: str, postgres_admin_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """callcenter and dispatch for the three kill -9 cases (one start-up for all three; the
    invariants are checked over everything stored so far, so runs add up). The relay's
    and the consumer's batches are small, so that a kill lands in the middle of a backlog
    (a consumer batch is one transaction: a backlog within one batch is all or nothing)."""
    choose = random.Random()
    batch, consumer_batch = choose.choice([3, 5, 10]), choose.choice([2, 5, 10])
    log_dir = tmp_path_factory.mktemp("kill-9")
    with world(
        postgres_admin_url,
        kafka_bootstrap,
        log_dir,
        OPSLEDGER_RELAY_BATCH_SIZE=str(batch),
        OPSLEDGER_CONSUMER_BATCH_SIZE=str(consumer_batch),
    ) as w:
        start_ready(w, "callcenter", "dispatch")
        yield w


def finish(say: Say, case: str, label: str, w: World, load: PingLoad, note: str) -> None:
    load.stop()
    took = converge(w)
    outcome = check_run(w, load)
    say(
        f"{case} {label}: {note}; {load.summary()}; all {outcome.pings} pings stored once, "
        f"on topic, received once, verify equal (re-published {outcome.republished}, "
        f"converged in {took:.1f}s)"
    )


def runs(seed: int) -> list[tuple[str, random.Random]]:
    n = fault_runs()
    return [(f"run {i}/{n} seed={seed + i}", random.Random(seed + i)) for i in range(1, n + 1)]


def test_kill_9_while_handling_http_commands(seed: int, say: Say, kill_world: World) -> None:
    w = kill_world
    for i, (label, rng) in enumerate(runs(seed)):
        started, cc = time.monotonic(), w.procs["callcenter"]
        watch = ReadyWatcher(cc.url).start()
        load = PingLoad(cc.url, f"h{seed}-{i}", rng, workers=rng.randint(2, 4)).start()
        wait_for(load.has_acks, 60, "a first acknowledgement", w)
        busy = rng.uniform(0.0, 2.0)
        time.sleep(busy)
        cc.kill()  # mid-request: the workers post without pause
        acked_at_kill, down = len(load.acked), rng.uniform(0.0, 2.0)
        time.sleep(down)
        restart(w, "callcenter")
        time.sleep(rng.uniform(0.3, 2.0))
        watch.stop()
        finish(
            say, "kill-9 http", label, w, load,
            f"killed {busy:.1f}s into the load ({acked_at_kill} acked), down {down:.1f}s "
            f"+ restart, /ready {watch.story()}, {time.monotonic() - started:.0f}s",
        )  # fmt: skip
        assert watch.went_down_and_back(frozenset({0, 503})), watch.story()


def test_kill_9_while_the_relay_publishes(seed: int, say: Say, kill_world: World) -> None:
    w = kill_world
    batch = w.env["OPSLEDGER_RELAY_BATCH_SIZE"]
    checkpoint = "SELECT position FROM checkpoints WHERE name = 'relay:kafka'"
    url = w.url("callcenter")
    for i, (label, rng) in enumerate(runs(seed)):
        started, cc = time.monotonic(), w.procs["callcenter"]
        load = PingLoad(cc.url, f"r{seed}-{i}", rng, workers=2).start()
        # Large enough that the kill lands while it is published: the relay gets through
        # a few thousand events a second even in batches of 3 to 10.
        backlog = rng.randint(1000, 2000)
        first, last = asyncio.run(seed_pings(url, backlog, f"r{seed}-{i}-seed"))
        target = first + rng.randint(0, (last - first) // 2)
        asyncio.run(poll_until(url, checkpoint, target, 120))
        watch = ReadyWatcher(cc.url).start()
        cc.kill()
        killed_at = asyncio.run(poll_until(url, checkpoint, 10**12, 0))
        time.sleep(rng.uniform(0.0, 1.0))
        restart(w, "callcenter")  # before any assertion: the next case shares this world
        time.sleep(rng.uniform(0.3, 1.5))
        watch.stop()
        assert first <= killed_at < last, (
            f"relay not killed while publishing the backlog {first}..{last} ({killed_at})"
        )
        finish(
            say, "kill-9 relay", label, w, load,
            f"batch {batch}, killed at {killed_at - first + 1}/{backlog} of a backlog, "
            f"/ready {watch.story()}, {time.monotonic() - started:.0f}s",
        )  # fmt: skip
        assert watch.went_down_and_back(frozenset({0, 503})), watch.story()


def test_kill_9_while_the_consumer_applies_another_services_events(
    seed: int, say: Say, kill_world: World
) -> None:
    w = kill_world
    url = w.url("dispatch")
    for i, (label, rng) in enumerate(runs(seed)):
        started, dp, tag = time.monotonic(), w.procs["dispatch"], f"c{seed}-{i}-seed"
        handled = (
            "SELECT count(*) FROM events WHERE event_type = 'DiagnosticPingReceived' "
            f"AND payload->>'ping_id' LIKE '{tag}-%'"
        )
        load = PingLoad(w.procs["callcenter"].url, f"c{seed}-{i}", rng, workers=2).start()
        backlog = rng.randint(150, 400)
        asyncio.run(seed_pings(w.url("callcenter"), backlog, tag))
        asyncio.run(poll_until(url, handled, rng.randint(1, backlog // 2), 120))
        watch = ReadyWatcher(dp.url).start()
        dp.kill()
        killed_at = asyncio.run(poll_until(url, handled, 10**12, 0))
        time.sleep(rng.uniform(0.0, 1.0))
        restart(w, "dispatch")  # before any assertion: the next case shares this world
        time.sleep(rng.uniform(0.3, 1.5))
        watch.stop()
        assert 0 < killed_at < backlog, f"consumer not killed mid-backlog ({killed_at})"
        finish(
            say, "kill-9 consumer", label, w, load,
            f"batch {w.env['OPSLEDGER_CONSUMER_BATCH_SIZE']}, "
            f"killed after {killed_at}/{backlog} of a backlog handled, "
            f"/ready {watch.story()}, {time.monotonic() - started:.0f}s",
        )  # fmt: skip
        assert watch.went_down_and_back(frozenset({0, 503})), watch.story()


def _infra_run(
    say: Say, case: str, label: str, rng: random.Random, w: World, tag: str,
    fault: Callable[[random.Random], str],
) -> None:  # fmt: skip
    started = time.monotonic()
    cc, dp = w.procs["callcenter"], w.procs["dispatch"]
    watches = [ReadyWatcher(p.url).start() for p in (cc, dp)]
    load = PingLoad(cc.url, tag, rng, workers=rng.randint(2, 3)).start()
    wait_for(load.has_acks, 60, "a first acknowledgement", w)
    time.sleep(rng.uniform(0.0, 2.0))
    note = fault(rng)
    for p in (cc, dp):
        wait_for(partial(healthy, p), READY_WITHIN, f"{p.service} ready again", w)
    time.sleep(rng.uniform(0.3, 2.0))
    for watch in watches:
        watch.stop()
    assert cc.proc.poll() is None and dp.proc.poll() is None, "a service died"
    pairs = zip((cc, dp), watches, strict=True)
    stories = ", ".join(f"{p.service} {wt.story()}" for p, wt in pairs)
    took = time.monotonic() - started
    finish(say, case, label, w, load, f"{note}, /ready {stories}, {took:.0f}s")
    for watch in watches:
        assert watch.went_down_and_back(), f"/ready did not go 503 and back: {stories}"


def test_broker_restart_under_load(
    seed: int, say: Say, restartable_kafka: OwnKafka, postgres_admin_url: str, tmp_path: Path
) -> None:
    def fault(rng: random.Random) -> str:
        restartable_kafka.stop()
        down = rng.uniform(0.5, 6.0)
        time.sleep(down)
        restartable_kafka.start()
        return f"broker down {down:.1f}s + its start"

    with world(postgres_admin_url, restartable_kafka.bootstrap, tmp_path) as w:
        start_ready(w, "callcenter", "dispatch")
        for i, (label, rng) in enumerate(runs(seed)):
            _infra_run(say, "broker restart", label, rng, w, f"k{seed}-{i}", fault)


def test_postgres_restart_under_load(
    seed: int, say: Say, kafka_bootstrap: str, restartable_postgres: OwnPostgres, tmp_path: Path
) -> None:
    def fault(rng: random.Random) -> str:
        mode = rng.choice(["fast", "immediate"])
        restartable_postgres.stop(mode)
        down = rng.uniform(0.5, 5.0)
        time.sleep(down)
        restartable_postgres.start()
        return f"pg_ctl stop -m {mode}, down {down:.1f}s"

    with world(restartable_postgres.admin_url, kafka_bootstrap, tmp_path) as w:
        start_ready(w, "callcenter", "dispatch")
        for i, (label, rng) in enumerate(runs(seed)):
            _infra_run(say, "postgres restart", label, rng, w, f"p{seed}-{i}", fault)
