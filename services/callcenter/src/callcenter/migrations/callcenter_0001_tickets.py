"""callcenter: tickets, customers (no personal data) and calls projections.

Revision ID: callcenter_0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "callcenter_0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = ("callcenter",)
depends_on: Sequence[str] | None = ("kernel_0001",)


def upgrade() -> None:
    op.create_table(
        "cc_tickets",
        sa.Column("ticket_id", sa.String(64), primary_key=True),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("complaint_level", sa.Integer, nullable=True),
        sa.Column("customer_id", sa.String(64), nullable=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_response_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded", sa.Boolean, nullable=False),
        sa.Column("sla_paused", sa.Boolean, nullable=False),
        sa.Column("sla_breached", sa.Boolean, nullable=False),
        sa.Column("escalated_to", sa.String(32), nullable=True),
        sa.Column("work_order_open", sa.Boolean, nullable=False),
        sa.Column("work_order_id", sa.String(64), nullable=True),
        sa.Column("work_order_status", sa.String(32), nullable=True),
        sa.Column("work_order_overdue", sa.Boolean, nullable=False),
        sa.Column("repeat_repair", sa.Boolean, nullable=False),
        sa.Column("resolved", sa.Boolean, nullable=False),
        sa.Column("ever_resolved", sa.Boolean, nullable=False),
        sa.Column("callback_reached", sa.Boolean, nullable=False),
        sa.Column("callback_attempts", sa.Integer, nullable=False),
        sa.Column("satisfaction", sa.Integer, nullable=True),
        sa.Column("customer_record_missing", sa.Boolean, nullable=False),
        sa.Column("closed_outcome", sa.String(32), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_cc_tickets_site_id", "cc_tickets", ["site_id"])
    op.create_table(
        "cc_customers",
        sa.Column("customer_id", sa.String(64), primary_key=True),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("full_reads", sa.Integer, nullable=False),
    )
    op.create_index("ix_cc_customers_site_id", "cc_customers", ["site_id"])
    op.create_table(
        "cc_calls",
        sa.Column("site_id", sa.String(64), primary_key=True),
        sa.Column("call_id", sa.String(64), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cc_calls")
    op.drop_index("ix_cc_customers_site_id", table_name="cc_customers")
    op.drop_table("cc_customers")
    op.drop_index("ix_cc_tickets_site_id", table_name="cc_tickets")
    op.drop_table("cc_tickets")
