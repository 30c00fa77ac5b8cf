"""OpsLedger benchmarks: `make bench` (real PostgreSQL and Kafka started by the project).

Prints a table and writes bench/results/latest.json. Figures, not assertions: the
machine (2 cores) runs the database, the broker and the benchmark at once.
"""

import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import sqlalchemy as sa
from opsledger.auth import TokenService
from opsledger.clock import SystemClock
from opsledger.db import create_engine
from opsledger.eventstore import EventStore
from opsledger.kafka import KafkaConnector
from opsledger.metrics import Metrics
from opsledger.migrate import upgrade
from opsledger.projections import ProjectionRunner
from opsledger.relay import OutboxRelay
from opsledger.runtime import CommandContext, Runtime
from opsledger.service import load_service
from opsledger_contracts.events.callcenter import DiagnosticPingSent
from opsledger_contracts.events.dispatch import DiagnosticPingReceived

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get(
    "OPSLEDGER_TEST_POSTGRES_URL",
    "postgresql+asyncpg://opsledger:opsledger@127.0.0.1:5432/postgres",
)
KAFKA = os.environ.get("OPSLEDGER_TEST_KAFKA", "127.0.0.1:9092")
SECRET = "bench-secret-0123456789-0123456789-abcdef"

Results = dict[str, Any]


def _ping(i: int) -> DiagnosticPingSent:
    return DiagnosticPingSent(ping_id=f"p{i}", message="benchmark")


async def _pg_database(prefix: str = "opsledger_bench", exact: str | None = None) -> str:
    name = exact or f"{prefix}_{uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return sa.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


async def _drop(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        name = sa.make_url(url).database
        await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def _fresh(backend: str, tmp: Path, service: str = "callcenter") -> Runtime:
    url = (
        await _pg_database("opsledger_bench")
        if backend == "postgres"
        else f"sqlite+aiosqlite:///{tmp / f'{uuid4().hex[:8]}.db'}"
    )
    engine = create_engine(url)
    await upgrade(engine, load_service(service))
    return Runtime(service, engine, SystemClock(), Metrics(service), EventStore())


async def _close(runtime: Runtime) -> None:
    url = runtime.engine.url.render_as_string(hide_password=False)
    await runtime.engine.dispose()
    await _drop(url)


async def bench_append(backend: str, tmp: Path, writers: int, batch: int, appends: int) -> float:
    """Events/s: `writers` tasks, each `appends` appends of `batch` events with OCC."""
    runtime = await _fresh(backend, tmp)
    ctx = CommandContext("bench", "site-a", "bench")

    async def writer(w: int) -> None:
        version = 0
        for a in range(appends):
            async with runtime.transaction() as tx:
                events = [ctx.event(_ping(a * batch + i)) for i in range(batch)]
                await tx.append(f"bench-{w}", "DiagnosticPing", version, events)
            version += batch

    started = time.perf_counter()
    await asyncio.gather(*(writer(w) for w in range(writers)))
    elapsed = time.perf_counter() - started
    await _close(runtime)
    return writers * appends * batch / elapsed


def bench_eventsourcing_append(writers: int, batch: int, appends: int) -> float:
    """The same workload through the `eventsourcing` library's PostgreSQL recorder."""
    from eventsourcing.persistence import StoredEvent
    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    url = asyncio.run(_pg_database("opsledger_bench_es"))
    u = sa.make_url(url)
    datastore = PostgresDatastore(
        u.database or "",
        u.host or "127.0.0.1",
        u.port or 5432,
        u.username or "",
        u.password or "",
        pool_size=writers,
    )
    recorder = PostgresApplicationRecorder(datastore)
    recorder.create_table()

    def writer(_: int) -> None:
        stream = uuid4()
        for a in range(appends):
            # Same input as ours: a pydantic payload built and serialised per event.
            recorder.insert_events(
                [
                    StoredEvent(
                        stream,
                        a * batch + i + 1,
                        "DiagnosticPingSent",
                        _ping(a * batch + i).model_dump_json().encode(),
                    )
                    for i in range(batch)
                ]
            )

    started = time.perf_counter()
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(writer, range(writers)))
    elapsed = time.perf_counter() - started
    datastore.close()
    asyncio.run(_drop(url))
    return writers * appends * batch / elapsed


async def _seed(runtime: Runtime, total: int, make: Callable[[int], Any]) -> None:
    ctx = CommandContext("bench", "site-a", "bench")
    for start in range(0, total, 1000):
        async with runtime.transaction() as tx:
            await tx.append(
                f"seed-{start}",
                "Bench",
                0,
                [ctx.event(make(i)) for i in range(start, start + 1000)],
            )


async def bench_relay(backend: str, tmp: Path, total: int) -> float:
    runtime = await _fresh(backend, tmp)
    await _seed(runtime, total, _ping)
    kafka = KafkaConnector(KAFKA, "bench-relay")
    relay = OutboxRelay(runtime, kafka, batch_size=1000, topic_prefix=f"bench{uuid4().hex[:6]}.")
    await kafka.ensure_topics([relay.topic])
    await kafka.producer()
    started = time.perf_counter()
    published = 0
    while n := await relay.publish_batch():
        published += n
    elapsed = time.perf_counter() - started
    await relay.resign()
    await kafka.close()
    await _close(runtime)
    assert published == total
    return total / elapsed


async def bench_rebuild(backend: str, tmp: Path, total: int) -> float:
    from dispatch.adapters.projections import DiagnosticPingsProjection

    runtime = await _fresh(backend, tmp, "dispatch")
    now = datetime.now(UTC)
    await _seed(
        runtime,
        total,
        lambda i: DiagnosticPingReceived(
            ping_id=f"p{i}", message="m", sent_event_id=str(uuid4()), sent_at=now
        ),
    )
    runner = ProjectionRunner(
        runtime.engine, runtime.store, runtime.clock, [DiagnosticPingsProjection()], batch_size=1000
    )
    started = time.perf_counter()
    count = await runner.rebuild(DiagnosticPingsProjection())
    elapsed = time.perf_counter() - started
    await _close(runtime)
    assert count == total
    return total / elapsed


def bench_e2e(pings: int) -> dict[str, float]:
    """Seconds from POST /diagnostics/pings (callcenter) until dispatch's projection has it.

    Both services run as real processes on PostgreSQL with default poll settings.
    """
    from tests.processes import answers, running, service_env, wait_until

    services = ("callcenter", "dispatch")
    prefix = f"opsledger_bench_e2e_{uuid4().hex[:6]}"
    urls = [asyncio.run(_pg_database(exact=f"{prefix}_{s}")) for s in services]
    env = service_env(urls[0].rsplit("/", 1)[0] + f"/{prefix}_{{service}}", KAFKA)
    env["OPSLEDGER_AUTH_SECRET"] = SECRET
    env.pop("OPSLEDGER_POLL_INTERVAL_SECONDS")
    token = TokenService(SECRET).mint("bench", ["agent"], ["site-a"])
    auth = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    try:
        with (
            tempfile.TemporaryDirectory() as logs,
            running(list(services), env, Path(logs)) as procs,
        ):
            for name, proc in procs.items():
                wait_until(answers(f"{proc.url}/ready", 200), 60, f"{name} ready")
            cc, dispatch = procs["callcenter"].url, procs["dispatch"].url
            with httpx.Client(timeout=10) as client:
                for i in range(pings):
                    ping_id = f"e2e-{i}"
                    started = time.perf_counter()
                    client.post(
                        f"{cc}/diagnostics/pings",
                        json={"site_id": "site-a", "ping_id": ping_id, "message": "bench"},
                        headers=auth,
                    ).raise_for_status()
                    view = f"{dispatch}/diagnostics/pings/{ping_id}"
                    while client.get(view, headers=auth).status_code != 200:
                        time.sleep(0.002)
                    latencies.append(time.perf_counter() - started)
    finally:
        for url in urls:
            asyncio.run(_drop(url))
    latencies.sort()
    return {
        "e2e_seconds_p50": statistics.median(latencies),
        "e2e_seconds_p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "e2e_samples": float(len(latencies)),
    }


def _table(rows: list[tuple[str, str, str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows)


def main() -> None:
    quick = os.environ.get("OPSLEDGER_BENCH_QUICK") == "1"
    scale = 0.2 if quick else 1.0
    results: Results = {
        "generated_at": datetime.now(UTC).isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "append_events_per_s": {},
        "eventsourcing_append_events_per_s": {},
        "ours_vs_eventsourcing_ratio": {},
    }
    rows: list[tuple[str, str, str]] = [("metric", "configuration", "value")]
    workloads = {  # name: (writers, events per append, appends per writer)
        "1_writer_single": (1, 1, int(2000 * scale)),
        "8_writers_single": (8, 1, int(400 * scale)),
        "1_writer_batch100": (1, 100, int(100 * scale)),
        "8_writers_batch100": (8, 100, int(20 * scale)),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for backend in ("postgres", "sqlite"):
            for name, (writers, batch, appends) in workloads.items():
                rate = asyncio.run(bench_append(backend, Path(tmp), writers, batch, appends))
                results["append_events_per_s"][f"{backend}_{name}"] = round(rate, 1)
                rows.append(("append_events_per_s", f"{backend} {name}", f"{rate:,.0f}"))
        for name, (writers, batch, appends) in workloads.items():
            rate = bench_eventsourcing_append(writers, batch, appends)
            ours = results["append_events_per_s"][f"postgres_{name}"]
            results["eventsourcing_append_events_per_s"][f"postgres_{name}"] = round(rate, 1)
            results["ours_vs_eventsourcing_ratio"][f"postgres_{name}"] = round(ours / rate, 3)
            rows.append(("eventsourcing_append_events_per_s", f"postgres {name}", f"{rate:,.0f}"))
            rows.append(("ours / eventsourcing", f"postgres {name}", f"{ours / rate:.2f}x"))
        total = int(20_000 * scale)
        for backend in ("postgres", "sqlite"):
            relay = asyncio.run(bench_relay(backend, Path(tmp), total))
            rebuild = asyncio.run(bench_rebuild(backend, Path(tmp), total))
            results.setdefault("relay_events_per_s", {})[backend] = round(relay, 1)
            results.setdefault("rebuild_events_per_s", {})[backend] = round(rebuild, 1)
            rows.append(
                ("relay_events_per_s", f"{backend} -> kafka, {total} events", f"{relay:,.0f}")
            )
            rows.append(("rebuild_events_per_s", f"{backend}, {total} events", f"{rebuild:,.0f}"))
    e2e = bench_e2e(int(200 * scale) or 20)
    results.update({k: round(v, 4) for k, v in e2e.items()})
    rows.append(
        (
            "e2e_seconds_p50",
            "callcenter HTTP -> dispatch projection",
            f"{e2e['e2e_seconds_p50']:.4f}",
        )
    )
    rows.append(
        (
            "e2e_seconds_p99",
            "callcenter HTTP -> dispatch projection",
            f"{e2e['e2e_seconds_p99']:.4f}",
        )
    )
    print(_table(rows))
    out = REPO / "bench" / "results" / "latest.json"
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"\nwritten {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
