"""Service settings, from environment variables (prefix OPSLEDGER_)."""

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from opsledger.calendar import SiteConfig
from opsledger.published_keys import is_published

DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024
# Where `make run` keeps the key it generates (under the data directory, mode 0600).
AUTH_SECRET_FILE_NAME = "auth-secret"
MIN_KEY_LENGTH = 32
_MIN_DISTINCT_KEY_CHARACTERS = 10
_MAKE_A_KEY = "e.g. `openssl rand -base64 48`"


class UnsafeConfigurationError(ValueError):
    """The settings must not serve traffic; the message is one line naming the variable
    and the rule."""


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
    auth_secret: str = Field(
        default="",
        description="HMAC key of the bearer tokens, 32+ random characters; empty: read from "
        "auth_secret_file. Only serving and minting need it (migrate, rebuild, verify do not)",
    )
    auth_secret_file: Path | None = Field(
        default=None,
        description="File holding the key (not readable by other users); default "
        "<data_dir>/auth-secret, which `make run` generates",
    )
    dev_mode: bool = Field(
        default=False,
        description="Development mode: allows a key published in the repository (the tests' "
        "keys). Never in production: anyone can mint tokens with such a key.",
    )
    auth_max_token_minutes: int = Field(
        default=12 * 60,
        ge=1,
        le=7 * 24 * 60,
        description="Longest lifetime of a token (exp - iat) a service accepts",
    )
    auth_clock_leeway_seconds: int = Field(
        default=30, ge=0, le=300, description="Clock difference tolerated on iat and exp"
    )
    http_max_concurrency: int = Field(
        default=200,
        ge=1,
        le=100_000,
        description="Open connections and requests in progress a process serves at most; "
        "beyond it new requests get 503",
    )
    http_keep_alive_seconds: float = Field(
        default=5, gt=0, le=300, description="An idle keep-alive connection is closed after it"
    )
    http_header_timeout_seconds: float = Field(
        default=10,
        gt=0,
        le=300,
        description="A connection whose request line and headers are not complete within "
        "this time is closed (a slow client cannot hold the process)",
    )
    http_max_header_bytes: int = Field(
        default=16 * 1024,
        ge=1024,
        le=1024 * 1024,
        description="Request line and headers larger than this get 431 and are closed",
    )
    database_statement_timeout_seconds: float = Field(
        default=30,
        ge=0,
        le=3600,
        description="PostgreSQL cancels a statement running longer (0: no limit)",
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
    read_wait_seconds: float = Field(
        default=2.0,
        ge=0,
        le=30,
        description="Longest wait of a read for the read models to reach its min_position "
        "(read your own writes); then 503 with Retry-After",
    )
    chain_anchor_seconds: float = Field(
        default=300,
        gt=0,
        le=86_400,
        description="How often the tamper-evident chain's head is published (when it moved)",
    )
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

    def auth_key(self) -> str:
        """The token key: OPSLEDGER_AUTH_SECRET, else the file OPSLEDGER_AUTH_SECRET_FILE
        names, else <data_dir>/auth-secret if it exists.

        Raises `UnsafeConfigurationError` (one line: the variable and the rule) when there
        is none, when it is short or repetitive, or when it was ever published in the
        repository (unless dev mode is set): anyone could mint tokens with such a key.
        """
        if self.auth_secret:
            key, source = self.auth_secret, "OPSLEDGER_AUTH_SECRET"
        else:
            path = self.auth_secret_file or self.data_dir / AUTH_SECRET_FILE_NAME
            source = f"OPSLEDGER_AUTH_SECRET_FILE ({path})"
            if self.auth_secret_file is None and not path.exists():
                raise UnsafeConfigurationError(
                    "OPSLEDGER_AUTH_SECRET is not set: set it to a random key of "
                    f"{MIN_KEY_LENGTH}+ characters ({_MAKE_A_KEY}), or OPSLEDGER_AUTH_SECRET_FILE "
                    "to a file holding one (make run writes var/auth-secret)"
                )
            key = self._read_key_file(path, source)
        if len(key) < MIN_KEY_LENGTH:
            raise UnsafeConfigurationError(
                f"{source} must be at least {MIN_KEY_LENGTH} characters, got {len(key)} "
                f"({_MAKE_A_KEY})"
            )
        if len(set(key)) < _MIN_DISTINCT_KEY_CHARACTERS:
            raise UnsafeConfigurationError(
                f"{source} must be random: it has fewer than {_MIN_DISTINCT_KEY_CHARACTERS} "
                f"distinct characters ({_MAKE_A_KEY})"
            )
        if is_published(key) and not self.dev_mode:
            raise UnsafeConfigurationError(
                f"{source} is a key published in the OpsLedger repository, with which anyone "
                f"can mint valid tokens: use a random key of your own ({_MAKE_A_KEY}); "
                "OPSLEDGER_DEV_MODE=true allows it on a development machine only"
            )
        return key

    @staticmethod
    def _read_key_file(path: Path, source: str) -> str:
        try:
            mode = path.stat().st_mode
            if mode & 0o077:
                raise UnsafeConfigurationError(
                    f"{source} must not be readable by other users (mode {mode & 0o777:04o}): "
                    f"chmod 600 {path}"
                )
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UnsafeConfigurationError(
                f"{source} cannot be read: {exc.strerror or type(exc).__name__}"
            ) from None
        except UnicodeDecodeError:
            raise UnsafeConfigurationError(f"{source} must hold a text key") from None

    def check_production_safety(self) -> None:
        """Raise `UnsafeConfigurationError` unless the settings may serve traffic (a usable,
        unpublished token key); call before serving."""
        self.auth_key()

    def database_url_for(self, service: str) -> str:
        if self.database_url:
            return self.database_url.replace("{service}", service)
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{service}.db').as_posix()}"
