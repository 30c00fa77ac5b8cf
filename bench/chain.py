"""The tamper-evident chain's cost: the same appends before it (a database at kernel_0007,
the store without the chain) and with it, in alternating rounds of one run, so both see
the same phases of this machine's load. With the chain, PostgreSQL's figure includes the
sealer (running beside the writers, as in a service) until every event is chained.

`python -m bench.chain` prints the rows alone (short, against the running PostgreSQL);
`make bench` includes them.
"""

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from bench.appends import bench_append
from bench.common import Row

BEFORE = "kernel_0007"  # the last kernel revision without the chain

# key -> (label, backend, writers, appends per round at scale 1)
WORKLOADS = {
    "chain_append_pg_1_writer": ("append PostgreSQL, 1 writer", "postgres", 1, 600),
    "chain_append_pg_8_writers": ("append PostgreSQL, 8 writers", "postgres", 8, 120),
    "chain_append_sqlite_1_writer": ("append SQLite, 1 writer (NORMAL)", "sqlite", 1, 1200),
}


async def chain_cost(tmp: Path, scale: float, rounds: int = 4) -> dict[str, Row]:
    """One row per workload: with the chain vs before it (ratio = with / before)."""
    rows: dict[str, Row] = {}
    for key, (label, backend, writers, appends) in WORKLOADS.items():
        per_round = max(10, int(appends * scale / 2))
        events = writers * per_round
        with_time = before_time = 0.0
        for r in range(rounds):
            # ABBA: each goes first every other round, so a drift of the machine's fsync
            # latency during the run does not favour one side.
            for chained in (False, True) if r % 2 == 0 else (True, False):
                if chained:
                    rate = await bench_append(backend, tmp, writers, 1, per_round)
                    with_time += events / rate
                else:
                    rate = await bench_append(
                        backend, tmp, writers, 1, per_round, BEFORE, chain=False
                    )
                    before_time += events / rate
        with_rate, before_rate = rounds * events / with_time, rounds * events / before_time
        ratio = with_rate / before_rate
        rows[key] = Row(
            f"{label}, with the event chain",
            with_rate,
            "events/s",
            before_rate,
            "before the chain",
            ratio,
            ">= 0.9x (< 10% extra)",
            ratio >= 0.9,
            f"{rounds} rounds of {events} events each, ABBA order",
        )
    return rows


def main() -> None:
    scale = float(os.environ.get("OPSLEDGER_BENCH_SCALE", "1"))
    print(f"load average before: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        rows = asyncio.run(chain_cost(Path(tmp), scale))
    for row in rows.values():
        print(
            f"{row.figure}: {row.value:,.0f} vs {row.peer:,.0f} {row.unit} "
            f"({row.ratio:.3f}x, target {row.target}) {row.note}"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
