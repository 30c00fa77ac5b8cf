"""HTTP routes of callcenter."""

from typing import Annotated

from fastapi import APIRouter, Request
from opsledger.auth import CurrentPrincipal
from opsledger.http import RuntimeDep, command_context
from pydantic import BaseModel, Field

from callcenter import handlers
from callcenter.domain.diagnostics import SendDiagnosticPing

PING_ROLES = ("agent", "shift_lead", "cc_manager")


class SendPingRequest(BaseModel):
    site_id: Annotated[str, Field(min_length=1, max_length=64)]
    ping_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
    message: Annotated[str, Field(max_length=500)] = ""


class PingAccepted(BaseModel):
    ping_id: str
    event_id: str
    stream_version: int


def build_router() -> APIRouter:
    router = APIRouter(prefix="/diagnostics", tags=["diagnostics"])

    @router.post("/pings", status_code=201, response_model=PingAccepted)
    async def send_ping(
        body: SendPingRequest, request: Request, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> PingAccepted:
        """Send a diagnostic ping; dispatch records that it received it."""
        principal.authorize(PING_ROLES, body.site_id)
        ctx = command_context(request, principal, body.site_id)
        async with runtime.transaction() as tx:
            recorded = await handlers.send_diagnostic_ping(
                tx, SendDiagnosticPing(ping_id=body.ping_id, message=body.message), ctx
            )
        return PingAccepted(
            ping_id=body.ping_id,
            event_id=str(recorded[0].event_id),
            stream_version=recorded[0].version,
        )

    return router
