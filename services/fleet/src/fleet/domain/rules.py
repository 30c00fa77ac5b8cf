"""Fleet's configurable rule values (RULES.md §3 *configurable*), per site.

Defaults are RULES.md's; a site overrides them in OPSLEDGER_SITES, e.g.
`{"site-b": {"rules": {"fleet": {"max_trip_km": 1500, "models": {"hiace": {"base": "12.0"}}}}}}`.
A site's `models` replaces the default table, so list every model the site runs.
"""

from decimal import Decimal
from typing import ClassVar

from opsledger.calendar import SiteRules
from pydantic import BaseModel, ConfigDict, Field


class ModelAllowance(BaseModel):
    """FL-5: litres per 100 km allowed for one model, with an optional seasonal uplift."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base: Decimal = Field(gt=0, le=100, description="L/100 km allowed (standard + tolerance)")
    seasonal: Decimal | None = Field(default=None, gt=0, le=100, description="In season")
    season_months: frozenset[int] = Field(default=frozenset({7, 8, 9}))

    def for_month(self, month: int) -> Decimal:
        if self.seasonal is not None and month in self.season_months:
            return self.seasonal
        return self.base


def _default_models() -> dict[str, ModelAllowance]:
    # FL-5 rev.: Soueast 9.5 + 4.5 (Jul-Sep + 6.5); Wuling 6.5 + 3.5 all year.
    return {
        "soueast": ModelAllowance(base=Decimal("14.0"), seasonal=Decimal("16.0")),
        "wuling": ModelAllowance(base=Decimal("10.0")),
    }


class FleetRules(SiteRules):
    """Values of FL-2 … FL-9 that a site may set. Money in fen."""

    service: ClassVar[str] = "fleet"

    models: dict[str, ModelAllowance] = Field(default_factory=_default_models)
    max_trip_km: Decimal = Field(default=Decimal(1000), gt=0, description="FL-2 rev. jump")
    # FL-2 rev.2: a request needed later than this is reserved, not taken out now.
    dispatch_ahead_minutes: int = Field(default=60, ge=0, le=1440, description="FL-2 rev.2")
    # FL-5 rev.2: the day of the next month (site time) a vehicle-month is reconciled by.
    reconcile_by_day: int = Field(default=5, ge=1, le=28, description="FL-5 rev.2")
    serious_excess_pct: Decimal = Field(default=Decimal(20), gt=0, description="FL-7 rev.")
    service_interval_km: Decimal = Field(default=Decimal(5000), gt=0, description="FL-4 rev.")
    # FL-4: the site's designated repair shops; empty = not listed, any named shop.
    designated_shops: list[str] = Field(default_factory=list, description="FL-4")
    # FL-6: the site's designated filling stations; empty = not listed, any named station.
    designated_stations: list[str] = Field(default_factory=list, description="FL-6")
    overnight_parking_fen: int = Field(default=30000, ge=0, description="FL-3")
    private_use_director_fen: int = Field(default=20000, ge=0, description="FL-7")
    private_use_driver_fen: int = Field(default=10000, ge=0, description="FL-7")
    drink_driving_fen: int = Field(default=20000, ge=0, description="FL-7")
    # FL-8: (share %, cap fen) by responsibility; "main" cap is illegible in the source.
    liability_full_pct: int = Field(default=70, ge=0, le=100)
    liability_full_cap_fen: int = Field(default=300000, ge=0)
    liability_main_pct: int = Field(default=60, ge=0, le=100)
    liability_main_cap_fen: int = Field(default=200000, ge=0)
    liability_equal_pct: int = Field(default=50, ge=0, le=100)
    liability_equal_cap_fen: int = Field(default=150000, ge=0)
    liability_minor_pct: int = Field(default=30, ge=0, le=100)
    liability_minor_cap_fen: int = Field(default=100000, ge=0)
    safe_month_driver_fen: int = Field(default=10000, ge=0, description="FL-9")
    safe_month_group_lead_fen: int = Field(default=15000, ge=0, description="FL-9")
    safe_km_fen_per_100km: int = Field(default=4, ge=0, description="FL-9")
    # FL-10 points deducted with the FL-7 fine (the source's 考核細則 gives no number).
    private_use_points: int = Field(default=10, ge=0, le=100, description="FL-7 rev., FL-10")
    drink_driving_points: int = Field(default=10, ge=0, le=100, description="FL-7, FL-10")

    def allowance(self, model: str, month: int) -> Decimal | None:
        found = self.models.get(model)
        return None if found is None else found.for_month(month)
