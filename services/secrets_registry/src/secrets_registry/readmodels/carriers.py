"""The carrier register and its four registers as projections of the log (SR-11, SR-20).

Every row carries the carrier's level and scope, so each read filters by the reader's
clearance (views.carriers) before anything is counted or shown.
"""

from collections.abc import Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel, column

from secrets_registry.domain.carriers import CARRIER, CarrierState
from secrets_registry.domain.locations import KEY_LOCATION, LocationState

SCOPE = sa.String(1000)


def scope_text(scope: frozenset[str]) -> str:
    """Scopes as one column: `|a|b|` (read back by `scopes_of`)."""
    return "|" + "|".join(sorted(scope)) + "|"


def _level(state: CarrierState) -> str:
    return state.level.value


def _scope(state: CarrierState) -> str:
    return scope_text(state.scope)


def _holder(state: CarrierState) -> str | None:
    return " ".join(state.holder) or None


def _retention_ends(state: CarrierState) -> date | None:
    if state.registered_at is None:
        return None
    start = state.registered_at.date()
    if state.origin == "by_product":  # SR-11 rev.2: destroyed promptly, kept no longer
        return start
    try:
        return start.replace(year=start.year + state.retention_years)
    except ValueError:  # registered on 29 February: the period ends on 28 February
        return start.replace(year=start.year + state.retention_years, day=28)


CARRIERS: ReadModel[CarrierState] = ReadModel(
    name="registry_carriers",
    aggregate=CARRIER,
    columns=[
        column("carrier_id", sa.String(120), primary_key=True),
        column("site_id", sa.String(64)),
        column("title", sa.String(300)),
        column("kind", sa.String(32)),
        column("level", sa.String(16), _level),
        column("scope", SCOPE, _scope),
        column("retention_years", sa.Integer),
        column("copies", sa.Integer),
        column("serial", sa.String(64), nullable=True),
        column("originator", sa.String(200)),
        column("origin", sa.String(16)),
        column("storage", sa.String(16)),
        column("status", sa.String(16)),
        column("holder", sa.String(500), _holder, nullable=True),
        column("due_back", sa.Boolean),
        column("return_by", sa.Date, nullable=True),
        column("retention_ends_on", sa.Date, _retention_ends, nullable=True),
        column("inventoried_on", sa.Date, nullable=True),
        column("registered_at", sa.DateTime(timezone=True), nullable=True),
    ],
    indexes=[("site_id", "status")],
)


def _line_rows(state: CarrierState) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(state.lines, start=1):
        yield {
            "line_id": f"{state.carrier_id}/{number}",
            "carrier_id": state.carrier_id,
            "site_id": state.site_id,
            "level": state.level.value,
            "scope": scope_text(state.scope),
            "book": line.register,
            "entry": line.entry,
            "person": line.person,
            "detail": line.detail,
            "at": line.at,
            "recorded_by": line.by,
        }


REGISTER_LINES: ReadModel[CarrierState] = ReadModel(
    name="registry_carrier_registers",
    aggregate=CARRIER,
    columns=[
        sa.Column("line_id", sa.String(140), primary_key=True),
        sa.Column("carrier_id", sa.String(120), nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("scope", SCOPE, nullable=False),
        sa.Column("book", sa.String(16), nullable=False),  # which register
        sa.Column("entry", sa.String(32), nullable=False),
        sa.Column("person", sa.String(500), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    ],
    rows=_line_rows,
    indexes=[("site_id", "book", "at")],
)


def _joined(values: frozenset[str] | tuple[str, ...]) -> str:
    return " ".join(sorted(values))


KEY_LOCATIONS: ReadModel[LocationState] = ReadModel(
    name="registry_key_locations",
    aggregate=KEY_LOCATION,
    columns=[
        column("location_id", sa.String(120), primary_key=True),
        column("site_id", sa.String(64)),
        column("name", sa.String(200)),
        column("kind", sa.String(32)),
        column("entry_list", sa.String(4000), lambda s: _joined(s.entry_list)),
        column("inside", sa.String(1000), lambda s: _joined(s.inside)),
        column("breaches", sa.Integer),
    ],
    indexes=[("site_id",)],
)


def _passage_rows(state: LocationState) -> Iterator[dict[str, Any]]:
    for number, passage in enumerate(state.passages, start=1):
        yield {
            "passage_id": f"{state.location_id}/{number}",
            "location_id": state.location_id,
            "site_id": state.site_id,
            "person_id": passage.person_id,
            "entry": "alone" if passage.alone else "entered" if passage.entered else "left",
            "at": passage.at,
        }


PASSAGES: ReadModel[LocationState] = ReadModel(
    name="registry_key_location_passages",
    aggregate=KEY_LOCATION,
    columns=[
        sa.Column("passage_id", sa.String(140), primary_key=True),
        sa.Column("location_id", sa.String(120), nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("entry", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    ],
    rows=_passage_rows,
    indexes=[("location_id", "at")],
)

READ_MODELS: list[ReadModel[Any]] = [CARRIERS, REGISTER_LINES, KEY_LOCATIONS, PASSAGES]
