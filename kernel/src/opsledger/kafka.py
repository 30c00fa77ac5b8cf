"""Kafka plumbing shared by relay, consumers and readiness: one idempotent producer, and
the identity (`KafkaSecurity`) every client of a service connects with."""

import asyncio
import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    TopicAlreadyExistsError,
    UnknownProducerId,
)
from aiokafka.helpers import create_ssl_context
from faststream.security import (
    BaseSecurity,
    SASLPlaintext,
    SASLScram256,
    SASLScram512,
)

from opsledger.settings import Settings

log = structlog.get_logger(__name__)

# Errors after which an idempotent producer never delivers again: the broker no longer
# agrees with its producer id, epoch or sequence numbers (aiokafka 0.14 neither resets
# nor bumps them, so every later batch to that partition fails the same way), or it
# was fenced. Only a new producer (a new producer id) gets out of that.
_FATAL_PRODUCER_ERRORS = (
    OutOfOrderSequenceNumber,
    UnknownProducerId,
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    ProducerFenced,
)


def _sender_ended(producer: AIOKafkaProducer) -> bool:
    """aiokafka delivers from one background task; once it ended (a fatal error, a bug)
    every send fails or never completes, and nothing restarts it. No public API says so."""
    task = getattr(getattr(producer, "_sender", None), "sender_task", None)
    return task is not None and task.done()


class KafkaCredentialsError(ValueError):
    """The Kafka identity settings are incomplete or unreadable; the message says which."""


@dataclass(frozen=True)
class KafkaSecurity:
    """Who a client is to the brokers: protocol, SASL mechanism, principal and password.

    The brokers authorize by principal (ACLs): a service may write only its own topics, so
    no other service can publish events in its name. PLAINTEXT carries no identity (a
    broker that authenticates clients refuses it)."""

    protocol: str = "PLAINTEXT"
    mechanism: str = "SCRAM-SHA-512"
    username: str = ""
    password: str = field(default="", repr=False)
    ssl_cafile: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, service: str) -> "KafkaSecurity":
        """The identity of `service` (`{service}` in the username and password file path is
        replaced by it). Reads the password file now; raises `KafkaCredentialsError`."""
        protocol = settings.kafka_security_protocol
        if protocol == "PLAINTEXT":
            return cls()
        username = settings.kafka_username.replace("{service}", service)
        password = settings.kafka_password.get_secret_value()
        if settings.kafka_password_file:
            path = Path(settings.kafka_password_file.replace("{service}", service))
            try:
                password = path.read_text().strip()
            except OSError as exc:
                raise KafkaCredentialsError(
                    f"OPSLEDGER_KAFKA_PASSWORD_FILE: cannot read {path}: {exc.strerror}"
                ) from None
        if not username or not password:
            raise KafkaCredentialsError(
                f"OPSLEDGER_KAFKA_SECURITY_PROTOCOL={protocol} needs OPSLEDGER_KAFKA_USERNAME "
                "and OPSLEDGER_KAFKA_PASSWORD (or OPSLEDGER_KAFKA_PASSWORD_FILE)"
            )
        return cls(
            protocol, settings.kafka_sasl_mechanism, username, password, settings.kafka_ssl_cafile
        )

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for an aiokafka producer, consumer or admin client."""
        if self.protocol == "PLAINTEXT":
            return {}
        options: dict[str, Any] = {
            "security_protocol": self.protocol,
            "sasl_mechanism": self.mechanism,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
        }
        if self.protocol == "SASL_SSL":
            options["ssl_context"] = create_ssl_context(cafile=self.ssl_cafile or None)
        return options

    def faststream(self) -> BaseSecurity | None:
        """The same identity for a FastStream `KafkaBroker(security=...)`."""
        if self.protocol == "PLAINTEXT":
            return None
        ssl = (
            create_ssl_context(cafile=self.ssl_cafile or None)
            if self.protocol == "SASL_SSL"
            else None
        )
        kinds: dict[str, type[SASLPlaintext | SASLScram256 | SASLScram512]] = {
            "PLAIN": SASLPlaintext,
            "SCRAM-SHA-256": SASLScram256,
            "SCRAM-SHA-512": SASLScram512,
        }
        return kinds[self.mechanism](
            self.username, self.password, ssl_context=ssl, use_ssl=ssl is not None
        )


def connection_options(bootstrap_servers: str, security: KafkaSecurity | None) -> dict[str, Any]:
    """Where and as whom an aiokafka client connects (keyword arguments)."""
    return {
        "bootstrap_servers": bootstrap_servers,
        **(security or KafkaSecurity()).client_options(),
    }


class KafkaConnector:
    """Owns the service's producer. Starts lazily and retries, so a service boots (and
    reports not-ready) while Kafka is down, and recovers when it comes back."""

    def __init__(
        self, bootstrap_servers: str, client_id: str, security: KafkaSecurity | None = None
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.security = security or KafkaSecurity()
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()
        self._stopping: set[asyncio.Task[None]] = set()

    async def producer(self, wait_seconds: float = 10.0) -> AIOKafkaProducer:
        """The started producer; raises if Kafka cannot be reached within `wait_seconds`."""
        async with self._lock:
            if self._producer is not None and _sender_ended(self._producer):
                log.warning("kafka_producer_replaced", reason="its sender task ended")
                self._discard()
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self.bootstrap_servers,
                    client_id=self.client_id,
                    enable_idempotence=True,  # forces acks=all; no duplicates from retries
                    acks="all",
                    # No lingering: the relay hands over a whole batch at once anyway, and a
                    # lone event should leave at once (latency to other services).
                    linger_ms=0,
                    request_timeout_ms=15_000,
                    **self.security.client_options(),
                )
                try:
                    await asyncio.wait_for(producer.start(), wait_seconds)
                except BaseException:
                    await producer.stop()
                    raise
                self._producer = producer
            return self._producer

    async def ping(self, wait_seconds: float = 3.0) -> None:
        """Raise unless a broker answers a metadata request within `wait_seconds` seconds.

        On failure the producer is dropped at once (the next caller starts a new one) and
        stopped in the background: its stop() waits for in-flight messages, i.e. for the
        broker, and a readiness probe must answer 503 meanwhile, not hang."""
        try:
            async with asyncio.timeout(wait_seconds):
                producer = await self.producer(wait_seconds)
                await producer.client.fetch_all_metadata()
        except BaseException:
            self._discard()
            raise

    def discard_if_fatal(self, producer: AIOKafkaProducer, error: BaseException) -> bool:
        """After `producer` failed with `error`: drop it if it can never deliver again, so
        the next caller gets a new one (the relay then resumes from its checkpoint).
        True if it was dropped."""
        if not isinstance(error, _FATAL_PRODUCER_ERRORS) or self._producer is not producer:
            return False
        log.warning("kafka_producer_replaced", reason=type(error).__name__)
        self._discard()
        return True

    def _discard(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            stopping = asyncio.create_task(producer.stop())
            self._stopping.add(stopping)  # keep a reference until it is done
            stopping.add_done_callback(self._stopping.discard)

    async def ensure_topics(
        self, topics: Iterable[str], partitions: int = 3, replication_factor: int = 1
    ) -> None:
        """Create missing topics (idempotent). Production clusters may pre-create them.

        `partitions` bounds how many replicas of a consumer share a topic's work (one
        consumer group, one partition per member at most); `replication_factor` is how
        many brokers hold each partition. Existing topics are left as they are."""
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self.bootstrap_servers,
            client_id=self.client_id,
            **self.security.client_options(),
        )
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            missing = [t for t in dict.fromkeys(topics) if t not in existing]
            if missing:
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics(
                        [
                            NewTopic(
                                t, num_partitions=partitions, replication_factor=replication_factor
                            )
                            for t in missing
                        ]
                    )
                log.info("kafka_topics_created", topics=missing)
        finally:
            await admin.close()

    async def close(self) -> None:
        if self._producer is None:
            return  # nothing to stop; never wait for the lock a starting producer holds
        async with self._lock:
            if self._producer is not None:
                await self._producer.stop()
                self._producer = None


async def await_acks(acks: Sequence[asyncio.Future[Any]]) -> None:
    """Wait until every ack of `acks` (futures from `send`) is in; raise the first failure.

    In order rather than `asyncio.gather`: the records of one broker batch are acked
    together, so this wakes once per batch instead of running a callback per record.
    """
    for i, ack in enumerate(acks):
        try:
            await ack
        except BaseException:
            for rest in acks[i + 1 :]:  # moot now; retrieve their failures so none is logged
                rest.add_done_callback(_retrieve)
            raise


def _retrieve(ack: asyncio.Future[Any]) -> None:
    if not ack.cancelled():
        ack.exception()
