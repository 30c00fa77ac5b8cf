"""The registry's configurable rule values (RULES.md §5 *configurable*), per site.

Defaults are RULES.md's; a site overrides them in OPSLEDGER_SITES, e.g.
`{"site-b": {"rules": {"secrets_registry": {"general_minimum_months": 6}}}}`.
Money in fen.
"""

from datetime import time, timedelta
from typing import ClassVar

from opsledger.calendar import SiteRules
from pydantic import Field

from secrets_registry.domain.clearance import PersonLevel


class RegistryRules(SiteRules):
    """Values of SR-3, SR-5, SR-10 and the two-person window that a site may set."""

    service: ClassVar[str] = "secrets_registry"

    # SR-5 rev.: minimums (「不少於」) of the declassification period. Core and important
    # are fixed by the source; general may be set down to 6 months (key-department rule).
    core_minimum_years: int = Field(default=3, ge=3, le=30, description="SR-5 core")
    important_minimum_years: int = Field(default=2, ge=2, le=30, description="SR-5 important")
    general_minimum_months: int = Field(default=12, ge=6, le=360, description="SR-5 general")
    # SR-10: monthly secrecy allowance by level (amounts are the site's).
    allowance_core_fen: int = Field(default=30000, ge=0, description="SR-10 core")
    allowance_important_fen: int = Field(default=20000, ge=0, description="SR-10 important")
    allowance_general_fen: int = Field(default=10000, ge=0, description="SR-10 general")
    # SR-3: an entry or in-post pledge holds this many months; then it is renewed.
    pledge_validity_months: int = Field(default=12, ge=1, le=120, description="SR-3")
    # Two-person rule (SR-9, SR-12, SR-16, SR-19): how long a first confirmation waits
    # for the second; the deadline is fixed in the confirmation when it is recorded.
    two_person_window_minutes: int = Field(
        default=15, ge=1, le=240, description="two-person confirmation window"
    )

    # SR-17 rev.2: staff leaving the office lock carriers away: a carrier signed out is
    # back in secure storage by this local time of the day (after it: by the day's end).
    lock_away_time: time = Field(default=time(18, 0), description="SR-17 rev.2")

    @property
    def two_person_window(self) -> timedelta:
        return timedelta(minutes=self.two_person_window_minutes)

    def minimum_months(self, level: PersonLevel) -> int:
        """SR-5: the shortest declassification period for `level`, in months."""
        match level:
            case PersonLevel.CORE:
                return self.core_minimum_years * 12
            case PersonLevel.IMPORTANT:
                return self.important_minimum_years * 12
            case PersonLevel.GENERAL:
                return self.general_minimum_months

    def allowance_fen(self, level: PersonLevel) -> int:
        """SR-10: the monthly allowance of `level`."""
        return {
            PersonLevel.CORE: self.allowance_core_fen,
            PersonLevel.IMPORTANT: self.allowance_important_fen,
            PersonLevel.GENERAL: self.allowance_general_fen,
        }[level]
