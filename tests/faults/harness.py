"""The fault tier's workload and checks: diagnostic pings from callcenter to dispatch.

A run gets fresh databases and topics of its own. `PingLoad` posts pings over HTTP from a
few threads and remembers which were acknowledged (2xx); `ReadyWatcher` polls `/ready`.
After the fault, `converge` waits until everything stored has travelled, and `check_run`
asserts the invariants of issue #12:

- every acknowledged command is stored exactly once (one DiagnosticPingSent, same id);
- every public event of both services is on its topic (duplicates allowed, counted);
- every consumer effect happened exactly once (one inbox row, one DiagnosticPingReceived
  and one read-model row per ping; nothing dead-lettered);
- `opsledger verify <service>` says rebuilt equals live.

The ping tracer is the workload because its path (HTTP command, relay, consumer, command
in dispatch, dispatch's relay, a read model) is the whole kernel, and it is stable.
"""

import asyncio
import contextlib
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from uuid import uuid4

import httpx
import sqlalchemy as sa
from aiokafka import TopicPartition
from opsledger.auth import TokenService
from opsledger.db import create_engine
from opsledger_contracts import SERVICES, events_topic

from tests.conftest import create_pg_database, drop_pg_database
from tests.kafka_clients import kafka_consumer
from tests.processes import CLI, TEST_SECRET, ServiceProcess, service_env, start_service

SENT = "DiagnosticPingSent"
RECEIVED = "DiagnosticPingReceived"


# -- workload -------------------------------------------------------------------------------


class PingLoad:
    """Threads posting pings to callcenter until stopped; records what was acknowledged."""

    def __init__(self, url: str, tag: str, rng: Random, workers: int = 3) -> None:
        token = TokenService(TEST_SECRET).mint("agent-1", ["agent"], ["site-a"], audience=SERVICES)
        self._url = f"{url}/diagnostics/pings"
        self._headers = {"Authorization": f"Bearer {token}"}
        self._tag = tag
        self._pause = rng.uniform(0.05, 0.3)  # dispatch keeps up on a busy machine
        self._workers = workers
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.acked: dict[str, str] = {}  # ping id -> event id from the 201 answer
        self.refused: dict[int, int] = {}  # status (0: no answer) -> count
        self.server_errors: list[str] = []

    def _work(self, worker: int) -> None:
        n = 0
        with httpx.Client(timeout=10) as client:
            while not self._stop.is_set():
                n += 1
                ping_id = f"{self._tag}-{worker}-{n}"
                body = {"site_id": "site-a", "ping_id": ping_id, "message": "fault tier"}
                try:
                    answer = client.post(self._url, json=body, headers=self._headers)
                    code = answer.status_code
                except httpx.HTTPError:
                    code = 0
                    time.sleep(0.05)  # the service is down: do not spin
                with self._lock:
                    if 200 <= code < 300:
                        self.acked[ping_id] = answer.json()["event_id"]
                    else:
                        self.refused[code] = self.refused.get(code, 0) + 1
                        if code >= 500 and code != 503:  # 503: unavailable, honest
                            self.server_errors.append(f"{code} {answer.text[:200]}")
                if self._pause:
                    time.sleep(self._pause)

    def start(self) -> "PingLoad":
        for w in range(self._workers):
            thread = threading.Thread(target=self._work, args=(w,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def has_acks(self) -> bool:
        return bool(self.acked)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def summary(self) -> str:
        refused = ",".join(f"{k or 'down'}x{v}" for k, v in sorted(self.refused.items()))
        return f"{len(self.acked)} acked" + (f" (not acked: {refused})" if refused else "")


class ReadyWatcher:
    """Polls GET /ready every ~0.1 s; 0 means no answer (process down)."""

    def __init__(self, url: str) -> None:
        self._url = f"{url}/ready"
        self.seen: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        with httpx.Client(timeout=5) as client:
            while not self._stop.is_set():
                try:
                    code = client.get(self._url).status_code
                except httpx.HTTPError:
                    code = 0
                self.seen.append(code)
                time.sleep(0.1)

    def start(self) -> "ReadyWatcher":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def went_down_and_back(self, down: frozenset[int] = frozenset({503})) -> bool:
        """One of `down` was seen, then ready again, and still ready at the end.

        (Ready before the fault is asserted by the caller: the first poll may already be
        too late on a loaded machine.)"""
        first_down = next((i for i, c in enumerate(self.seen) if c in down), None)
        return first_down is not None and 200 in self.seen[first_down:] and self.seen[-1] == 200

    def story(self) -> str:
        """The sequence of distinct states, e.g. 200>503>200."""
        states: list[int] = []
        for code in self.seen:
            if not states or states[-1] != code:
                states.append(code)
        return ">".join(map(str, states))


# -- one run's world ------------------------------------------------------------------------


@dataclass
class World:
    """Fresh databases and topics for callcenter and dispatch, and their processes."""

    admin_url: str
    kafka: str
    log_dir: Path
    extra_env: Mapping[str, str] = field(default_factory=dict)
    prefix: str = field(default_factory=lambda: f"opsledger_fault_{uuid4().hex[:8]}")
    procs: dict[str, ServiceProcess] = field(default_factory=dict)

    def url(self, service: str) -> str:
        base = sa.make_url(self.admin_url).set(database=f"{self.prefix}_{service}")
        return base.render_as_string(hide_password=False)

    async def create(self) -> None:
        for service in ("callcenter", "dispatch"):
            await create_pg_database(self.admin_url, f"{self.prefix}_{service}")
        template = self.url("callcenter").replace("_callcenter", "_{service}")
        self.env = service_env(template, self.kafka, self.extra_env)

    async def drop(self) -> None:
        for service in ("callcenter", "dispatch"):
            with contextlib.suppress(Exception):
                await drop_pg_database(self.admin_url, self.url(service))

    def topic(self, service: str) -> str:
        return self.env["OPSLEDGER_KAFKA_TOPIC_PREFIX"] + events_topic(service)

    def start(self, service: str, port: int | None = None, name: str | None = None) -> None:
        self.procs[name or service] = start_service(service, self.env, self.log_dir, port)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            proc.stop()


@contextlib.contextmanager
def world(admin_url: str, kafka: str, log_dir: Path, **extra_env: str) -> Iterator[World]:
    w = World(admin_url, kafka, log_dir, extra_env)
    asyncio.run(w.create())
    try:
        yield w
    finally:
        w.stop_all()
        asyncio.run(w.drop())


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, w: World) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.1)
    tails = "\n".join(f"--- {n} ---\n{p.log_tail(25)}" for n, p in w.procs.items())
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}\n{tails}")


def healthy(proc: ServiceProcess, path: str = "/ready") -> bool:
    try:
        return httpx.get(f"{proc.url}{path}", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


# -- database reads -------------------------------------------------------------------------


async def scalar(url: str, sql: str, **params: object) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(sa.text(sql), params)).scalar() or 0)
    finally:
        await engine.dispose()


async def rows(url: str, sql: str, **params: object) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return [tuple(r) for r in (await conn.execute(sa.text(sql), params)).all()]
    finally:
        await engine.dispose()


RELAY_DONE = """
SELECT (SELECT coalesce(max(position), 0) FROM events)
     - (SELECT coalesce(max(position), 0) FROM checkpoints WHERE name = 'relay:kafka')
"""
PINGS_SENT = "SELECT count(*) FROM events WHERE event_type = 'DiagnosticPingSent'"
PINGS_RECEIVED = "SELECT count(*) FROM events WHERE event_type = 'DiagnosticPingReceived'"


async def _read_model_table(url: str) -> tuple[str, str]:
    found = await rows(
        url, "SELECT name FROM checkpoints WHERE name LIKE 'readmodel:diagnostic\\_pings\\_%'"
    )
    assert len(found) == 1, f"dispatch's ping read model checkpoint: {found}"
    name = str(found[0][0])
    return name, name.removeprefix("readmodel:")


async def converged(w: World) -> bool:
    """Everything stored has travelled: both relays done, every ping received and shown."""
    cc, dp = w.url("callcenter"), w.url("dispatch")
    sent = await scalar(cc, PINGS_SENT)
    if await scalar(cc, RELAY_DONE) or await scalar(dp, PINGS_RECEIVED) < sent:
        return False
    if await scalar(dp, RELAY_DONE):
        return False
    with contextlib.suppress(AssertionError):
        checkpoint, table = await _read_model_table(dp)
        behind = await scalar(
            dp,
            "SELECT (SELECT max(position) FROM events) - "
            "(SELECT position FROM checkpoints WHERE name = :n)",
            n=checkpoint,
        )
        return behind <= 0 and await scalar(dp, f'SELECT count(*) FROM "{table}"') >= sent
    return False


def converge(w: World, timeout: float = 180) -> float:
    return wait_for(lambda: asyncio.run(converged(w)), timeout, "convergence", w)


# -- the invariants -------------------------------------------------------------------------


async def topic_ids(bootstrap: str, topic: str) -> list[str]:
    """Every `ce_id` on a topic, from the beginning (duplicates kept)."""
    consumer = kafka_consumer(bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        if not parts:
            return []
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        ids: list[str] = []
        while any([await consumer.position(tp) < end for tp, end in ends.items()]):
            for records in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values():
                ids.extend(dict(r.headers)["ce_id"].decode() for r in records)
        return ids
    finally:
        await consumer.stop()


@dataclass
class Outcome:
    pings: int
    acked: int
    republished: int
    line: str


async def _check(w: World, acked: Mapping[str, str]) -> Outcome:
    cc, dp = w.url("callcenter"), w.url("dispatch")
    sent = await rows(
        cc,
        "SELECT payload->>'ping_id', event_id::text FROM events "
        "WHERE event_type = 'DiagnosticPingSent'",
    )
    sent_ids: dict[str, list[str]] = {}
    for ping_id, event_id in sent:
        sent_ids.setdefault(str(ping_id), []).append(str(event_id))
    twice = {p: e for p, e in sent_ids.items() if len(e) != 1}
    assert not twice, f"pings stored more than once: {list(twice.items())[:5]}"
    lost = {p for p in acked if p not in sent_ids}
    assert not lost, f"{len(lost)} acknowledged pings not stored: {sorted(lost)[:5]}"
    wrong = {p for p, e in acked.items() if sent_ids[p] != [e]}
    assert not wrong, f"acknowledged event ids differ from the stored ones: {sorted(wrong)[:5]}"

    # Public events on their topics (at least once).
    republished = 0
    for service, url in (("callcenter", cc), ("dispatch", dp)):
        stored = {str(r[0]) for r in await rows(url, "SELECT event_id::text FROM events")}
        on_topic = await topic_ids(w.kafka, w.topic(service))
        missing = stored - set(on_topic)
        assert not missing, f"{len(missing)} {service} events not on {w.topic(service)}"
        republished += len(on_topic) - len(set(on_topic))

    # Consumer effects exactly once.
    inbox = await rows(dp, "SELECT event_id::text, outcome FROM inbox")
    by_event: dict[str, list[str]] = {}
    for event_id, outcome in inbox:
        by_event.setdefault(str(event_id), []).append(str(outcome))
    for ping_id, (event_id,) in sent_ids.items():
        assert by_event.get(event_id) == ["handled"], (
            f"ping {ping_id} ({event_id}) in dispatch's inbox: {by_event.get(event_id)}"
        )
    received = await rows(
        dp,
        "SELECT payload->>'ping_id', count(*) FROM events "
        "WHERE event_type = 'DiagnosticPingReceived' GROUP BY 1",
    )
    counts = {str(p): int(str(n)) for p, n in received}
    assert set(counts) == set(sent_ids), (
        f"receipts for pings never sent or sent pings without receipt: "
        f"{sorted(set(counts) ^ set(sent_ids))[:5]}"
    )
    assert all(n == 1 for n in counts.values()), "a ping was received twice"
    _, table = await _read_model_table(dp)
    shown = await rows(dp, f'SELECT ping_id, sent_event_id FROM "{table}"')
    assert {str(p): str(e) for p, e in shown} == {p: e[0] for p, e in sent_ids.items()}
    return Outcome(len(sent_ids), len(acked), republished, "")


def verify(w: World) -> None:
    """`opsledger verify` for both services, side by side (each is a process start)."""
    procs = {
        s: subprocess.Popen(
            [CLI, "verify", s], env=w.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for s in ("callcenter", "dispatch")
    }
    for service, proc in procs.items():
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, f"opsledger verify {service}: {err[-2000:]}"
        assert "rebuilt equals live" in out, out


def check_run(w: World, load: PingLoad) -> Outcome:
    assert not load.server_errors, f"5xx answers: {load.server_errors[:3]}"
    outcome = asyncio.run(_check(w, dict(load.acked)))
    verify(w)
    return outcome
