"""Scale-out (issue #12 item 3): two replicas of dispatch on one PostgreSQL database and
one consumer group over callcenter's topic of 3 partitions; `kill -9` of the relay leader
under load. The other replica must take relay leadership (the advisory lock) and all three
partitions (the group rebalances once the dead member's session times out), and nothing
may be lost or applied twice. The killed replica is started again for the next run.
"""

import asyncio
import random
import re
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx
import pytest

from tests.faults.conftest import fault_runs
from tests.faults.harness import PingLoad, World, check_run, converge, healthy, rows, wait_for
from tests.faults.harness import world as fault_world
from tests.faults.test_faults import READY_WITHIN, Say, start_ready
from tests.kafka_clients import kafka_consumer
from tests.processes import ServiceProcess

pytestmark = [
    pytest.mark.faults,
    pytest.mark.kafka,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.timeout(900 + 300 * fault_runs()),
]
REPLICAS = ("dispatch", "dispatch-2")
_PUBLISHED = re.compile(r"^opsledger_relay_published_total (\S+)$", re.M)


def published(proc: ServiceProcess) -> float:
    """The replica's relay counter (only the leader's moves); -1 when it does not answer."""
    try:
        text = httpx.get(f"{proc.url}/metrics", timeout=5).text
    except httpx.HTTPError:
        return -1
    found = _PUBLISHED.search(text)
    return float(found.group(1)) if found else 0.0


def leader(w: World) -> str:
    """The replica whose relay publishes while pings flow."""
    before = {r: published(w.procs[r]) for r in REPLICAS}
    moved: list[str] = []

    def one_moved() -> bool:
        moved[:] = [r for r in REPLICAS if published(w.procs[r]) > before[r]]
        return bool(moved)

    wait_for(one_moved, 60, "a replica's relay to publish", w)
    assert len(moved) == 1, f"two relays published at once: {moved}"
    return moved[0]


async def partition_count(bootstrap: str, topic: str) -> int:
    consumer = kafka_consumer(bootstrap)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        return len(consumer.partitions_for_topic(topic) or ())
    finally:
        await consumer.stop()


def test_two_replicas_one_group_survive_the_leaders_kill(
    seed: int, say: Say, kafka_bootstrap: str, postgres_admin_url: str, tmp_path: Path
) -> None:
    with fault_world(postgres_admin_url, kafka_bootstrap, tmp_path) as w:
        start_ready(w, "callcenter")
        w.start("dispatch")
        w.start("dispatch", name="dispatch-2")
        for r in REPLICAS:
            wait_for(partial(healthy, w.procs[r]), READY_WITHIN, f"{r} ready", w)
        topic = w.topic("callcenter")
        partitions = asyncio.run(partition_count(kafka_bootstrap, topic))
        assert partitions == 3, f"{topic} has {partitions} partitions"
        n = fault_runs()
        for i in range(1, n + 1):
            label = f"run {i}/{n} seed={seed + i}"
            one_run(w, say, label, random.Random(seed + i), f"s{seed}-{i}", last=i == n)


def one_run(w: World, say: Say, label: str, rng: random.Random, tag: str, last: bool) -> None:
    started = time.monotonic()
    load = PingLoad(w.procs["callcenter"].url, tag, rng, workers=3).start()
    lead = leader(w)
    survivor = next(r for r in REPLICAS if r != lead)
    time.sleep(rng.uniform(0.0, 2.0))
    killed_at = datetime.now(UTC)
    w.procs[lead].kill()
    acked_at_kill, published_at_kill = len(load.acked), published(w.procs[survivor])
    # Enough pings after the kill to land on every partition.
    wait_for(lambda: len(load.acked) >= acked_at_kill + 40, 120, "pings after the kill", w)
    wait_for(
        lambda: published(w.procs[survivor]) > published_at_kill, 120, "survivor publishing", w
    )
    load.stop()
    took = converge(w)
    after = asyncio.run(
        rows(
            w.url("dispatch"),
            "SELECT DISTINCT partition FROM inbox WHERE handled_at > :t",
            t=killed_at,
        )
    )
    taken = sorted(int(str(p[0])) for p in after)
    assert taken == [0, 1, 2], f"survivor handled partitions {taken} after the kill"
    outcome = check_run(w, load)
    say(
        f"scale-out {label}: killed the relay leader {lead}; {survivor} took the relay and "
        f"partitions {taken}; {load.summary()}; all {outcome.pings} pings once "
        f"(re-published {outcome.republished}), verify equal; converged {took:.1f}s; "
        f"{time.monotonic() - started:.0f}s"
    )
    if last:
        return
    w.start("dispatch", port=w.procs[lead].port, name=lead)  # as a supervisor would
    wait_for(lambda: healthy(w.procs[lead]), READY_WITHIN, f"{lead} back", w)
