"""HTTP routes of dispatch."""

from datetime import datetime

import sqlalchemy as sa
from fastapi import APIRouter
from opsledger.auth import CurrentPrincipal
from opsledger.errors import NotFoundError
from opsledger.http import RuntimeDep
from pydantic import BaseModel

from dispatch.adapters.projections import diagnostic_pings


class PingView(BaseModel):
    ping_id: str
    site_id: str
    message: str
    sent_event_id: str
    sent_at: datetime
    received_at: datetime
    correlation_id: str


def build_router() -> APIRouter:
    router = APIRouter(prefix="/diagnostics", tags=["diagnostics"])

    @router.get("/pings/{ping_id}", response_model=PingView)
    async def get_ping(ping_id: str, principal: CurrentPrincipal, runtime: RuntimeDep) -> PingView:
        """A ping as dispatch received it (from the diagnostic_pings projection)."""
        async with runtime.engine.connect() as conn:
            row = (
                (
                    await conn.execute(
                        sa.select(diagnostic_pings).where(diagnostic_pings.c.ping_id == ping_id)
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            raise NotFoundError("ping", ping_id)
        principal.authorize((), row["site_id"])
        return PingView.model_validate(dict(row))

    return router
