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


# Built once per process (they run on every relay batch and read-model pass).
def _param(column: str) -> sa.BindParameter[object]:
    return sa.bindparam(f"p_{column}", type_=checkpoints.c[column].type)


_UPDATE = (
    checkpoints.update()
    .where(checkpoints.c.name == _param("name"))
    .values(position=_param("position"), updated_at=_param("updated_at"))
)
_INSERT = checkpoints.insert().values(
    name=_param("name"), position=_param("position"), updated_at=_param("updated_at")
)


async def write_checkpoint(conn: AsyncConnection, name: str, position: int, clock: Clock) -> None:
    values = {"p_name": name, "p_position": position, "p_updated_at": clock.now()}
    updated = await conn.execute(_UPDATE, values)
    if not updated.rowcount:
        await conn.execute(_INSERT, values)
