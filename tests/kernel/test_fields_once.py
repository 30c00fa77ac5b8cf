"""A field is written once: a read-model column fills itself and the answer; a command's
fields are its HTTP body (issue 16, item 2)."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from opsledger.bodies import CommandBody
from opsledger.db import create_engine
from opsledger.decider import Aggregate, Event
from opsledger.http import install_error_handlers, rule
from opsledger.metrics import Metrics
from opsledger.readmodels import ReadModel, Row, column, response_model, write_table
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


@dataclass(frozen=True)
class Seat:
    holder: str


@dataclass(frozen=True)
class Bus:
    bus_id: str = ""
    plate: str = ""
    km: Decimal = Decimal(0)
    seats: tuple[str, ...] = ()
    driver: Seat | None = None
    seen_at: datetime | None = None


def _evolve(state: Bus, event: Event) -> Bus:
    raise NotImplementedError  # these tests hand the states in


BUS: Aggregate[Bus, Any] = Aggregate(
    stream_type="Bus",
    stream_prefix="bus",
    initial=Bus(),
    evolve=_evolve,
    stream_id=str,
    commands={},
)


def _seats(state: Bus) -> int:
    return len(state.seats)


def _columns() -> list[sa.Column[Any]]:
    return [
        column("bus_id", sa.String(20), primary_key=True),
        column("plate", sa.String(20)),
        column("odometer_km", sa.Numeric(10, 1), "km"),
        column("seats", sa.Integer, _seats),
        column("driver", sa.String(20), "driver.holder", nullable=True),
        column("seen_at", sa.DateTime(timezone=True), nullable=True),
    ]


BUSES: ReadModel[Bus] = ReadModel(name="buses", aggregate=BUS, columns=_columns())
SEEN = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
STATES = {
    "bus-1": Bus("b1", "A-1", Decimal("12.5"), ("x", "y"), Seat("drv-1"), SEEN),
    "bus-2": Bus("b2", "A-2", Decimal("3.0")),
}


def test_rows_are_derived_from_the_columns_attrs() -> None:
    assert BUSES.derives_rows
    assert BUSES.rows_of("bus-1", STATES["bus-1"]) == [
        {
            "bus_id": "b1",
            "plate": "A-1",
            "odometer_km": Decimal("12.5"),
            "seats": 2,
            "driver": "drv-1",
            "seen_at": SEEN,
            "source_stream": "bus-1",
        }
    ]
    # A dotted path through None is None (the column is nullable).
    assert BUSES.rows_of("bus-2", STATES["bus-2"])[0]["driver"] is None


def test_rows_given_still_win_for_many_rows_per_stream() -> None:
    def per_seat(state: Bus) -> list[dict[str, Any]]:
        return [{"seat": f"{state.bus_id}/{s}", "bus_id": state.bus_id} for s in state.seats]

    seats: ReadModel[Bus] = ReadModel(
        name="bus_seats",
        aggregate=BUS,
        columns=[
            sa.Column("seat", sa.String(40), primary_key=True),
            sa.Column("bus_id", sa.String(20)),
        ],
        rows=per_seat,
    )
    assert not seats.derives_rows
    assert [r["seat"] for r in seats.rows_of("bus-1", STATES["bus-1"])] == ["b1/x", "b1/y"]


def test_a_column_without_a_source_and_no_rows_is_refused() -> None:
    with pytest.raises(ValueError, match="column plate does not say where its value comes from"):
        ReadModel(
            name="buses_bad",
            aggregate=BUS,
            columns=[
                column("bus_id", sa.String(20), primary_key=True),
                sa.Column("plate", sa.String(20)),
            ],
        )


def test_a_changed_source_is_a_new_table() -> None:
    """The fingerprint covers each column's source, as it covers `rows` when given."""

    def other(kind: Callable[[Bus], Any]) -> ReadModel[Bus]:
        cols = _columns()
        cols[3] = column("seats", sa.Integer, kind)
        return ReadModel(name="buses", aggregate=BUS, columns=cols)

    def seats_plus_one(state: Bus) -> int:
        return len(state.seats) + 1

    same = ReadModel(name="buses", aggregate=BUS, columns=_columns())
    assert same.fingerprint() == BUSES.fingerprint()
    assert other(seats_plus_one).fingerprint() != BUSES.fingerprint()
    moved = _columns()
    moved[1] = column("plate", sa.String(20), "bus_id")
    assert (
        ReadModel(name="buses", aggregate=BUS, columns=moved).fingerprint() != BUSES.fingerprint()
    )


def test_the_row_model_is_typed_from_the_columns() -> None:
    fields = BUSES.row_model.model_fields
    assert list(fields) == ["bus_id", "plate", "odometer_km", "seats", "driver", "seen_at"]
    assert fields["odometer_km"].annotation is Decimal
    assert fields["driver"].is_required()  # nullable, yet always in the answer
    hidden: ReadModel[Bus] = ReadModel(
        name="buses_hidden",
        aggregate=BUS,
        columns=[
            *_columns()[:5],
            column("seen_at", sa.DateTime(timezone=True), shown=False, nullable=True),
        ],
    )
    assert "seen_at" not in hidden.row_model.model_fields


# -- a column added appears in the HTTP answer, the view untouched -----------------------


async def _board(conn: AsyncConnection, model: ReadModel[Bus]) -> list[Row]:
    """The view, written once (as a service's views are)."""
    t = model.table
    result = await conn.execute(sa.select(t).order_by(t.c.bus_id))
    return [model.row_model.model_validate(dict(r._mapping)) for r in result]


def _app(engine: AsyncEngine, model: ReadModel[Bus]) -> FastAPI:
    app = FastAPI()

    @app.get("/buses", response_model=response_model(model, many=True))
    async def board() -> list[Row]:
        async with engine.connect() as conn:
            return await _board(conn, model)

    return app


@pytest.fixture
async def bus_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(database_url)
    try:
        yield eng
    finally:
        await eng.dispose()


async def _answer(engine: AsyncEngine, model: ReadModel[Bus]) -> Any:
    async with engine.begin() as conn:
        await write_table(conn, model, STATES)
    transport = httpx.ASGITransport(app=_app(engine, model))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get("/buses")
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_column_added_is_in_the_http_answer(bus_engine: AsyncEngine) -> None:
    """The defect: a column added to a read model silently vanished from the API,
    the view's hand-written row model ignoring it. Now the column is the field."""
    before = await _answer(bus_engine, BUSES)
    assert before[0] == {
        "bus_id": "b1",
        "plate": "A-1",
        "odometer_km": "12.5",
        "seats": 2,
        "driver": "drv-1",
        "seen_at": "2026-12-07T08:30:00Z",
    }
    wider: ReadModel[Bus] = ReadModel(
        name="buses",
        aggregate=BUS,
        columns=[
            *_columns(),
            column(
                "first_seat",
                sa.String(20),
                lambda s: s.seats[0] if s.seats else None,
                nullable=True,
            ),
        ],
    )
    after = await _answer(bus_engine, wider)
    assert [row["first_seat"] for row in after] == ["x", None]
    assert {k: v for k, v in after[0].items() if k != "first_seat"} == before[0]


# -- a command's body is derived from the command ---------------------------------------

Plate = Annotated[str, Field(min_length=1, max_length=8, json_schema_extra=rule("BUS-1"))]


@dataclass(frozen=True)
class ParkBus:
    bus_id: str
    plate: Plate
    bay: str
    seats: int
    at: datetime
    overnight: bool = False
    note: str | None = None
    tags: tuple[str, ...] = field(default=())


# The service's vocabulary: one validated type per field name, for plain fields.
Bay = Annotated[str, Field(pattern=r"^[A-Z][0-9]{1,2}$", json_schema_extra=rule("BUS-2"))]


C = TypeVar("C")
P = TypeVar("P")


class BusBody(CommandBody[C, P]):
    types = {"bay": Bay}


parked: list[ParkBus] = []


def _body_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app, Metrics("kerneltest"))

    @app.post("/buses/{bus_id}/park")
    async def park(bus_id: str, body: BusBody[ParkBus, Literal["bus_id"]]) -> dict[str, str]:
        command = body.command(bus_id=bus_id)
        parked.append(command)
        return {"parked": command.bus_id}

    return app


async def _post(body: dict[str, Any]) -> httpx.Response:
    transport = httpx.ASGITransport(app=_body_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.post("/buses/b1/park", json=body)


GOOD = {"plate": " A-1 ", "bay": "C7", "seats": 40, "at": "2026-12-07T08:30:00+08:00"}


async def test_the_body_is_the_command_minus_its_path() -> None:
    parked.clear()
    answer = await _post(GOOD)
    assert answer.status_code == 200, answer.text
    assert parked == [
        ParkBus("b1", "A-1", "C7", 40, datetime.fromisoformat("2026-12-07T08:30:00+08:00"))
    ]
    schema = _body_app().openapi()["components"]["schemas"]["ParkBusBody"]
    assert set(schema["properties"]) == {"plate", "bay", "seats", "at", "overnight", "note", "tags"}
    assert set(schema["required"]) == {"plate", "bay", "seats", "at"}


@pytest.mark.parametrize(
    ("change", "field_name", "rule_id"),
    [
        ({"plate": "A-123456789"}, "plate", "BUS-1"),  # the command's own constraint
        ({"bay": "c7"}, "bay", "BUS-2"),  # the service's vocabulary
        ({"at": "2026-12-07T08:30:00"}, "at", "timezone_aware"),  # a naive time
        ({"at": 1765096200}, "at", "value_error"),  # a number is not a time
        ({"seats": "40"}, "seats", "int_type"),  # ints are strict
        ({"overnight": "yes"}, "overnight", "bool_type"),
        ({"bus_id": "b2"}, "bus_id", "extra_forbidden"),  # the path is not in the body
        ({"colour": "red"}, "colour", "extra_forbidden"),
    ],
)
async def test_bad_bodies_are_422s_naming_the_field(
    change: dict[str, Any], field_name: str, rule_id: str
) -> None:
    answer = await _post({**GOOD, **change})
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "VALIDATION"
    assert [(f["field"], f["rule"]) for f in error["fields"]] == [(field_name, rule_id)]


def test_a_path_field_the_command_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match=r"ParkBus has no field \['vehicle_id'\]"):
        BusBody[ParkBus, Literal["vehicle_id"]]
