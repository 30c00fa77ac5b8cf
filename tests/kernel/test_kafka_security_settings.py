"""KafkaSecurity from the settings: who a service is to Kafka (no broker needed)."""

from pathlib import Path
from typing import Any

import pytest
from opsledger.kafka import KafkaCredentialsError, KafkaSecurity, connection_options
from opsledger.settings import Settings
from pydantic import SecretStr


def _settings(**identity: Any) -> Settings:
    """Settings with only the given Kafka identity (none of the environment's)."""
    blank: dict[str, Any] = {
        "kafka_security_protocol": "PLAINTEXT",
        "kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_username": "",
        "kafka_password": SecretStr(""),
        "kafka_password_file": "",
        "kafka_ssl_cafile": "",
    }
    return Settings(**(blank | identity))


def test_plaintext_carries_no_identity() -> None:
    security = KafkaSecurity.from_settings(_settings(), "fleet")

    assert security.client_options() == {}
    assert security.faststream() is None
    assert connection_options("k:9092", None) == {"bootstrap_servers": "k:9092"}


def test_each_service_reads_its_own_password_file(tmp_path: Path) -> None:
    (tmp_path / "fleet.password").write_text("fleet-secret\n")
    settings = _settings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_username="{service}",
        kafka_password=SecretStr("ignored: the file wins"),
        kafka_password_file=str(tmp_path / "{service}.password"),
    )

    security = KafkaSecurity.from_settings(settings, "fleet")

    assert security.client_options() == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "fleet",
        "sasl_plain_password": "fleet-secret",
    }
    assert "fleet-secret" not in repr(security) and "fleet-secret" not in repr(settings)
    broker_security = security.faststream()
    assert broker_security is not None and not broker_security.use_ssl


def test_sasl_ssl_verifies_the_brokers_with_the_given_ca() -> None:
    settings = _settings(
        kafka_security_protocol="SASL_SSL", kafka_username="admin", kafka_password=SecretStr("pw")
    )

    options = KafkaSecurity.from_settings(settings, "dispatch").client_options()

    assert options["security_protocol"] == "SASL_SSL"
    assert options["ssl_context"].check_hostname


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "needs OPSLEDGER_KAFKA_USERNAME and OPSLEDGER_KAFKA_PASSWORD"),
        (
            {"kafka_username": "x", "kafka_password_file": "/nonexistent/{service}.pw"},
            "cannot read",
        ),
    ],
)
def test_missing_credentials_are_named(extra: dict[str, str], message: str) -> None:
    settings = _settings(kafka_security_protocol="SASL_PLAINTEXT", **extra)

    with pytest.raises(KafkaCredentialsError, match=message):
        KafkaSecurity.from_settings(settings, "permits")
