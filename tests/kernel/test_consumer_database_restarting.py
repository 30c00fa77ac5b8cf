"""A consumer that meets its database starting up or shutting down does not dead-letter
the message: it is nacked and redelivered after recovery, like any other outage.

Found by the fault tier's PostgreSQL restart under load: "the database system is starting
up" (SQLSTATE 57P03) arrives as a plain DBAPIError, not an OperationalError, so the
consumer took it for a failing handler, retried three times within 150 ms and sent the
ping to the dead-letter topic; dispatch never recorded it."""

from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa
from opsledger.clock import SystemClock
from opsledger.consumers import InboxConsumer, IncomingMessage, Subscription
from opsledger.db import create_engine, inbox
from opsledger.eventstore import EventStore
from opsledger.kafka import KafkaConnector
from opsledger.metrics import Metrics
from opsledger.migrate import upgrade
from opsledger.runtime import Runtime, Tx
from opsledger_contracts import DecodedEvent

from tests.conftest import KERNEL_ONLY
from tests.kernel.messages import ping_message


def _driver_error(exc: Exception) -> Exception:
    """As SQLAlchemy's asyncpg dialect raises it: an adapted error caused by asyncpg's."""
    adapted = Exception(str(exc))
    adapted.__cause__ = exc
    return sa.exc.DBAPIError("INSERT INTO events ...", {}, adapted)


RESTARTING = {
    "starting-up": asyncpg.CannotConnectNowError("the database system is starting up"),
    "admin-shutdown": asyncpg.AdminShutdownError("terminating connection"),
    "too-many": asyncpg.TooManyConnectionsError("sorry, too many clients already"),
}


class _RecordingConnector(KafkaConnector):
    def __init__(self) -> None:
        super().__init__("127.0.0.1:1", "test")
        self.dead_letters: list[str] = []

    async def producer(self, wait_seconds: float = 10.0) -> Any:
        connector = self

        class Producer:
            async def send_and_wait(self, topic: str, **_: object) -> None:
                connector.dead_letters.append(topic)

        return Producer()


def _message() -> IncomingMessage:
    key, value, headers = ping_message()
    return IncomingMessage("pings", 0, 0, key, value, tuple(headers))


@pytest.mark.parametrize("name", sorted(RESTARTING))
async def test_a_restarting_database_is_an_outage_not_a_poison_message(
    name: str, tmp_path: Path
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}")
    await upgrade(engine, KERNEL_ONLY)
    runtime = Runtime("kerneltest", engine, SystemClock(), Metrics("kerneltest"), EventStore())

    async def handler(tx: Tx, event: DecodedEvent) -> None:
        raise _driver_error(RESTARTING[name])

    kafka = _RecordingConnector()
    consumer = InboxConsumer(runtime, kafka, Subscription("pings", "pings", handler), 3, 0.0)
    try:
        with pytest.raises(sa.exc.DBAPIError):  # nack: FastStream redelivers it
            await consumer.handle(_message())
        assert kafka.dead_letters == []
        async with engine.connect() as conn:
            assert (await conn.execute(sa.select(sa.func.count()).select_from(inbox))).scalar() == 0
    finally:
        await engine.dispose()
