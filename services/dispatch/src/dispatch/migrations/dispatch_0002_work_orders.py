"""dispatch: work_orders, penalties and work_order_requests projections.

Revision ID: dispatch_0002
Revises: dispatch_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "dispatch_0002"
down_revision: str | None = "dispatch_0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "work_orders",
        sa.Column("work_order_id", sa.String(64), primary_key=True),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("serial_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("judged_unreasonable", sa.Boolean(), nullable=False),
        sa.Column("repeat_of", sa.String(64), nullable=True),
        sa.Column("issuer", sa.String(64), nullable=False),
        sa.Column("assignee", sa.String(64), nullable=False),
        sa.Column("assignee_role", sa.String(64), nullable=True),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("content", sa.String(2000), nullable=False),
        sa.Column("requirements", sa.String(1000), nullable=False),
        sa.Column("reply_by", _Timestamp, nullable=False),
        sa.Column("deadline", _Timestamp, nullable=False),
        sa.Column("ticket_id", sa.String(64), nullable=True),
        sa.Column("asset_id", sa.String(100), nullable=True),
        sa.Column("fault_code", sa.String(64), nullable=True),
        sa.Column("issued_at", _Timestamp, nullable=False),
        sa.Column("accepted_at", _Timestamp, nullable=True),
        sa.Column("last_progress_at", _Timestamp, nullable=True),
        sa.Column("completed_at", _Timestamp, nullable=True),
        sa.Column("archived_at", _Timestamp, nullable=True),
        sa.Column("penalties_fen", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", _Timestamp, nullable=False),
    )
    op.create_index("ix_work_orders_site_id", "work_orders", ["site_id"])
    op.create_index("ix_work_orders_site_status", "work_orders", ["site_id", "status"])

    op.create_table(
        "penalties",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("person", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("work_order_id", sa.String(64), nullable=False),
        sa.Column("occurred_at", _Timestamp, nullable=False),
    )
    op.create_index("ix_penalties_site_month", "penalties", ["site_id", "month"])

    op.create_table(
        "work_order_requests",
        sa.Column("ticket_id", sa.String(64), primary_key=True),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("content", sa.String(2000), nullable=False),
        sa.Column("requirements", sa.String(1000), nullable=False),
        sa.Column("reply_by", _Timestamp, nullable=False),
        sa.Column("asset_id", sa.String(100), nullable=True),
        sa.Column("fault_code", sa.String(64), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("work_order_id", sa.String(64), nullable=True),
        sa.Column("received_at", _Timestamp, nullable=False),
    )
    op.create_index("ix_work_order_requests_site_id", "work_order_requests", ["site_id"])


def downgrade() -> None:
    op.drop_table("work_order_requests")
    op.drop_table("penalties")
    op.drop_table("work_orders")
