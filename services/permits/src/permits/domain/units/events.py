"""Private events of the unit register: owners' names never leave permits."""

from typing import ClassVar

from opsledger.decider import PrivateEvent
from pydantic import BaseModel, ConfigDict, Field, JsonValue

_OWNERS: JsonValue = [{"owner_id": "own-1", "name": "Chen Jing"}]


class OwnerEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    owner_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)


class UnitEvent(PrivateEvent):
    service: ClassVar[str] = "permits"
    stream_type: ClassVar[str | None] = "Unit"

    unit_id: str = Field(min_length=1, max_length=64, description="The unit (per site).")


class UnitRegistered(UnitEvent):
    """A unit and its owners entered the site's register (RP-1)."""

    event_type: ClassVar[str] = "UnitRegistered"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit_id": "B2-1203",
                    "label": "Tower B2, 12F, 03",
                    "owners": _OWNERS,
                    "handbook_signed_at_handover": False,
                }
            ]
        }
    )

    label: str = Field(min_length=1, max_length=200)
    owners: list[OwnerEntry] = Field(min_length=1)
    handbook_signed_at_handover: bool


class UnitOwnersChanged(UnitEvent):
    """The register's owners of the unit changed (a sale, an heir, a co-owner)."""

    event_type: ClassVar[str] = "UnitOwnersChanged"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"unit_id": "B2-1203", "owners": _OWNERS, "reason": "Sold"}]
        }
    )

    owners: list[OwnerEntry] = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=1000)


class UnitPermitApplied(UnitEvent):
    """A renovation permit was applied for on the unit (its history, one open at a time)."""

    event_type: ClassVar[str] = "UnitPermitApplied"
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"unit_id": "B2-1203", "permit_id": "PMT-1"}]}
    )

    permit_id: str = Field(min_length=1, max_length=64)


PRIVATE_EVENTS = (UnitRegistered, UnitOwnersChanged, UnitPermitApplied)
