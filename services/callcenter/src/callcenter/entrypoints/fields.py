"""Request field types every callcenter route shares."""

from typing import Annotated

from opsledger.fields import Month, MonthPath, MonthQuery, SiteId, SiteQuery
from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
Text = Annotated[str, Field(min_length=1, max_length=1000)]

# Sites and months are the kernel's (opsledger.fields): derived ids fit, no year 0.
__all__ = ["Body", "Id", "Month", "MonthPath", "MonthQuery", "SiteId", "SiteQuery", "Text"]


class Body(BaseModel):
    """Unknown body fields are refused (VALIDATION)."""

    model_config = ConfigDict(extra="forbid")
