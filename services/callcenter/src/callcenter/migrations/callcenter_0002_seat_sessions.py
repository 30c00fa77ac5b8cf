"""callcenter: seat sessions projection (CC-11 seats online).

Revision ID: callcenter_0002
Revises: callcenter_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "callcenter_0002"
down_revision: str | None = "callcenter_0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cc_seat_sessions",
        sa.Column("site_id", sa.String(64), primary_key=True),
        sa.Column("staff_id", sa.String(64), primary_key=True),
        sa.Column("login_at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("seat_id", sa.String(64), nullable=False),
        sa.Column("logout_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("cc_seat_sessions")
