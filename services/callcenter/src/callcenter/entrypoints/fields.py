"""Request field types every callcenter route shares."""

from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
Text = Annotated[str, Field(min_length=1, max_length=1000)]
SiteQuery = Annotated[str, Query(min_length=1, max_length=64)]
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
Month = Annotated[str, Field(pattern=MONTH)]
MonthQuery = Annotated[str, Query(pattern=MONTH)]
MonthPath = Annotated[str, Path(pattern=MONTH)]


class Body(BaseModel):
    """Unknown body fields are refused (VALIDATION)."""

    model_config = ConfigDict(extra="forbid")
