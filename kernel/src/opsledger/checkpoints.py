"""Checkpoints: how far a follower (relay, read model) has read the global order.

A follower writes its checkpoint in the same transaction as its effect, so a crash
never moves it past work that was not committed.
"""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.clock import Clock
from opsledger.db import checkpoints


async def read_checkpoint(conn: AsyncConnection, name: str, *, for_update: bool = False) -> int:
    query = sa.select(checkpoints.c.position).where(checkpoints.c.name == name)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return int((await conn.execute(query)).scalar() or 0)


async def write_checkpoint(conn: AsyncConnection, name: str, position: int, clock: Clock) -> None:
    now = clock.now()
    updated = await conn.execute(
        checkpoints.update()
        .where(checkpoints.c.name == name)
        .values(position=position, updated_at=now)
    )
    if not updated.rowcount:
        await conn.execute(
            checkpoints.insert().values(name=name, position=position, updated_at=now)
        )
