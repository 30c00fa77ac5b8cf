"""The chain's linker (PostgreSQL): links, in position order, the committed events an
append could only seal in its own transaction (the position before it was in flight or
a gap; see opsledger.chain), each only if it still gives the hash sealed at its commit.

It chains only up to the readers' safe head (every event below it is final), so it
follows exactly the order every follower reads, and never forks: one sealer at a time
per database (a transaction advisory lock, tried, never waited for), and an append
links its own events only when the position before them is linked. An idle pass reads
one entry of a partial index (`ix_events_unlinked`). SQLite links every append in its
transaction (one writer): nothing to do.
"""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from opsledger.db import advisory_lock_key
from opsledger.eventstore import safe_head

_LOCK_KEY = advisory_lock_key("opsledger.chain.sealer")
_TRY_LOCK = sa.text("SELECT pg_try_advisory_xact_lock(:key)")
_SEAL = sa.text("SELECT opsledger_chain_seal(:upto)")
# Cheap first look: is any final event unlinked (the partial index holds only those)?
_BEHIND = sa.text(
    "SELECT EXISTS (SELECT 1 FROM events WHERE prev_hash IS NULL AND position <= :upto)"
)


async def seal(engine: AsyncEngine) -> int:
    """Link what is committed and only sealed yet; how many events it linked."""
    if engine.dialect.name != "postgresql":
        return 0
    async with engine.connect() as conn:
        upto = await safe_head(conn)  # its own statement: later snapshots see all below
        behind = (await conn.execute(_BEHIND, {"upto": upto})).scalar()
        await conn.rollback()
        if not behind:
            return 0
        async with conn.begin():
            if not (await conn.execute(_TRY_LOCK, {"key": _LOCK_KEY})).scalar():
                return 0  # another replica's sealer is at it
            return int((await conn.execute(_SEAL, {"upto": upto})).scalar() or 0)
