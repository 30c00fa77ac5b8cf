"""dispatch: diagnostic_pings projection.

Revision ID: dispatch_0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "dispatch_0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = ("dispatch",)
depends_on: Sequence[str] | None = ("kernel_0001",)


def upgrade() -> None:
    op.create_table(
        "diagnostic_pings",
        sa.Column("ping_id", sa.String(64), primary_key=True),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("sent_event_id", sa.String(64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("correlation_id", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("diagnostic_pings")
