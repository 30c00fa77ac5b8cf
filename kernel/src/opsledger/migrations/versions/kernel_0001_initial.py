"""Kernel tables: events, checkpoints, inbox, timers.

Revision ID: kernel_0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "kernel_0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = ("kernel",)
depends_on: Sequence[str] | None = None

_json = sa.JSON().with_variant(JSONB(), "postgresql")
_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            primary_key=True,
        ),
        sa.Column("event_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("stream_type", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("correlation_id", sa.String(200), nullable=False),
        sa.Column("causation_id", sa.String(200), nullable=True),
        sa.Column("occurred_at", _ts, nullable=False),
        sa.Column("recorded_at", _ts, nullable=False),
        sa.Column("payload", _json, nullable=False),
        sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
    )
    op.create_index("ix_events_event_type", "events", ["event_type"])
    op.create_index("ix_events_site_id", "events", ["site_id"])
    op.create_table(
        "checkpoints",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.Uuid(), primary_key=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("topic", sa.String(255), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("handled_at", _ts, nullable=False),
    )
    op.create_table(
        "timers",
        sa.Column("timer_id", sa.String(250), primary_key=True),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("due_at", _ts, nullable=False),
        sa.Column("payload", _json, nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("fired_at", _ts, nullable=True),
        sa.Column("cancelled_at", _ts, nullable=True),
    )
    op.create_index("ix_timers_pending", "timers", ["fired_at", "cancelled_at", "due_at"])


def downgrade() -> None:
    for table in ("timers", "inbox", "checkpoints", "events"):
        op.drop_table(table)
