"""The permit board: one row per permit, every column naming the state it shows."""

from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel, column

from permits.domain.permit import PERMIT, PermitState
from permits.domain.permit.board import next_step
from permits.domain.roles import MONEY_READERS

AT = sa.DateTime(timezone=True)


def _step(attr: str) -> Any:
    def get(state: PermitState) -> Any:
        step = next_step(state)
        return None if step is None else getattr(step, attr)

    get.__name__ = f"next_{attr}"
    return get


PERMITS: ReadModel[PermitState] = ReadModel(
    name="permits_board",
    aggregate=PERMIT,
    columns=[
        column("permit_id", sa.String(120), primary_key=True),
        column("site_id", sa.String(64)),
        column("unit_id", sa.String(64)),
        # RP-1: the applicant is an owner of the unit in the register.
        column("owner_id", sa.String(64), "applicant_id"),
        column("applicant_id", sa.String(64)),
        column("contractor", sa.String(200)),
        column("stage", sa.String(16)),
        column("active", sa.Boolean),
        column("works_started", sa.Boolean),
        column("structural_change", sa.Boolean),
        column("next_step", sa.String(200), _step("what"), nullable=True),
        column("owed_by", sa.String(32), _step("owed_by"), nullable=True),
        column("next_due_at", AT, _step("due_at"), nullable=True),
        column("next_due_on", sa.Date, _step("due_on"), nullable=True),
        column("applied_at", AT),
        column("handed_at", AT, nullable=True),
        column("review_due_at", AT, nullable=True),
        column("review_overdue", sa.Boolean),
        column("decided_at", AT, nullable=True),
        column("started_at", AT, nullable=True),
        column("finished_on", sa.Date, nullable=True),
        column("accepted_at", AT, nullable=True),
        column("rounds", sa.Integer),
        column("form_signed_at", AT, nullable=True),
        column("refund_fen", sa.BigInteger, read_by=MONEY_READERS),
        column("refund_to", sa.String(16), nullable=True, read_by=MONEY_READERS),
        column("refund_target_at", AT, nullable=True),
        column("refund_limit_at", AT, nullable=True),
        column("target_missed", sa.Boolean),
        column("limit_missed", sa.Boolean),
        column("refunded_at", AT, nullable=True),
    ],
    indexes=[("site_id", "stage"), ("site_id", "unit_id")],
)

PERMIT_READ_MODELS: list[ReadModel[Any]] = [PERMITS]
