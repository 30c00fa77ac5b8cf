"""Kafka clients for tests, logged in as the test principal (normally `admin`).

The broker authenticates every client (SASL/SCRAM, see deploy/local/kafka.sh); tests use
the identity in OPSLEDGER_KAFKA_* (with-infra.sh exports `kafka.sh env admin`), the same
settings the services read, so services started by a test log in the same way.
"""

import functools
import os
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka import KafkaBroker
from opsledger.kafka import KafkaConnector, KafkaSecurity
from opsledger.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def use_local_admin_credentials() -> None:
    """Without OPSLEDGER_KAFKA_SECURITY_PROTOCOL set, log in as the admin of a broker that
    deploy/local/kafka.sh started from this checkout (its credentials under var/), if any.
    Sets the environment, so service processes that tests start inherit it."""
    if os.environ.get("OPSLEDGER_KAFKA_SECURITY_PROTOCOL"):
        return
    var_dir = Path(os.environ.get("OPSLEDGER_VAR_DIR") or REPO / "var")
    password_file = var_dir / "kafka" / "credentials" / "admin.password"
    if password_file.is_file():
        os.environ["OPSLEDGER_KAFKA_SECURITY_PROTOCOL"] = "SASL_PLAINTEXT"
        os.environ["OPSLEDGER_KAFKA_SASL_MECHANISM"] = "SCRAM-SHA-512"
        os.environ["OPSLEDGER_KAFKA_USERNAME"] = "admin"
        os.environ["OPSLEDGER_KAFKA_PASSWORD_FILE"] = str(password_file)


@functools.cache
def kafka_security() -> KafkaSecurity:
    """The tests' identity, from the environment (read once)."""
    return KafkaSecurity.from_settings(Settings(), "tests")


def kafka_consumer(bootstrap: str, **kwargs: Any) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        bootstrap_servers=bootstrap, **kafka_security().client_options(), **kwargs
    )


def kafka_producer(bootstrap: str, **kwargs: Any) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap, **kafka_security().client_options(), **kwargs
    )


def kafka_admin(bootstrap: str, **kwargs: Any) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, **kafka_security().client_options(), **kwargs
    )


def kafka_broker(bootstrap: str, **kwargs: Any) -> KafkaBroker:
    """A FastStream broker (consumers) with the tests' identity."""
    return KafkaBroker(bootstrap, security=kafka_security().faststream(), **kwargs)


def kafka_connector(bootstrap: str, client_id: str) -> KafkaConnector:
    return KafkaConnector(bootstrap, client_id, kafka_security())
