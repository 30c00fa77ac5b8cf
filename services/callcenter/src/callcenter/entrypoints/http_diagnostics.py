"""HTTP route of the diagnostic ping (a tracer through callcenter, Kafka and dispatch)."""

from typing import Annotated

from fastapi import APIRouter
from opsledger.routes import Commands
from pydantic import BaseModel, Field

from callcenter.domain.diagnostics import SendDiagnosticPing


class SendPingRequest(BaseModel):
    site_id: Annotated[str, Field(min_length=1, max_length=64)]
    ping_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
    message: Annotated[str, Field(max_length=500)] = ""


class PingAccepted(BaseModel):
    ping_id: str
    event_id: str
    stream_version: int


router = APIRouter(prefix="/diagnostics", tags=["diagnostics"])


@router.post("/pings", status_code=201)
async def send_ping(body: SendPingRequest, commands: Commands) -> PingAccepted:
    """Send a diagnostic ping; dispatch records that it received it."""
    (event,) = (await commands.run(SendDiagnosticPing(**body.model_dump()))).events
    return PingAccepted(
        ping_id=body.ping_id, event_id=str(event.event_id), stream_version=event.version
    )
