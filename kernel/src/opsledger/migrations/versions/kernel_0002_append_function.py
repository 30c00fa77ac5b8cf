"""PostgreSQL append function: one server round trip per append.

Takes the ordering lock inside the call (held only for the server's work and the
commit), checks idempotency and the expected version, inserts from arrays and returns
the positions. SQLite needs none of this (see opsledger.eventstore).

Revision ID: kernel_0002_append
Revises: kernel_0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "kernel_0002_append"
down_revision: str | None = "kernel_0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# status: 'appended' (one row per event), 'stored' (all ids stored already: a retry),
# 'duplicate' (some ids stored: pos = how many), 'conflict' (ver = current version).
APPEND_FUNCTION = """
CREATE OR REPLACE FUNCTION opsledger_append(
    p_stream_id text,
    p_stream_type text,
    p_expected integer,
    p_event_ids uuid[],
    p_event_types text[],
    p_schema_versions integer[],
    p_site_ids text[],
    p_actors text[],
    p_correlation_ids text[],
    p_causation_ids text[],
    p_occurred_at timestamptz[],
    p_recorded_at timestamptz,
    p_payloads text[]
) RETURNS TABLE (status text, pos bigint, ver integer)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_current integer;
    v_stored integer;
BEGIN
    -- Positions must commit in order: the lock queues appenders until commit.
    LOCK TABLE events IN EXCLUSIVE MODE;
    SELECT count(*) INTO v_stored FROM events e WHERE e.event_id = ANY(p_event_ids);
    SELECT coalesce(max(e.version), 0) INTO v_current
        FROM events e WHERE e.stream_id = p_stream_id;
    IF v_stored = cardinality(p_event_ids) THEN
        RETURN QUERY SELECT 'stored'::text, v_stored::bigint, v_current;
        RETURN;
    ELSIF v_stored > 0 THEN
        RETURN QUERY SELECT 'duplicate'::text, v_stored::bigint, v_current;
        RETURN;
    ELSIF p_expected IS NOT NULL AND p_expected <> v_current THEN
        RETURN QUERY SELECT 'conflict'::text, NULL::bigint, v_current;
        RETURN;
    END IF;
    RETURN QUERY
    INSERT INTO events AS e (
        event_id, stream_id, stream_type, version, event_type, schema_version, site_id,
        actor, correlation_id, causation_id, occurred_at, recorded_at, payload
    )
    SELECT u.id, p_stream_id, p_stream_type, v_current + u.n::integer, u.et, u.sv, u.site,
           u.actor, u.corr, u.caus, u.occ, p_recorded_at, u.body::jsonb
    FROM unnest(
        p_event_ids, p_event_types, p_schema_versions, p_site_ids, p_actors,
        p_correlation_ids, p_causation_ids, p_occurred_at, p_payloads
    ) WITH ORDINALITY AS u(id, et, sv, site, actor, corr, caus, occ, body, n)
    ORDER BY u.n
    RETURNING 'appended'::text, e.position, e.version;
END
$fn$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP FUNCTION IF EXISTS opsledger_append(text, text, integer, uuid[], text[],"
            " integer[], text[], text[], text[], text[], timestamptz[], timestamptz, text[])"
        )
