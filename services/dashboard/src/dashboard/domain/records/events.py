"""The dashboard's one stored event: a published fact it consumed, kept for rebuilds."""

from datetime import date
from typing import ClassVar

from opsledger.decider import PrivateEvent
from pydantic import AwareDatetime, ConfigDict, Field

FactValue = str | int | float | bool | None


class FactRecorded(PrivateEvent):
    """A published event of another service, as far as the KPI catalogue needs it.

    Only allow-listed scalar fields are kept (`domain.facts.FACT_FIELDS`): ids, flags,
    times, amounts; never a description, a name or a note. `local_date` is the site-local
    day of `occurred_at` (kernel calendar), `applied_at` when the dashboard recorded it.
    """

    event_type: ClassVar[str] = "FactRecorded"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "dashboard"
    stream_type: ClassVar[str | None] = "Record"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "source": "callcenter",
                    "source_stream": "call-C1",
                    "fact": "CallLogged",
                    "source_event_id": "5b0f7f5e-1d1c-4c1e-9a57-2f8a3c0d9e11",
                    "occurred_at": "2026-12-03T02:00:00Z",
                    "local_date": "2026-12-03",
                    "applied_at": "2026-12-03T02:00:01Z",
                    "data": {"call_id": "C1", "outcome": "answered"},
                }
            ]
        }
    )

    source: str = Field(min_length=1, max_length=40, description="The publishing service.")
    source_stream: str = Field(min_length=1, max_length=200, description="Its stream id.")
    fact: str = Field(min_length=1, max_length=80, description="Its event type.")
    source_event_id: str = Field(min_length=1, max_length=64, description="Its ce_id.")
    occurred_at: AwareDatetime = Field(description="When it happened (UTC).")
    local_date: date = Field(description="The site-local day of occurred_at.")
    applied_at: AwareDatetime = Field(description="When the dashboard recorded it.")
    data: dict[str, FactValue] = Field(description="The allow-listed fields of the event.")


PRIVATE_EVENTS = (FactRecorded,)

__all__ = ["PRIVATE_EVENTS", "FactRecorded", "FactValue"]
