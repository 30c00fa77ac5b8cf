"""Validated request field types shared by fleet's HTTP routes (each names its rule)."""

from decimal import Decimal
from typing import Annotated

from opsledger.fields import Month, SiteId
from opsledger.http import rule
from pydantic import BaseModel, ConfigDict, Field

Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
StaffId = Annotated[str, Field(min_length=1, max_length=64)]
Km = Annotated[
    Decimal,
    Field(
        ge=0,
        le=Decimal("9999999.9"),
        max_digits=9,
        decimal_places=1,
        json_schema_extra=rule("FL-2"),
        description="Odometer or distance in km (0.1)",
    ),
]
Litres = Annotated[
    Decimal,
    Field(gt=0, le=1000, max_digits=6, decimal_places=2, json_schema_extra=rule("FL-6")),
]
Text = Annotated[str, Field(min_length=1, max_length=1000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]

# Sites and months are the kernel's (opsledger.fields): derived ids fit, no year 0.
__all__ = ["Body", "Ident", "Km", "Litres", "Month", "Reason", "Short", "SiteId", "StaffId", "Text"]


class Body(BaseModel):
    """Request bodies reject unknown fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Reason(Body):
    reason: Text
