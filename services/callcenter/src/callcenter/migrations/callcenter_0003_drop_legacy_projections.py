"""callcenter: drop the hand-written projection tables (read models are kernel-owned now).

The kernel builds `cc_tickets_<hash>`, `cc_customers_<hash>`, `cc_calls_<hash>` and
`cc_seat_sessions_<hash>` from the events at start-up; the legacy tables and their
projection checkpoints are no longer read.

Revision ID: callcenter_0003
Revises: callcenter_0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "callcenter_0003"
down_revision: str | None = "callcenter_0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

LEGACY = ("cc_tickets", "cc_customers", "cc_calls", "cc_seat_sessions")


def upgrade() -> None:
    for table in LEGACY:
        op.execute(sa.text(f'DROP TABLE IF EXISTS "{table}"'))
    checkpoints = sa.table("checkpoints", sa.column("name", sa.String))
    op.execute(checkpoints.delete().where(checkpoints.c.name.in_(LEGACY)))


def downgrade() -> None:
    raise NotImplementedError("the legacy projections are gone; restore from a backup")
