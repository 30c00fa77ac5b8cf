"""Dispatch's configurable rule values (RULES.md *configurable*), per site.

Defaults are RULES.md's; a site overrides them in OPSLEDGER_SITES, e.g.
`{"site-b": {"rules": {"dispatch": {"repeat_repair_window_days": 14}}}}`.
"""

from datetime import timedelta
from typing import ClassVar

from opsledger.calendar import SiteRules
from pydantic import Field


class DispatchRules(SiteRules):
    """Values of WO-10 that a site may set."""

    service: ClassVar[str] = "dispatch"

    repeat_repair_window_days: int = Field(
        default=30, ge=1, le=3650, description="WO-10: same fault within this many days"
    )

    @property
    def repeat_window(self) -> timedelta:
        return timedelta(days=self.repeat_repair_window_days)
