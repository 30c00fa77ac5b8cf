"""/ready answers promptly (503) while Kafka is down, whatever the relay is doing.

Found by the fault tier (broker restart under load): /ready did not answer at all during
the outage instead of going 503. The probe's metadata request timed out, and it then
closed the shared producer, whose stop() waits until the relay's in-flight messages are
delivered, i.e. until the broker is back; every later probe queued behind it."""

import asyncio
from pathlib import Path

import pytest
from opsledger.app import ServiceApp
from opsledger.kafka import KafkaConnector
from opsledger.service import load_service
from opsledger.settings import Settings

from tests.processes import free_port


def _nobody_listens() -> str:
    return f"127.0.0.1:{free_port()}"  # free: nothing listens there


async def test_ping_gives_up_within_its_wait_while_another_task_starts_the_producer() -> None:
    kafka = KafkaConnector(_nobody_listens(), "readiness-test")
    relay = asyncio.create_task(kafka.producer(wait_seconds=10))  # holds the connector lock
    await asyncio.sleep(0.2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        with pytest.raises(Exception):  # noqa: B017, PT011  (any failure: it is unreachable)
            await kafka.ping(wait_seconds=1)
        assert loop.time() - started < 2.5
    finally:
        relay.cancel()
        with pytest.raises((asyncio.CancelledError, Exception)):
            await relay
        await kafka.close()


class _StuckClient:
    async def fetch_all_metadata(self) -> None:
        await asyncio.sleep(3600)  # the broker is gone: no answer


class _ProducerWithMessagesInFlight:
    """Stands in for an AIOKafkaProducer whose batches cannot be delivered: stop() waits
    for them (aiokafka flushes on stop), i.e. as long as the broker is away."""

    def __init__(self) -> None:
        self.client = _StuckClient()
        self.stopped = asyncio.Event()

    async def stop(self) -> None:
        await asyncio.sleep(3600)
        self.stopped.set()


async def test_readiness_answers_within_seconds_while_the_relay_has_messages_in_flight(
    tmp_path: Path,
) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'callcenter.db'}",
        kafka_bootstrap_servers=_nobody_listens(),
        dev_mode=True,
    )
    app = ServiceApp(load_service("callcenter"), settings)
    await app.start(background=False)
    app.kafka._producer = _ProducerWithMessagesInFlight()
    loop = asyncio.get_running_loop()
    try:
        for _ in range(2):  # and the next probe too
            started = loop.time()
            checks = await asyncio.wait_for(app.readiness(), 30)
            took = loop.time() - started
            assert checks["kafka"].startswith("unreachable"), checks
            assert took < 5, f"/ready took {took:.1f}s"
    finally:
        app.kafka._producer = None
        await app.stop()


async def test_readiness_reports_kafka_down_within_seconds_while_the_relay_retries(
    tmp_path: Path,
) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'callcenter.db'}",
        kafka_bootstrap_servers=_nobody_listens(),
        dev_mode=True,
    )
    app = ServiceApp(load_service("callcenter"), settings)
    await app.start(background=False)
    relay = asyncio.create_task(app.kafka.producer(wait_seconds=10))  # as the relay loop does
    await asyncio.sleep(0.2)
    loop = asyncio.get_running_loop()
    try:
        started = loop.time()
        checks = await app.readiness()
        took = loop.time() - started
        assert checks["database"] == "ok"
        assert checks["kafka"].startswith("unreachable"), checks
        assert took < 5, f"/ready took {took:.1f}s"
    finally:
        relay.cancel()
        with pytest.raises((asyncio.CancelledError, Exception)):
            await relay
        await app.stop()
