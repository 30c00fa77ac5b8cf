"""Service settings, from environment variables (prefix OPSLEDGER_)."""

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from opsledger.calendar import SiteConfig

DEV_AUTH_SECRET = "opsledger-dev-secret-change-me-0123456789"


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
    http_host: str = "127.0.0.1"
    http_port: int | None = Field(default=None, ge=1, le=65535)
    auth_secret: str = Field(default=DEV_AUTH_SECRET, min_length=32)
    auth_issuer: str = "opsledger"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    poll_interval_seconds: float = Field(default=0.2, gt=0, le=60)
    consumer_max_attempts: int = Field(default=3, ge=1, le=100)
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

    def database_url_for(self, service: str) -> str:
        if self.database_url:
            return self.database_url.replace("{service}", service)
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{service}.db').as_posix()}"
