"""Reads of the unit register and of a unit's whole history (also as of a past time)."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from opsledger.eventstore import RecordedEvent
from opsledger.readmodels import Row
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from permits.domain.roles import MONEY_READERS
from permits.readmodels.units import UNITS

UnitRow = UNITS.row_model
# Events whose amounts only the money readers see (fees, refunds).
MONEY_EVENTS = frozenset({"PermitFeesSet", "FeePaid", "AcceptanceFormSigned", "DepositRefundPaid"})


async def register(conn: AsyncConnection, site_id: str) -> list[Row]:
    t = UNITS.table
    rows = await conn.execute(sa.select(t).where(t.c.site_id == site_id).order_by(t.c.unit_id))
    return [UnitRow.model_validate(dict(r._mapping)) for r in rows]


class HistoryEntry(BaseModel):
    """One recorded fact of the unit or one of its permits, in the order recorded."""

    recorded_at: datetime
    occurred_at: datetime
    stream_id: str
    version: int
    event_type: str
    actor: str
    data: dict[str, Any] | None


def history(
    streams: list[list[RecordedEvent]], roles: frozenset[str], at: datetime | None
) -> list[HistoryEntry]:
    """The unit's and its permits' events in store order, recorded up to `at` if given;
    fee and refund amounts only for the money readers."""
    money = bool(roles & MONEY_READERS)
    merged = sorted(
        (e for stream in streams for e in stream if at is None or e.recorded_at <= at),
        key=lambda e: e.position,
    )
    return [
        HistoryEntry(
            recorded_at=e.recorded_at,
            occurred_at=e.occurred_at,
            stream_id=e.stream_id,
            version=e.version,
            event_type=e.event_type,
            actor=e.actor,
            data=None if e.event_type in MONEY_EVENTS and not money else dict(e.payload),
        )
        for e in merged
    ]
