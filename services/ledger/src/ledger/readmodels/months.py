"""The ledger's months of a site: open or closed, entries, people, net (a board)."""

from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel, column

from ledger.domain.month import MONTH, MonthState


def _people(state: MonthState) -> int:
    return len(state.people())


LEDGER_MONTHS: ReadModel[MonthState] = ReadModel(
    name="ledger_months",
    aggregate=MONTH,
    columns=[
        column(
            "stream_id",
            sa.String(200),
            lambda s: f"ledger-{s.site_id}-{s.month}",
            primary_key=True,
            shown=False,
        ),
        column("site_id", sa.String(64)),
        column("month", sa.String(7)),
        column("closed", sa.Boolean),
        column("entries", sa.Integer),
        column("people", sa.Integer, _people),
        column("net_fen", sa.BigInteger),
    ],
    indexes=[("site_id", "month")],
)

MONTH_READ_MODELS: list[ReadModel[Any]] = [LEDGER_MONTHS]
