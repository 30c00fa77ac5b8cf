"""dispatch: drop the legacy projection tables (read models are kernel-managed now).

The board, penalty ledger, requests and pings are read models derived from aggregate
state (`dispatch.readmodels`); the kernel builds their tables from the events at start-up.

Revision ID: dispatch_0003
Revises: dispatch_0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "dispatch_0003"
down_revision: str | None = "dispatch_0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_LEGACY = ("work_order_requests", "penalties", "work_orders", "diagnostic_pings")


def upgrade() -> None:
    for table in _LEGACY:
        op.drop_table(table)
    # Their projection checkpoints go with them (read models keep their own).
    checkpoints = sa.table("checkpoints", sa.column("name", sa.String))
    names = [f"projection:{table}" for table in _LEGACY]
    op.execute(checkpoints.delete().where(checkpoints.c.name.in_(names)))


def downgrade() -> None:
    raise NotImplementedError("the legacy projection tables are not restored; rebuild instead")
