"""Append figures and the machine's limits: fsync latency, PostgreSQL commit floor.

Peer: the `eventsourcing` library's PostgreSQL recorder (default settings: locking mode,
pipelined LOCK TABLE + INSERT) over the same transport as ours.
"""

import asyncio
import contextlib
import os
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import uuid4

import sqlalchemy as sa
from opsledger.chain_seal import seal
from opsledger.db import create_engine
from opsledger.runtime import CommandContext

from bench.common import close, drop, fresh, pg_database, ping

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
    url = await pg_database()
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
        await drop(url)
    return rate, "TLS over TCP 127.0.0.1" if ssl else "plain TCP 127.0.0.1"


# -- appends ---------------------------------------------------------------------------


async def bench_append(
    backend: str,
    tmp: Path,
    writers: int,
    batch: int,
    appends: int,
    revision: str = "heads",
    chain: bool = True,
    **engine_kwargs: Any,
) -> float:
    """Events/s: `writers` tasks, each `appends` appends of `batch` events with OCC.

    Each append stands alone, as a command without reactions does (Runtime.one_append):
    one server-side call on PostgreSQL, its own transaction. With the chain on
    PostgreSQL, the sealer runs beside the writers as in a service, and the time runs
    until every event is chained (what an append could not chain itself, see
    opsledger.chain).
    """
    runtime = await fresh(backend, tmp, revision=revision, chain=chain, **engine_kwargs)
    ctx = CommandContext("bench", "site-a", "bench")

    async def writer(stream: str, count: int) -> None:
        version = 0
        for a in range(count):
            async with runtime.one_append() as tx:
                events = [ctx.event(ping(a * batch + i)) for i in range(batch)]
                await tx.append(stream, "DiagnosticPing", version, events)
            version += batch

    # Warm-up: every writer's connection opened and its statements prepared.
    await asyncio.gather(*(writer(f"warm-{w}", 1) for w in range(writers)))
    sealing = backend == "postgres" and revision == "heads"
    done = asyncio.Event()

    async def sealer() -> None:
        while not done.is_set():  # as a service's poll: not on every commit
            if not await seal(runtime.engine):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(done.wait(), 0.2)
        while await seal(runtime.engine):
            pass

    started = time.perf_counter()
    sealer_task = asyncio.create_task(sealer()) if sealing else None
    await asyncio.gather(*(writer(f"bench-{w}", appends) for w in range(writers)))
    done.set()
    if sealer_task is not None:
        await sealer_task
    elapsed = time.perf_counter() - started
    await close(runtime)
    return writers * appends * batch / elapsed


def bench_eventsourcing_append(writers: int, batch: int, appends: int) -> tuple[float, str]:
    """The same workload through the `eventsourcing` library's PostgreSQL recorder."""
    from eventsourcing.persistence import StoredEvent
    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    url = asyncio.run(pg_database("opsledger_bench_es"))
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
                        ping(a * batch + i).model_dump_json().encode(),
                    )
                    for i in range(batch)
                ]
            )
            if a == 0:
                ready.wait()
                started.append(time.perf_counter())

    ready = threading.Barrier(writers)
    started: list[float] = []
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(writer, range(writers)))
    elapsed = time.perf_counter() - min(started)
    datastore.close()
    asyncio.run(drop(url))
    return writers * appends * batch / elapsed, transport
