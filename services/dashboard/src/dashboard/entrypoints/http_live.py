"""One server-sent event stream per page: a named event per card that changed."""

from collections.abc import AsyncIterable

from fastapi import APIRouter, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from dashboard.views.access import CurrentViewer
from dashboard.views.live import card_changes

router = APIRouter(prefix="/api", tags=["live"])


# Not in the OpenAPI document: an endless stream, not a request and its answer (API.md).
@router.get("/events", response_class=EventSourceResponse, include_in_schema=False)
async def events(
    request: Request, viewer: CurrentViewer, period: str | None = None
) -> AsyncIterable[ServerSentEvent]:
    runner = request.app.state.service.read_models
    async for name, data in card_changes(runner, viewer, period):
        yield ServerSentEvent(event=name, data=data)
