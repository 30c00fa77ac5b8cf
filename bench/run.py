"""OpsLedger benchmarks: `make bench` (real PostgreSQL and Kafka started by the project).

Prints, from one run, every row of issue #9's target table with its value, its peer
measured in the same run and the ratio, and writes one key per row to
bench/results/latest.json. Figures, not assertions: the machine (2 cores) runs the
database, the broker and the benchmark at once, and its fsync latency (printed beside
the append rows) bounds every durable append.

Peers: the `eventsourcing` library's PostgreSQL recorder (default settings: locking
mode, pipelined LOCK TABLE + INSERT) over the same transport as ours (both connect to
127.0.0.1 with the driver's default sslmode=prefer; the transport actually used is
printed), and a raw aiokafka idempotent producer sending the relay's records.

Rows other engineers own (projection rebuild, command -> other service's read model,
idle-service writes) are hooks: `ROW_HOOKS` maps a row key to a function returning a
`Row`; until one is registered the row prints "not measured".
"""

import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import sqlalchemy as sa
from opsledger.clock import SystemClock
from opsledger.db import create_engine
from opsledger.eventstore import EventStore
from opsledger.kafka import KafkaConnector
from opsledger.metrics import Metrics
from opsledger.migrate import upgrade
from opsledger.relay import OutboxRelay
from opsledger.runtime import CommandContext, Runtime
from opsledger.service import ServiceDefinition
from opsledger_contracts.events.callcenter import DiagnosticPingSent

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get(
    "OPSLEDGER_TEST_POSTGRES_URL",
    "postgresql+asyncpg://opsledger:opsledger@127.0.0.1:5432/postgres",
)
KAFKA = os.environ.get("OPSLEDGER_TEST_KAFKA", "127.0.0.1:9092")


@dataclass
class Row:
    """One printed row and one key of latest.json."""

    figure: str
    value: float | None
    unit: str
    peer: float | None = None
    peer_name: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


def _ping(i: int) -> DiagnosticPingSent:
    return DiagnosticPingSent(ping_id=f"p{i}", message="benchmark")


class Progress:
    """Per-step lines on stderr: `[3/12] name … 1,234 events/s (4.1 s)`."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def step(self, name: str) -> "_Step":
        self.done += 1
        return _Step(self, name)


class _Step:
    def __init__(self, progress: Progress, name: str) -> None:
        self.progress, self.name = progress, name

    def __enter__(self) -> "_Step":
        self.started = time.perf_counter()
        p = self.progress
        print(f"[{p.done:>2}/{p.total}] {self.name} …", end="", file=sys.stderr, flush=True)
        return self

    def result(self, text: str) -> None:
        self.text = text

    def __exit__(self, *exc: object) -> None:
        took = time.perf_counter() - self.started
        print(f" {getattr(self, 'text', '')} ({took:.1f} s)", file=sys.stderr, flush=True)


# -- databases -------------------------------------------------------------------------


async def _pg_database(prefix: str = "opsledger_bench") -> str:
    name = f"{prefix}_{uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return sa.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


async def _drop(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    name = sa.make_url(url).database
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(20):
            try:
                async with admin.connect() as conn:
                    # FORCE cannot end an autovacuum worker (not our role); plain DROP
                    # cancels it, so fall back to that and retry while it winds down.
                    force = " WITH (FORCE)" if attempt == 0 else ""
                    await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"{force}'))
                return
            except sa.exc.DBAPIError:
                if attempt == 19:
                    raise
                await asyncio.sleep(0.5)
    finally:
        await admin.dispose()


# Kernel tables only: the append and relay figures must not depend on a service's code.
KERNEL_ONLY = ServiceDefinition(name="bench", title="kernel benchmark", default_port=0)


async def _fresh(
    backend: str, tmp: Path, service: str = "callcenter", **engine_kwargs: Any
) -> Runtime:
    url = (
        await _pg_database()
        if backend == "postgres"
        else f"sqlite+aiosqlite:///{tmp / f'{uuid4().hex[:8]}.db'}"
    )
    engine = create_engine(url, **engine_kwargs)
    await upgrade(engine, KERNEL_ONLY)
    return Runtime(service, engine, SystemClock(), Metrics(service), EventStore())


async def _close(runtime: Runtime) -> None:
    url = runtime.engine.url.render_as_string(hide_password=False)
    await runtime.engine.dispose()
    await _drop(url)


# -- the machine's limits --------------------------------------------------------------


def fsync_latency_us(directory: Path) -> tuple[float, str]:
    """fdatasync of one 8 kB write, as PostgreSQL's WAL does: pg_test_fsync if present."""
    tool = shutil.which("pg_test_fsync") or next(
        iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_test_fsync"), reverse=True)),
        None,
    )
    probe = directory / f"fsync-probe-{uuid4().hex[:6]}"
    if tool is not None:
        try:
            out = subprocess.run(
                [str(tool), "-s", "1", "-f", str(probe)],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            ).stdout
            for line in out.splitlines():
                if line.strip().startswith("fdatasync") and "usecs/op" in line:
                    return float(line.split()[-2]), f"pg_test_fsync on {directory}"
        except (OSError, subprocess.SubprocessError, ValueError):
            pass
        finally:
            probe.unlink(missing_ok=True)
    block = b"\0" * 8192
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.ftruncate(fd, 16 * 1024 * 1024)
        os.fsync(fd)
        rounds = 300
        started = time.perf_counter()
        for i in range(rounds):
            os.pwrite(fd, block, i * 8192)
            os.fdatasync(fd)
        return (time.perf_counter() - started) / rounds * 1e6, f"fdatasync loop on {directory}"
    finally:
        os.close(fd)
        probe.unlink(missing_ok=True)


async def pg_commit_floor(commits: int) -> tuple[float, str]:
    """Commits/s of one single-row autocommit INSERT on our transport: the durable limit."""
    url = await _pg_database()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text("CREATE TABLE floor (id bigserial PRIMARY KEY, v text)"))
            insert = sa.text("INSERT INTO floor (v) VALUES ('x')")
            started = time.perf_counter()
            for _ in range(commits):
                await conn.execute(insert)
            rate = commits / (time.perf_counter() - started)
            ssl = (
                await conn.execute(
                    sa.text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                )
            ).scalar()
    finally:
        await engine.dispose()
        await _drop(url)
    return rate, "TLS over TCP 127.0.0.1" if ssl else "plain TCP 127.0.0.1"


# -- appends ---------------------------------------------------------------------------


async def bench_append(
    backend: str, tmp: Path, writers: int, batch: int, appends: int, **engine_kwargs: Any
) -> float:
    """Events/s: `writers` tasks, each `appends` appends of `batch` events with OCC."""
    runtime = await _fresh(backend, tmp, **engine_kwargs)
    ctx = CommandContext("bench", "site-a", "bench")

    async def writer(stream: str, count: int) -> None:
        version = 0
        for a in range(count):
            async with runtime.transaction() as tx:
                events = [ctx.event(_ping(a * batch + i)) for i in range(batch)]
                await tx.append(stream, "DiagnosticPing", version, events)
            version += batch

    # Warm-up: every writer's connection opened and its statements prepared.
    await asyncio.gather(*(writer(f"warm-{w}", 1) for w in range(writers)))
    started = time.perf_counter()
    await asyncio.gather(*(writer(f"bench-{w}", appends) for w in range(writers)))
    elapsed = time.perf_counter() - started
    await _close(runtime)
    return writers * appends * batch / elapsed


def bench_eventsourcing_append(writers: int, batch: int, appends: int) -> tuple[float, str]:
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
    with datastore.get_connection() as conn:
        row = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
    transport = "TLS over TCP 127.0.0.1" if row and row["ssl"] else "plain TCP 127.0.0.1"

    def writer(_: int) -> None:
        stream = uuid4()
        for a in range(appends + 1):  # the first append warms the connection up
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
            if a == 0:
                ready.wait()
                started.append(time.perf_counter())

    import threading

    ready = threading.Barrier(writers)
    started: list[float] = []
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(writer, range(writers)))
    elapsed = time.perf_counter() - min(started)
    datastore.close()
    asyncio.run(_drop(url))
    return writers * appends * batch / elapsed, transport


# -- relay -----------------------------------------------------------------------------


async def _seed(runtime: Runtime, total: int) -> None:
    ctx = CommandContext("bench", "site-a", "bench")
    for start in range(0, total, 1000):
        async with runtime.transaction() as tx:
            await tx.append(
                f"seed-{start}",
                "Bench",
                0,
                [ctx.event(_ping(i)) for i in range(start, start + 1000)],
            )


async def bench_relay(backend: str, tmp: Path, total: int) -> tuple[float, float]:
    """(relay events/s, raw aiokafka idempotent producer events/s) for the same records.

    The raw producer sends exactly the records the relay sent (same topic layout, keys,
    values, headers), all at once, then awaits every ack: the upper bound for Kafka here.
    """
    runtime = await _fresh(backend, tmp)
    await _seed(runtime, total)
    kafka = KafkaConnector(KAFKA, "bench-relay")
    relay = OutboxRelay(runtime, kafka, batch_size=1000, topic_prefix=f"bench{uuid4().hex[:6]}.")
    raw_topic = f"bench{uuid4().hex[:6]}.raw"
    await kafka.ensure_topics([relay.topic, raw_topic])
    producer = await kafka.producer()
    # The records the relay will produce, captured for the raw producer.
    records: list[tuple[bytes, bytes, list[tuple[str, bytes]]]] = []
    async with runtime.engine.connect() as conn:
        for event in await runtime.store.read_all(conn, 0, total):
            records.append(
                (
                    event.stream_id.encode(),
                    json.dumps(event.payload, separators=(",", ":")).encode(),
                    event.envelope(runtime.service).to_kafka_headers(),
                )
            )
    started = time.perf_counter()
    published = 0
    while n := await relay.publish_batch():
        published += n
    relay_rate = total / (time.perf_counter() - started)
    started = time.perf_counter()
    for start in range(0, total, 1000):  # the same batch size as the relay's
        acks = [
            await producer.send(raw_topic, key=k, value=v, headers=h)
            for k, v, h in records[start : start + 1000]
        ]
        await asyncio.gather(*acks)
    raw_rate = total / (time.perf_counter() - started)
    await relay.resign()
    await kafka.close()
    await _close(runtime)
    if published != total:
        raise RuntimeError(f"relay published {published} of {total}")
    return relay_rate, raw_rate


# -- rows owned elsewhere: hooks -------------------------------------------------------

# Row key -> async function (tmp dir, scale) returning that row. The rebuild and e2e
# rows are registered by their owners; until then they print "not measured".
ROW_HOOKS: dict[str, Callable[[Path, float], Coroutine[Any, Any, Row]]] = {}

HOOKED_ROWS = {
    "rebuild_postgres": ("projection rebuild, PostgreSQL", "events/s", ">= 50,000/s"),
    "rebuild_sqlite": ("projection rebuild, SQLite", "events/s", ">= 50,000/s"),
    "e2e_command_to_read_model_p50": (
        "callcenter command -> dispatch read model, p50 (hop timestamps)",
        "ms",
        "< 20 ms",
    ),
    "e2e_command_to_read_model_p99": (
        "callcenter command -> dispatch read model, p99 (hop timestamps)",
        "ms",
        "< 100 ms",
    ),
    "idle_service_db_writes": ("idle service, database writes per minute", "writes", "0"),
}


# -- report ----------------------------------------------------------------------------


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured"
    if unit in ("ms", "µs", "x"):
        return f"{value:,.2f} {unit}"
    return f"{value:,.0f} {unit}"


def render(rows: dict[str, Row]) -> str:
    table = [("figure", "value", "peer (same run)", "ratio", "target", "met")]
    for row in rows.values():
        peer = f"{_fmt(row.peer, row.unit)} {row.peer_name}".strip() if row.peer else ""
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        met = {True: "yes", False: "NO", None: ""}[row.met]
        table.append((row.figure, _fmt(row.value, row.unit), peer, ratio, row.target, met))
    widths = [max(len(r[i]) for r in table) for i in range(6)]
    lines = ["  ".join(f"{c:<{w}}" for c, w in zip(r, widths, strict=True)) for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {k}: {r.note}" for k, r in rows.items() if r.note]
    return "\n".join(lines + (["", "notes:", *notes] if notes else []))


def main() -> None:
    quick = os.environ.get("OPSLEDGER_BENCH_QUICK") == "1"
    scale = 0.25 if quick else 1.0

    def n(count: float) -> int:
        return max(1, int(count * scale))

    singles, per8 = n(1500), n(300)
    batches1, batches8 = n(60), n(15)
    relay_total = n(20_000) // 1000 * 1000 or 1000
    rows: dict[str, Row] = {}
    load_before = os.getloadavg()
    print(
        f"load average before: {load_before[0]:.2f} on {os.cpu_count()} CPUs "
        "(other processes share this machine; figures move with it)",
        file=sys.stderr,
    )
    progress = Progress(total=11 + len(HOOKED_ROWS))
    with tempfile.TemporaryDirectory(dir=os.environ.get("OPSLEDGER_BENCH_TMP")) as tmp_name:
        tmp = Path(tmp_name)
        with progress.step("fsync latency of this machine") as step:
            pg_dir = Path("/var/lib/postgresql")
            probe_dir = pg_dir if os.access(pg_dir, os.W_OK) else tmp
            fsync_us, fsync_how = fsync_latency_us(probe_dir)
            step.result(f"{fsync_us:,.0f} µs")
        rows["fsync_latency_us"] = Row(
            "fsync latency (8 kB write + fdatasync)", fsync_us, "µs", note=fsync_how
        )
        with progress.step("PostgreSQL commit floor (1-row autocommit INSERT)") as step:
            floor, transport = asyncio.run(pg_commit_floor(n(1000)))
            step.result(f"{floor:,.0f} commits/s")
        rows["pg_commit_floor_per_s"] = Row(
            "PostgreSQL commit floor, 1 connection",
            floor,
            "commits/s",
            note=f"one durable commit per append bounds 1 writer; {transport}",
        )

        # Ours and the peer alternate in rounds, so both see the same phases of this
        # machine's (strongly varying) fsync latency; each figure is total events / time.
        workloads = {
            "pg_1_writer": (1, 1, singles),
            "pg_8_writers": (8, 1, per8),
            "pg_batch100_1_writer": (1, 100, batches1),
            "pg_batch100_8_writers": (8, 100, batches8),
        }
        rounds = 3
        ours: dict[str, float] = {}
        es: dict[str, float] = {}
        es_transport = ""
        for key, (writers, batch, appends) in workloads.items():
            with progress.step(f"append {key}, ours vs eventsourcing, {rounds} rounds") as step:
                per_round = max(1, appends // rounds)
                events = writers * batch * per_round
                ours_time = es_time = 0.0
                for _ in range(rounds):
                    rate = asyncio.run(bench_append("postgres", tmp, writers, batch, per_round))
                    ours_time += events / rate
                    rate, es_transport = bench_eventsourcing_append(writers, batch, per_round)
                    es_time += events / rate
                ours[key] = rounds * events / ours_time
                es[key] = rounds * events / es_time
                step.result(f"{ours[key]:,.0f} vs {es[key]:,.0f} events/s")
        same = "same transport" if es_transport == transport else "DIFFERENT transport"
        peer = "eventsourcing"
        r1 = ours["pg_1_writer"] / es["pg_1_writer"]
        rows["append_pg_1_writer"] = Row(
            "append PostgreSQL, 1 writer, 1 event",
            ours["pg_1_writer"],
            "events/s",
            es["pg_1_writer"],
            peer,
            r1,
            ">= 2x eventsourcing",
            r1 >= 2,
            f"{transport} for both ({same}); floor {floor:,.0f} commits/s, "
            f"fsync {fsync_us:,.0f} µs",
        )
        r8 = ours["pg_8_writers"] / es["pg_8_writers"]
        self8 = ours["pg_8_writers"] / ours["pg_1_writer"]
        rows["append_pg_8_writers"] = Row(
            "append PostgreSQL, 8 writers, 1 event",
            ours["pg_8_writers"],
            "events/s",
            es["pg_8_writers"],
            peer,
            r8,
            ">= 2x eventsourcing and >= 2x our 1 writer",
            r8 >= 2 and self8 >= 2,
            f"{self8:.2f}x our 1-writer figure",
        )
        rows["append_pg_8_writers_vs_own_1_writer"] = Row(
            "append PostgreSQL, 8 writers / our 1 writer",
            self8,
            "x",
            target=">= 2x",
            met=self8 >= 2,
        )
        for key, label in (
            ("pg_batch100_1_writer", "append PostgreSQL, batches of 100, 1 writer"),
            ("pg_batch100_8_writers", "append PostgreSQL, batches of 100, 8 writers"),
        ):
            ratio = ours[key] / es[key]
            rows[f"append_{key}"] = Row(
                label,
                ours[key],
                "events/s",
                es[key],
                peer,
                ratio,
                ">= 1x eventsourcing",
                ratio >= 1,
            )

        sqlite: dict[str, float] = {}
        for key, writers, appends, sync in (
            ("sqlite_1_writer", 1, n(3000), "NORMAL"),
            ("sqlite_8_writers", 8, n(400), "NORMAL"),
            ("sqlite_1_writer_full", 1, n(600), "FULL"),
        ):
            with progress.step(f"append {key} (synchronous={sync})") as step:
                sqlite[key] = asyncio.run(
                    bench_append("sqlite", tmp, writers, 1, appends, sqlite_synchronous=sync)
                )
                step.result(f"{sqlite[key]:,.0f} events/s")
        rows["append_sqlite_1_writer"] = Row(
            "append SQLite, 1 writer (WAL, synchronous=NORMAL)",
            sqlite["sqlite_1_writer"],
            "events/s",
            target=">= 1,000/s, durable (WAL)",
            met=sqlite["sqlite_1_writer"] >= 1000,
            note="NORMAL: a commit survives a process crash, not an OS crash/power loss; "
            f"synchronous=FULL (fsync per commit) gives {sqlite['sqlite_1_writer_full']:,.0f}/s",
        )
        rows["append_sqlite_1_writer_full"] = Row(
            "append SQLite, 1 writer (WAL, synchronous=FULL)",
            sqlite["sqlite_1_writer_full"],
            "events/s",
        )
        rows["append_sqlite_8_writers"] = Row(
            "append SQLite, 8 writers (WAL, synchronous=NORMAL)",
            sqlite["sqlite_8_writers"],
            "events/s",
        )

        for backend in ("postgres", "sqlite"):
            with progress.step(f"relay -> Kafka from {backend}, {relay_total} events") as step:
                relay, raw = asyncio.run(bench_relay(backend, tmp, relay_total))
                step.result(f"{relay:,.0f} events/s (raw producer {raw:,.0f})")
            ratio = relay / raw
            rows[f"relay_kafka_{backend}"] = Row(
                f"relay -> Kafka ({backend})",
                relay,
                "events/s",
                raw,
                "raw aiokafka idempotent producer",
                ratio,
                ">= 0.5x raw producer",
                ratio >= 0.5,
            )

        for key, (label, unit, target) in HOOKED_ROWS.items():
            with progress.step(key) as step:
                hook = ROW_HOOKS.get(key)
                if hook is None:
                    rows[key] = Row(label, None, unit, target=target, note="hook not registered")
                    step.result("not measured")
                    continue
                rows[key] = asyncio.run(hook(tmp, scale))
                step.result(_fmt(rows[key].value, rows[key].unit))

    load_after = os.getloadavg()
    print(render(rows))
    print(f"\nload average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f}")
    results = {
        "generated_at": datetime.now(UTC).isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "quick": quick,
            "loadavg_1min_before": round(load_before[0], 2),
            "loadavg_1min_after": round(load_after[0], 2),
        },
        **{key: asdict(row) for key, row in rows.items()},
    }
    out = REPO / "bench" / "results" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"\nwritten {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
