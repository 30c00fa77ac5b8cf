"""Personnel read models: the officer's board of people and who holds which carrier.

Ids and dates only: no vetting, file note or carrier title is ever a column.
"""

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel, column

from secrets_registry.domain.personnel import PERSON, PersonState


def _level(state: PersonState) -> str | None:
    return None if state.level is None else state.level.value


def _carriers(state: PersonState) -> int:
    return len(state.held_carriers)


PEOPLE: ReadModel[PersonState] = ReadModel(
    name="registry_people",
    aggregate=PERSON,
    columns=[
        column("person_id", sa.String(120), primary_key=True),
        column("site_id", sa.String(64)),
        column("department", sa.String(100)),
        column("post", sa.String(200)),
        column("level", sa.String(16), _level, nullable=True),
        column("key_department", sa.Boolean),
        column("in_post", sa.Boolean),
        column("entered_on", sa.Date, nullable=True),
        column("pledged_until", sa.Date, nullable=True),
        column("left_on", sa.Date, nullable=True),
        column("period_ends_on", sa.Date, nullable=True),
        column("unauthorised", sa.String(16)),
        column("carriers_held", sa.Integer, _carriers),
    ],
    indexes=[("site_id", "period_ends_on")],
)


def _holding_rows(state: PersonState) -> Iterator[dict[str, Any]]:
    for carrier_id in sorted(state.held_carriers):
        yield {"person_id": state.person_id, "carrier_id": carrier_id, "site_id": state.site_id}


HOLDINGS: ReadModel[PersonState] = ReadModel(
    name="registry_holdings",
    aggregate=PERSON,
    columns=[
        sa.Column("person_id", sa.String(120), primary_key=True),
        sa.Column("carrier_id", sa.String(120), primary_key=True),
        sa.Column("site_id", sa.String(64), nullable=False),
    ],
    rows=_holding_rows,
    indexes=[("site_id", "person_id")],
)

READ_MODELS = [PEOPLE, HOLDINGS]
