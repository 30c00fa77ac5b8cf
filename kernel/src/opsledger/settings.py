"""Service settings, from environment variables (prefix OPSLEDGER_)."""

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from opsledger.calendar import SiteConfig

DEV_AUTH_SECRET = "opsledger-dev-secret-change-me-0123456789"
DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024


class UnsafeConfigurationError(ValueError):
    """The settings are fine for a laptop but must not serve real traffic."""


class Settings(BaseSettings):
    """Everything a service process needs to know; all overridable by environment.

    `database_url` may contain `{service}`, so one value serves all five services, e.g.
    `postgresql+asyncpg://opsledger:opsledger@127.0.0.1:5432/opsledger_{service}`.
    """

    model_config = SettingsConfigDict(env_prefix="OPSLEDGER_", extra="ignore")

    database_url: str = Field(
        default="", description="SQLAlchemy async URL; default is a SQLite file per service"
    )
    data_dir: Path = Field(default=Path("var"), description="Where SQLite files live")
    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092", min_length=1)
    kafka_topic_prefix: str = Field(
        default="",
        pattern=r"^[A-Za-z0-9._-]*$",
        max_length=100,
        description="Prepended to every topic and consumer group (e.g. 'staging.')",
    )
    kafka_partitions: int = Field(
        default=3,
        ge=1,
        le=1000,
        description="Partitions of the topics a service creates (its own, the ones it consumes "
        "and their dead-letter topics); the most consumer replicas that share a topic's work. "
        "Only at creation: an existing topic keeps its partitions",
    )
    kafka_replication_factor: int = Field(
        default=1,
        ge=1,
        le=10,
        description="Copies of each partition on distinct brokers, for the topics a service "
        "creates; 1 for one broker, 3 for a cluster of three or more",
    )
    # -- Kafka identity (see opsledger.kafka.KafkaSecurity): who this process is to Kafka --
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT",
        description="SASL_PLAINTEXT or SASL_SSL against a broker that authenticates clients "
        "(deploy/local/kafka.sh prints the values to use); PLAINTEXT: no identity at all",
    )
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = "SCRAM-SHA-512"
    kafka_username: str = Field(
        default="",
        max_length=200,
        description="SASL principal; '{service}' in it is replaced by the service name",
    )
    kafka_password: SecretStr = Field(
        default=SecretStr(""), description="SASL password (or use OPSLEDGER_KAFKA_PASSWORD_FILE)"
    )
    kafka_password_file: str = Field(
        default="",
        max_length=1000,
        description="File holding the SASL password (one line); '{service}' in the path is "
        "replaced by the service name. Read when the service starts; wins over "
        "OPSLEDGER_KAFKA_PASSWORD",
    )
    kafka_ssl_cafile: str = Field(
        default="",
        max_length=1000,
        description="PEM file of the CA that signed the brokers' certificates (SASL_SSL); "
        "empty: the system's trusted CAs",
    )
    http_host: str = "127.0.0.1"
    http_port: int | None = Field(default=None, ge=1, le=65535)
    auth_secret: str = Field(default=DEV_AUTH_SECRET, min_length=32)
    dev_mode: bool = Field(
        default=False,
        description="Development mode: allows the built-in development auth key. Never in "
        "production: anyone can mint tokens with that key.",
    )
    max_request_body_bytes: int = Field(
        default=DEFAULT_MAX_REQUEST_BODY_BYTES,
        ge=1024,
        le=100 * 1024 * 1024,
        description="Larger request bodies are refused with 413",
    )
    schema_base_uri: str = Field(
        default="",
        max_length=500,
        description="Absolute URI the ce_dataschema header starts with (where the contracts "
        "directory is published); empty: the contracts package's default",
    )
    auth_issuer: str = "opsledger"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"
    database_pool_size: int = Field(
        default=20,
        ge=1,
        le=500,
        description="PostgreSQL connections each process keeps open (10 more on bursts)",
    )
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    poll_interval_seconds: float = Field(default=0.2, gt=0, le=60)
    consumer_max_attempts: int = Field(default=3, ge=1, le=100)
    consumer_batch_size: int = Field(
        default=100, ge=1, le=10_000, description="Most messages applied in one transaction"
    )
    run_migrations: bool = True
    sites: dict[str, SiteConfig] = Field(
        default_factory=dict,
        description='Per-site calendars, JSON: {"site-a": {"timezone": "Asia/Shanghai"}}',
    )
    site_default: SiteConfig = Field(default_factory=SiteConfig)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value and not (
            value.startswith("sqlite+aiosqlite") or value.startswith("postgresql+asyncpg")
        ):
            raise ValueError(
                "OPSLEDGER_DATABASE_URL must use sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        return value

    @field_validator("schema_base_uri")
    @classmethod
    def _absolute_base(cls, value: str) -> str:
        if value:
            parts = urlsplit(value)
            if not parts.scheme or not parts.netloc:
                raise ValueError(
                    "OPSLEDGER_SCHEMA_BASE_URI must be an absolute URI, e.g. "
                    "https://contracts.example.com/opsledger/"
                )
            if parts.query or parts.fragment:
                raise ValueError("OPSLEDGER_SCHEMA_BASE_URI must have no query or fragment")
            if not value.endswith("/"):
                value += "/"  # a base: schema paths are appended to it
        return value

    def check_production_safety(self) -> None:
        """Refuse to serve with the development auth key unless dev mode is set explicitly.

        Raises `UnsafeConfigurationError` with what to do; call before serving traffic.
        """
        if self.auth_secret == DEV_AUTH_SECRET and not self.dev_mode:
            raise UnsafeConfigurationError(
                "OPSLEDGER_AUTH_SECRET is the built-in development key, with which anyone can "
                "mint valid tokens: set OPSLEDGER_AUTH_SECRET to a secret of 32+ characters, "
                "or set OPSLEDGER_DEV_MODE=true on a development machine"
            )

    def database_url_for(self, service: str) -> str:
        if self.database_url:
            return self.database_url.replace("{service}", service)
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{service}.db').as_posix()}"
