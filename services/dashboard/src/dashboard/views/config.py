"""The dashboard's own settings (read when a process first needs them, never at import)."""

from typing import Final

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SERVICE_URLS: Final = {
    "callcenter": "http://127.0.0.1:8101",
    "dispatch": "http://127.0.0.1:8102",
    "fleet": "http://127.0.0.1:8103",
    "permits": "http://127.0.0.1:8104",
    "secrets_registry": "http://127.0.0.1:8105",
}
SECRECY_ROLES: Final = frozenset({"secrecy_officer", "secrecy_committee", "auditor", "admin"})


class DashboardSettings(BaseSettings):
    """`OPSLEDGER_DASHBOARD_*`: targets per site, where each service's API is, cookies."""

    model_config = SettingsConfigDict(env_prefix="OPSLEDGER_DASHBOARD_", extra="ignore")

    # {"site-a": {"callcenter.answered_rate": 90}, "*": {...}}: per-site targets
    targets: dict[str, dict[str, float]] = Field(default_factory=dict)
    # base URL of each service's API, for the link of every drill-down row
    service_urls: dict[str, str] = Field(default_factory=dict)
    cookie_secure: bool = False
    live_interval_seconds: float = Field(default=0.2, gt=0, le=1)

    def target(self, kpi: str, default: float, site_id: str | None) -> float:
        for scope in (site_id, "*"):
            if scope is not None and kpi in self.targets.get(scope, {}):
                return float(self.targets[scope][kpi])
        return default

    def url(self, service: str, ref: str) -> str:
        base = self.service_urls.get(service) or DEFAULT_SERVICE_URLS.get(service, "")
        return base.rstrip("/") + ref
