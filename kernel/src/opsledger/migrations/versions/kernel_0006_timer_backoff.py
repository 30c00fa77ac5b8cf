"""Timers back off and park: attempts, next attempt, parked (when, why), last error class.

A failing handler is retried later and later (exponential, capped) and parked after a
number of attempts; a timer of a kind no handler knows is parked at once. A parked timer
is not selected again until on-call acts (`opsledger timers retry|drop`), so neither can
starve the timers due after them.

Revision ID: kernel_0006
Revises: kernel_0004_append_probe
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "kernel_0006"
down_revision: str | None = "kernel_0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("timers") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", _ts, nullable=True))
        batch.add_column(sa.Column("parked_at", _ts, nullable=True))
        batch.add_column(sa.Column("parked_reason", sa.String(40), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("timers") as batch:
        for column in ("last_error", "parked_reason", "parked_at", "next_attempt_at", "attempts"):
            batch.drop_column(column)
