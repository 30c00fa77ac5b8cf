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

Modules: appends (and the machine's limits), relay, rebuild (dispatch's work_orders read
model), e2e (callcenter and dispatch as processes: idle writes, then the tracer ping's
per-hop timestamps), long_stream (a command on a 10,000-event stream against one on a
fresh stream: snapshots and linear folds), permits (a permit walked from application to
works started, per second), cpu (CPU seconds per accepted command of
callcenter's ping, dispatch's issue and fleet's trip dispatch, from /proc; with
OPSLEDGER_BENCH_PROFILE=<dir> also a py-spy flame graph of each). `ROW_HOOKS` maps a
row key to a function returning a `Row`; a row without one prints "not measured".
"""

import asyncio
import json
import os
import platform
import sys
import tempfile
from collections.abc import Callable, Coroutine
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.appends import (
    bench_append,
    bench_eventsourcing_append,
    fsync_latency_us,
    pg_commit_floor,
)
from bench.chain import chain_cost
from bench.common import REPO, Progress, Row
from bench.cpu import TARGET_MS, cpu_callcenter, cpu_dispatch, cpu_fleet
from bench.dashboard import DASHBOARD_HOOKS, DASHBOARD_ROWS
from bench.e2e import e2e_p50, e2e_p99, idle_db_writes
from bench.long_stream import long_stream_vs_fresh
from bench.permits import permits_postgres, permits_sqlite
from bench.rebuild import rebuild_postgres, rebuild_sqlite
from bench.relay import bench_relay

# -- rows owned elsewhere: hooks -------------------------------------------------------

# Row key -> async function (tmp dir, scale) returning that row. The rebuild and e2e
# rows are registered by their owners; until then they print "not measured".
ROW_HOOKS: dict[str, Callable[[Path, float], Coroutine[Any, Any, Row]]] = {
    "rebuild_postgres": rebuild_postgres,
    "rebuild_sqlite": rebuild_sqlite,
    "e2e_command_to_read_model_p50": e2e_p50,
    "e2e_command_to_read_model_p99": e2e_p99,
    "idle_service_db_writes": idle_db_writes,
    "long_stream_command": long_stream_vs_fresh,
    "permits_walk_postgres": permits_postgres,
    "permits_walk_sqlite": permits_sqlite,
    "cpu_per_command_callcenter_ping": cpu_callcenter,
    "cpu_per_command_dispatch_issue": cpu_dispatch,
    "cpu_per_command_fleet_trip": cpu_fleet,
    **DASHBOARD_HOOKS,
}

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
    "idle_service_db_writes": (
        "idle service, database writes per minute",
        "writes",
        "0",
    ),
    "long_stream_command": (
        "command on a 10,000-event stream vs a fresh one (PostgreSQL)",
        "ms",
        "<= 2x fresh stream",
    ),
    "permits_walk_postgres": (
        "permits: apply -> approve -> pay 4 fees -> start (PostgreSQL)",
        "permits/s",
        "",
    ),
    "permits_walk_sqlite": (
        "permits: apply -> approve -> pay 4 fees -> start (SQLite)",
        "permits/s",
        "",
    ),
    **{
        f"cpu_per_command_{key}": (f"CPU per accepted command, {label}", "ms", f"<= {TARGET_MS} ms")
        for key, label in (
            ("callcenter_ping", "callcenter ping"),
            ("dispatch_issue", "dispatch issue"),
            ("fleet_trip", "fleet trip dispatch"),
        )
    },
    **DASHBOARD_ROWS,
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
    progress = Progress(total=12 + len(HOOKED_ROWS))
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

        with progress.step("event chain: appends before it and with it, alternating") as step:
            chain_rows = asyncio.run(chain_cost(tmp, scale))
            rows.update(chain_rows)
            step.result(", ".join(f"{r.ratio:.2f}x" for r in chain_rows.values()))

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
