"""A toy service written the way every service is: aggregate, workflow, read model, routes.

Used by the kernel's pipeline tests; it doubles as the smallest worked example.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar

import sqlalchemy as sa
from fastapi import APIRouter
from opsledger.decider import Aggregate, DecisionContext, DueTimer, Event, Reaction, Schedule
from opsledger.errors import DomainError
from opsledger.pipeline import SYSTEM_ONLY, CommandResult, UnitOfWork, Workflow, roles
from opsledger.readmodels import ReadModel
from opsledger.routes import Commands, Reader, Reads
from opsledger.service import ServiceDefinition
from opsledger_contracts import EventPayload
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection


class TallyOpened(EventPayload):
    """Test event."""

    event_type: ClassVar[str] = "TallyOpened"
    service: ClassVar[str] = "kerneltest"

    tally_id: str
    number: int


class TallyAdded(EventPayload):
    """Test event."""

    event_type: ClassVar[str] = "TallyAdded"
    service: ClassVar[str] = "kerneltest"

    amount: int


class TallyClosed(EventPayload):
    """Test event."""

    event_type: ClassVar[str] = "TallyClosed"
    service: ClassVar[str] = "kerneltest"


# -- domain ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenTally:
    site_id: str
    tally_id: str
    number: int = 0


@dataclass(frozen=True)
class AddToTally:
    tally_id: str
    amount: int


@dataclass(frozen=True)
class CloseTally:
    tally_id: str


@dataclass(frozen=True)
class OpenNumberedTally:
    site_id: str


@dataclass(frozen=True)
class Tally:
    tally_id: str = ""
    site_id: str = ""
    number: int = 0
    total: int = 0
    adders: tuple[str, ...] = ()
    closed: bool = False


def evolve(state: Tally, event: Event) -> Tally:
    match event.payload:
        case TallyOpened(tally_id=tally_id, number=number):
            return Tally(tally_id=tally_id, site_id=event.site_id, number=number)
        case TallyAdded(amount=amount):
            return replace(state, total=state.total + amount, adders=(*state.adders, event.actor))
        case TallyClosed():
            return replace(state, closed=True)
    return state


def decide(state: Tally, command: Any, ctx: DecisionContext) -> Sequence[EventPayload]:
    match command:
        case OpenTally():
            if state.tally_id:
                return []  # opening twice is a no-op
            return [TallyOpened(tally_id=command.tally_id, number=command.number)]
        case AddToTally(amount=amount):
            if state.closed:
                raise DomainError("T-1", "a closed tally takes no more")
            return [TallyAdded(amount=amount)]
        case CloseTally():
            return [] if state.closed else [TallyClosed()]
    raise TypeError(command)


def reactions(state: Tally, events: Sequence[Event]) -> Sequence[Reaction]:
    opened = [e for e in events if isinstance(e.payload, TallyOpened)]
    return [
        Schedule(
            timer_id=f"tally-close-{state.tally_id}",
            kind="tally_close",
            due_at=e.occurred_at + timedelta(hours=1),
        )
        for e in opened
    ]


def stream_of(command: OpenTally | AddToTally | CloseTally) -> str:
    return f"tally-{command.tally_id}"


TALLY: Aggregate[Tally, Any] = Aggregate(
    stream_type="Tally",
    stream_prefix="tally-",
    initial=Tally(),
    evolve=evolve,
    stream_id=stream_of,
    commands={
        OpenTally: (roles("clerk"), decide),
        AddToTally: (roles("clerk", "adder"), decide),
        CloseTally: (SYSTEM_ONLY, decide),
    },
    creates=frozenset({OpenTally}),
    reactions=reactions,
    timers={"tally_close": lambda timer: CloseTally(timer.stream_id.removeprefix("tally-"))},
)


async def open_numbered(uow: UnitOfWork, command: OpenNumberedTally) -> CommandResult[Any]:
    number = await uow.next_number(f"tally-numbers-{command.site_id}", "tally")
    tally_id = f"{command.site_id}-{number:04d}"
    return await uow.execute(OpenTally(command.site_id, tally_id, number))


OPEN_NUMBERED = Workflow(
    command=OpenNumberedTally,
    roles=roles("clerk"),
    site_of=lambda c: c.site_id,
    run=open_numbered,
    attempts=20,
    numbers=("tally-numbers-",),
)


def tally_rows(state: Tally) -> Iterable[dict[str, Any]]:
    yield {"tally_id": state.tally_id, "site_id": state.site_id, "total": state.total}


def adder_rows(state: Tally) -> Iterable[dict[str, Any]]:
    for i, adder in enumerate(state.adders):
        yield {"tally_id": state.tally_id, "seq": i, "adder": adder}


def board_model(revision: int = 1) -> ReadModel[Tally]:
    return ReadModel(
        name="tallies",
        aggregate=TALLY,
        columns=[
            sa.Column("tally_id", sa.String(64), primary_key=True),
            sa.Column("site_id", sa.String(64), nullable=False),
            sa.Column("total", sa.Integer(), nullable=False),
        ],
        rows=tally_rows,
        indexes=[("site_id",)],
        revision=revision,
    )


BOARD = board_model()
ADDERS: ReadModel[Tally] = ReadModel(
    name="tally_adders",
    aggregate=TALLY,
    columns=[
        sa.Column("tally_id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("adder", sa.String(64), nullable=False),
    ],
    rows=adder_rows,
)


# -- views and routes -------------------------------------------------------------------


async def board(conn: AsyncConnection, site_id: str) -> list[dict[str, Any]]:
    table = BOARD.table
    query = sa.select(table.c.tally_id, table.c.total).where(table.c.site_id == site_id)
    return [dict(r) for r in (await conn.execute(query.order_by(table.c.tally_id))).mappings()]


class TallyView(BaseModel):
    tally_id: str
    total: int
    closed: bool


class OpenNumberedTallyBody(BaseModel):
    site_id: str


class AddBody(BaseModel):
    amount: int


router = APIRouter()
ClerkReads = Annotated[Reader, Reads(roles=roles("clerk"))]


@router.post("/tallies", status_code=201)
async def open_tally(command: OpenNumberedTallyBody, commands: Commands) -> TallyView:
    result = await commands.run(OpenNumberedTally(command.site_id))
    return TallyView(tally_id=result.state.tally_id, total=0, closed=False)


@router.post("/tallies/{tally_id}/open", status_code=201)
async def open_named(tally_id: str, body: OpenNumberedTallyBody, commands: Commands) -> TallyView:
    state = (await commands.run(OpenTally(body.site_id, tally_id))).state
    return TallyView(tally_id=state.tally_id, total=state.total, closed=state.closed)


@router.post("/tallies/{tally_id}/add")
async def add(tally_id: str, body: AddBody, commands: Commands) -> TallyView:
    state = (await commands.run(AddToTally(tally_id, body.amount))).state
    return TallyView(tally_id=state.tally_id, total=state.total, closed=state.closed)


@router.get("/tallies")
async def list_tallies(site_id: str, reads: ClerkReads) -> list[dict[str, Any]]:
    reads.authorize(site_id)
    return await reads(board, site_id)


@router.get("/tallies/{tally_id}")
async def get_tally(tally_id: str, reads: ClerkReads) -> TallyView:
    state = (await reads.load(TALLY, f"tally-{tally_id}")).state
    return TallyView(tally_id=state.tally_id, total=state.total, closed=state.closed)


@router.get("/tallies/{tally_id}/history")
async def tally_history(tally_id: str, reads: ClerkReads) -> list[str]:
    return [e.event_type for e in await reads.stream(TALLY, f"tally-{tally_id}")]


def definition(read_models: Sequence[ReadModel[Any]] = (BOARD, ADDERS)) -> ServiceDefinition:
    return ServiceDefinition(
        # Borrows a known service name for its topic; these tests publish nothing.
        name="permits",
        title="toy",
        default_port=0,
        aggregates=lambda: [TALLY],
        workflows=lambda: [OPEN_NUMBERED],
        read_models=lambda: read_models,
        routers=lambda: [router],
        private_events=(TallyOpened, TallyAdded, TallyClosed),
    )


def due(timer_id: str, stream_id: str, at: datetime) -> DueTimer:
    return DueTimer(timer_id, "tally_close", stream_id, "site-a", at, {})
