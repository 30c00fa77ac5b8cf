"""The chain's sealer (PostgreSQL): chains, in position order, the committed events an
append could not chain in its own transaction (something before it was in flight).

It chains only up to the readers' safe head (every event below it is final), so it
follows exactly the order every follower reads, and never forks: one sealer at a time
per database (a transaction advisory lock, tried, never waited for), and an append
chains its own events only when nothing before them is unchained or in flight. An idle
pass reads and writes nothing. SQLite chains every append in its transaction (one
writer): nothing to seal.
"""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from opsledger.db import advisory_lock_key
from opsledger.eventstore import safe_head

_LOCK_KEY = advisory_lock_key("opsledger.chain.sealer")
_TRY_LOCK = sa.text("SELECT pg_try_advisory_xact_lock(:key)")
_SEAL = sa.text("SELECT opsledger_chain_seal(:upto)")
# Cheap first look: the last chained position and the last event's.
_BEHIND = sa.text(
    "SELECT coalesce((SELECT max(position) FROM event_chain), 0),"
    " coalesce((SELECT max(position) FROM events WHERE position <= :upto), 0)"
)


async def seal(engine: AsyncEngine) -> int:
    """Chain what is committed and not chained yet; how many events it chained."""
    if engine.dialect.name != "postgresql":
        return 0
    async with engine.connect() as conn:
        upto = await safe_head(conn)  # its own statement: later snapshots see all below
        chained, last = (await conn.execute(_BEHIND, {"upto": upto})).one()
        await conn.rollback()
        if int(chained) >= int(last):
            return 0
        async with conn.begin():
            if not (await conn.execute(_TRY_LOCK, {"key": _LOCK_KEY})).scalar():
                return 0  # another replica's sealer is at it
            return int((await conn.execute(_SEAL, {"upto": upto})).scalar() or 0)
