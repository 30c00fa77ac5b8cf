"""Two real service processes on real PostgreSQL and Kafka: idle writes, then the tracer.

1. Idle: callcenter and dispatch start (no traffic); after they settle, the writes to
   their databases over a window are read from PostgreSQL's statistics
   (`pg_stat_user_tables` inserts/updates/deletes per table, so a writer is named) and
   row locks from the checkpoints' xmax (a `FOR UPDATE` writes WAL, not a tuple count).
2. Tracer: `POST /diagnostics/pings` at a fixed rate; every ping's path is read back
   afterwards from timestamps written at each hop, not by polling:
     sent      the benchmark's wall clock just before the request
     command   callcenter's event recorded_at (the append, inside the command)
     kafka     the record's LogAppendTime (callcenter's topic is created with it)
     consumed  dispatch's DiagnosticPingReceived recorded_at (the inbox consumer's append)
     read      updated_at of the diagnostic_pings read-model checkpoint write covering that
               event (a bench-only trigger logs every checkpoint write; the read model's
               rows are written in that same transaction)
   All on one machine, one clock. Polling only decides when everything has arrived.
3. Idle again, after the traffic (relay checkpoints and read models now exist).
"""

import asyncio
import contextlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import httpx
import sqlalchemy as sa
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from dispatch.readmodels.work_orders import DIAGNOSTIC_PINGS
from opsledger.auth import TokenService
from opsledger.clock import as_utc
from opsledger.db import create_engine
from opsledger_contracts import events_topic

from bench.common import KAFKA, PG_ADMIN, Row, drop, topic_from_start
from tests.processes import TEST_SECRET, running, service_env

SERVICES = ["callcenter", "dispatch"]
RATE = 100  # commands per second
MAX_IN_FLIGHT = 32  # beyond this the service is saturated: a ping is skipped, not queued
SETTLE_S = 12  # PostgreSQL flushes an idle backend's statistics within 10 s


def _say(text: str) -> None:
    print(f"\n      {text}", end="", file=sys.stderr, flush=True)


# -- idle writes ------------------------------------------------------------------------

_TABLE_WRITES = sa.text(
    "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS writes FROM pg_stat_user_tables"
)
_LOCKS = sa.text("SELECT name, xmin::text, xmax::text FROM checkpoints")


async def _snapshot(url: str) -> tuple[dict[str, int], dict[str, tuple[str, str]], int]:
    """(writes per table, checkpoint (xmin, xmax) per name, commits) of one database."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            writes = {r[0]: int(r[1]) for r in await conn.execute(_TABLE_WRITES)}
            locks = {r[0]: (r[1], r[2]) for r in await conn.execute(_LOCKS)}
            name = sa.make_url(url).database
            commits = (
                await conn.execute(
                    sa.text("SELECT xact_commit FROM pg_stat_database WHERE datname = :n"),
                    {"n": name},
                )
            ).scalar()
        return writes, locks, int(commits or 0)
    finally:
        await engine.dispose()


async def idle_writes(urls: dict[str, str], window: float, when: str) -> tuple[float, str]:
    """(writes per minute over both services, what wrote) during `window` s of no traffic."""
    _say(f"idle {when}: settling {SETTLE_S} s, then {window:.0f} s with no traffic …")
    await asyncio.sleep(SETTLE_S)
    before = {s: await _snapshot(u) for s, u in urls.items()}
    await asyncio.sleep(window)
    await asyncio.sleep(SETTLE_S)  # lets the window's statistics reach the counters
    after = {s: await _snapshot(u) for s, u in urls.items()}
    span = window + SETTLE_S
    total, found = 0, []
    for service in urls:
        (w0, l0, c0), (w1, l1, c1) = before[service], after[service]
        for table, count in w1.items():
            if (delta := count - w0.get(table, 0)) > 0:
                total += delta
                found.append(f"{service}.{table} +{delta} rows")
        locked = [n for n, marks in l1.items() if marks != l0.get(n)]
        total += len(locked)
        found += [f"{service} checkpoint {n} locked/updated" for n in locked]
        found.append(f"{service} {c1 - c0} commits (read-only ones count too)")
    return total / span * 60, f"{when}, over {span:.0f} s: " + "; ".join(found)


# -- tracer ---------------------------------------------------------------------------

_TRIGGER = [
    "CREATE TABLE bench_checkpoint_log (name text, position bigint, updated_at timestamptz,"
    " logged_at timestamptz DEFAULT clock_timestamp())",
    "CREATE FUNCTION bench_log_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " INSERT INTO bench_checkpoint_log (name, position, updated_at)"
    " VALUES (NEW.name, NEW.position, NEW.updated_at); RETURN NEW; END $$",
    "CREATE TRIGGER bench_checkpoint_log AFTER INSERT OR UPDATE ON checkpoints"
    " FOR EACH ROW EXECUTE FUNCTION bench_log_checkpoint()",
]


async def _sql(url: str, *statements: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()


async def _log_append_time_topic(topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA, client_id="opsledger-bench")
    await admin.start()
    try:
        await admin.create_topics(
            [
                NewTopic(
                    topic,
                    num_partitions=3,
                    replication_factor=1,
                    topic_configs={"message.timestamp.type": "LogAppendTime"},
                )
            ]
        )
    finally:
        await admin.close()


@dataclass
class Sent:
    sent: float
    answered: float = 0.0
    status: int = 0


@dataclass
class Traffic:
    sent: dict[str, Sent] = field(default_factory=dict)
    errors: int = 0
    skipped: int = 0
    in_flight: int = 0
    seconds: float = 0.0


async def drive(url: str, token: str, seconds: float, tag: str) -> Traffic:
    """`RATE` pings/s for `seconds`, each on its own schedule (no waiting on answers)."""
    traffic = Traffic()
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits) as client:

        async def one(ping_id: str) -> None:
            traffic.in_flight += 1
            record = traffic.sent[ping_id] = Sent(time.time())
            try:
                response = await client.post(
                    "/diagnostics/pings",
                    json={"site_id": "site-a", "ping_id": ping_id, "message": "bench"},
                    timeout=10,
                )
                record.status = response.status_code
            except httpx.HTTPError:
                traffic.errors += 1
            finally:
                traffic.in_flight -= 1
            record.answered = time.time()

        count = int(seconds * RATE)
        tasks = []
        start = time.perf_counter()
        for i in range(count):
            delay = start + i / RATE - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if traffic.in_flight >= MAX_IN_FLIGHT:
                traffic.skipped += 1
            else:
                tasks.append(asyncio.create_task(one(f"{tag}-{i}")))
            if i and i % (10 * RATE) == 0:
                done = sum(1 for t in tasks if t.done())
                _say(
                    f"{i}/{count} due, sent {len(tasks)}, answered {done}, "
                    f"skipped (saturated) {traffic.skipped}, errors {traffic.errors}"
                )
        await asyncio.gather(*tasks)
        traffic.seconds = time.perf_counter() - start
    return traffic


async def _wait_arrived(dispatch_url: str, expected: int, within: float) -> int:
    engine = create_engine(dispatch_url)
    query = sa.text(f'SELECT count(*) FROM "{DIAGNOSTIC_PINGS.table.name}"')
    deadline = time.monotonic() + within
    try:
        while True:
            async with engine.connect() as conn:
                arrived = int((await conn.execute(query)).scalar() or 0)
            if arrived >= expected or time.monotonic() > deadline:
                return arrived
            await asyncio.sleep(1)
    finally:
        await engine.dispose()


async def _kafka_times(topic: str) -> dict[str, float]:
    """ping_id -> LogAppendTime (s) of every DiagnosticPingSent record on `topic`."""
    async with topic_from_start(topic) as (consumer, parts):
        ends = await consumer.end_offsets(parts)
        times: dict[str, float] = {}
        while any([await consumer.position(tp) < end for tp, end in ends.items()]):
            for records in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values():
                for r in records:
                    value = json.loads(r.value or b"{}")
                    if "ping_id" in value:  # DiagnosticPingSent: the only ones with one
                        times[value["ping_id"]] = r.timestamp / 1000
        return times


def _ts(value: datetime) -> float:
    return as_utc(value).timestamp()


async def _hop_times(
    urls: dict[str, str],
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """(callcenter recorded_at, dispatch recorded_at, read-model checkpoint updated_at)."""
    engine = create_engine(urls["callcenter"])
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT payload->>'ping_id', recorded_at FROM events"
                    " WHERE event_type = 'DiagnosticPingSent'"
                )
            )
            command = {r[0]: _ts(r[1]) for r in rows}
    finally:
        await engine.dispose()
    engine = create_engine(urls["dispatch"])
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT e.payload->>'ping_id', e.recorded_at,"
                    " (SELECT l.updated_at FROM bench_checkpoint_log l WHERE l.name = :name"
                    "  AND l.position >= e.position ORDER BY l.position, l.logged_at LIMIT 1)"
                    " FROM events e WHERE e.event_type = 'DiagnosticPingReceived'"
                ),
                {"name": DIAGNOSTIC_PINGS.checkpoint},
            )
            consumed, read = {}, {}
            for ping_id, recorded_at, read_at in rows:
                consumed[ping_id] = _ts(recorded_at)
                if read_at is not None:
                    read[ping_id] = _ts(read_at)
    finally:
        await engine.dispose()
    return command, consumed, read


def _mean_seconds(metrics_url: str, metric: str, label: str) -> str:
    """Mean of a Prometheus histogram's series whose labels contain `label`, in ms."""
    sums = counts = 0.0
    for line in httpx.get(metrics_url, timeout=10).text.splitlines():
        if line.startswith(f"{metric}_sum{{") and label in line:
            sums += float(line.rsplit(" ", 1)[1])
        elif line.startswith(f"{metric}_count{{") and label in line:
            counts += float(line.rsplit(" ", 1)[1])
    return f"{sums / counts * 1000:.1f} ms mean over {counts:.0f}" if counts else "none"


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Result:
    rows: dict[str, Row]
    hops: dict[str, tuple[float, float, int]]  # hop -> (p50 ms, p99 ms, samples)


async def run_session(tmp: Path, scale: float) -> Result:
    seconds = max(10.0, 60 * scale)
    idle_window = max(15.0, 30 * scale)
    prefix = f"opsledger_bench_e2e_{uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        for service in SERVICES:
            await conn.execute(sa.text(f'CREATE DATABASE "{prefix}_{service}"'))
    await admin.dispose()
    admin_url = sa.make_url(PG_ADMIN)
    urls = {
        s: admin_url.set(database=f"{prefix}_{s}").render_as_string(hide_password=False)
        for s in SERVICES
    }
    template = urls["dispatch"].removesuffix("_dispatch") + "_{service}"
    env = service_env(template, KAFKA)
    env.pop("OPSLEDGER_POLL_INTERVAL_SECONDS", None)  # the services' defaults
    env["OPSLEDGER_LOG_LEVEL"] = "WARNING"
    topic = env["OPSLEDGER_KAFKA_TOPIC_PREFIX"] + events_topic("callcenter")
    await _log_append_time_topic(topic)
    token = TokenService(TEST_SECRET).mint("agent-1", ["agent"], ["site-a"])
    rows: dict[str, Row] = {}
    try:
        _say("starting callcenter and dispatch (real processes) …")
        with running(SERVICES, env, tmp, ready_within=120) as procs:
            idle_before, where_before = await idle_writes(urls, idle_window, "fresh")
            await _sql(urls["dispatch"], *_TRIGGER)
            _say(f"tracer: {RATE} pings/s for {seconds:.0f} s …")
            traffic = await drive(procs["callcenter"].url, token, seconds, uuid4().hex[:6])
            ok = [p for p, s in traffic.sent.items() if s.status == 201]
            arrived = await _wait_arrived(urls["dispatch"], len(ok), 120)
            _say(f"{len(ok)} accepted, {arrived} in dispatch's read model")
            inside = (
                "time inside the services: callcenter POST /diagnostics/pings "
                + _mean_seconds(
                    f"{procs['callcenter'].url}/metrics",
                    "opsledger_http_request_duration_seconds",
                    "/diagnostics/pings",
                )
                + ", dispatch consumer handle() "
                + _mean_seconds(
                    f"{procs['dispatch'].url}/metrics",
                    "opsledger_consumer_handling_seconds",
                    "diagnostic-pings",
                )
            )
            idle_after, where_after = await idle_writes(urls, idle_window, "after traffic")
        kafka = await _kafka_times(topic)
        command, consumed, read = await _hop_times(urls)
    finally:
        for url in urls.values():
            with contextlib.suppress(Exception):
                await drop(url)
    stages: list[tuple[str, Callable[[str], float]]] = [
        ("HTTP answer", lambda p: traffic.sent[p].answered - traffic.sent[p].sent),
        ("send -> callcenter append", lambda p: command[p] - traffic.sent[p].sent),
        ("callcenter append -> Kafka (relay)", lambda p: kafka[p] - command[p]),
        ("Kafka -> dispatch append (consumer)", lambda p: consumed[p] - kafka[p]),
        ("dispatch append -> read model", lambda p: read[p] - consumed[p]),
        ("total: send -> read model", lambda p: read[p] - traffic.sent[p].sent),
    ]
    hops: dict[str, tuple[float, float, int]] = {}
    for name, delta in stages:
        values = []
        for p in ok:
            with contextlib.suppress(KeyError):
                values.append(delta(p) * 1000)
        hops[name] = (_pct(values, 0.5), _pct(values, 0.99), len(values))
    p50, p99, samples = hops["total: send -> read model"]
    rates = []  # throughput of each stage while the tracer ran: where a queue builds up
    for stage, stamps in (
        ("callcenter appends", [command[p] for p in ok if p in command]),
        ("Kafka appends", [kafka[p] for p in ok if p in kafka]),
        ("dispatch consumer appends", [consumed[p] for p in ok if p in consumed]),
    ):
        if len(stamps) > 1 and (span := max(stamps) - min(stamps)) > 0:
            rates.append(f"{stage} {len(stamps) / span:.1f}/s over {span:.0f} s")
    per_hop = "; ".join(f"{n} p50 {a:.1f} / p99 {b:.1f} ms" for n, (a, b, _) in hops.items())
    note = (
        f"{int(seconds * RATE)} pings due at {RATE}/s for {seconds:.0f} s: "
        f"{len(traffic.sent)} sent, {traffic.skipped} skipped because {MAX_IN_FLIGHT} were "
        f"in flight (service saturated), {len(ok)} accepted "
        f"({len(ok) / traffic.seconds:.1f}/s achieved), {samples} with every hop "
        f"timestamp, {traffic.errors} errors; {per_hop}; throughput: {', '.join(rates)}; {inside}"
    )
    rows["e2e_command_to_read_model_p50"] = Row(
        "callcenter command -> dispatch read model, p50 (hop timestamps)",
        p50,
        "ms",
        target="< 20 ms",
        met=p50 < 20,
        note=note,
    )
    totals = [read[p] - traffic.sent[p].sent for p in ok if p in read]
    rows["e2e_command_to_read_model_p99"] = Row(
        "callcenter command -> dispatch read model, p99 (hop timestamps)",
        p99,
        "ms",
        target="< 100 ms",
        met=p99 < 100,
        note=f"mean {statistics.fmean(totals) * 1000:.1f} ms, max {max(totals) * 1000:.1f} ms"
        if totals
        else "",
    )
    worst = max(idle_before, idle_after)
    rows["idle_service_db_writes"] = Row(
        "idle service, database writes per minute (callcenter + dispatch)",
        worst,
        "writes",
        target="0",
        met=worst == 0,
        note=f"{where_before} | {where_after}",
    )
    return Result(rows, hops)


_SESSION: dict[str, Result] = {}


async def _row(key: str, tmp: Path, scale: float) -> Row:
    if "result" not in _SESSION:
        _SESSION["result"] = await run_session(tmp, scale)
    return _SESSION["result"].rows[key]


async def e2e_p50(tmp: Path, scale: float) -> Row:
    return await _row("e2e_command_to_read_model_p50", tmp, scale)


async def e2e_p99(tmp: Path, scale: float) -> Row:
    return await _row("e2e_command_to_read_model_p99", tmp, scale)


async def idle_db_writes(tmp: Path, scale: float) -> Row:
    return await _row("idle_service_db_writes", tmp, scale)


if __name__ == "__main__":  # uv run --frozen python -m bench.e2e [scale]
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        result = asyncio.run(
            run_session(Path(d), float(sys.argv[1]) if len(sys.argv) > 1 else 0.25)
        )
    print()
    for key, row in result.rows.items():
        print(key, row.value, row.note)
