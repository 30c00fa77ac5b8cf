"""PostgreSQL: appends without a table lock; readers stop below in-flight positions.

Replaces kernel_0002's `opsledger_append` (same signature) and adds
`opsledger_safe_head()`. Why: see the module docstring of opsledger.eventstore.

Protocol (advisory locks, two-int4-key form, which nothing else in OpsLedger uses):
- (-1, hashtext(stream_id)), transaction-scoped: appends to one stream queue until
  commit, so the expected-version and idempotency checks cannot race.
- (-2, 0) "ALLOC", session-scoped and held for microseconds inside one call: an appender
  holds it exclusively while it draws positions from the sequence and announces the
  first one; a reader holds it shared while it reads the sequence and the announcements.
- (position >> 32, position & 0xffffffff), transaction-scoped: "position P is in
  flight". PostgreSQL releases it only after the transaction became visible (or aborted).
The safe head is min(last drawn position, first announced position - 1): every position
at or below it is committed or rolled back, so a reader that reads up to it (with a
snapshot taken afterwards, i.e. READ COMMITTED) never skips an event that commits late.

Revision ID: kernel_0003_inflight
Revises: kernel_0002_append
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "kernel_0003_inflight"
down_revision: str | None = "kernel_0002_append"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

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
    v_positions bigint[];
BEGIN
    BEGIN
        PERFORM pg_advisory_xact_lock(-1, hashtext(p_stream_id));
    EXCEPTION WHEN deadlock_detected THEN
        -- Two transactions appending to the same streams in opposite orders.
        SELECT coalesce(max(e.version), 0) INTO v_current
            FROM events e WHERE e.stream_id = p_stream_id;
        RETURN QUERY SELECT 'conflict'::text, NULL::bigint, v_current;
        RETURN;
    END;
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
    -- Draw positions and announce the first as in flight, atomically for readers.
    PERFORM pg_advisory_lock(-2, 0);
    BEGIN
        SELECT array_agg(nextval('events_position_seq'::regclass) ORDER BY g) INTO v_positions
            FROM generate_series(1, cardinality(p_event_ids)) AS g;
        PERFORM pg_advisory_xact_lock(
            (v_positions[1] >> 32)::integer,
            ((v_positions[1] & 4294967295) - CASE WHEN (v_positions[1] & 2147483648) <> 0
                                                  THEN 4294967296 ELSE 0 END)::integer
        );
    EXCEPTION WHEN OTHERS THEN
        PERFORM pg_advisory_unlock(-2, 0);  -- never leave the session lock behind
        RAISE;
    END;
    PERFORM pg_advisory_unlock(-2, 0);
    RETURN QUERY
    INSERT INTO events AS e (
        position, event_id, stream_id, stream_type, version, event_type, schema_version,
        site_id, actor, correlation_id, causation_id, occurred_at, recorded_at, payload
    )
    SELECT v_positions[u.n], u.id, p_stream_id, p_stream_type, v_current + u.n::integer,
           u.et, u.sv, u.site, u.actor, u.corr, u.caus, u.occ, p_recorded_at, u.body::jsonb
    FROM unnest(
        p_event_ids, p_event_types, p_schema_versions, p_site_ids, p_actors,
        p_correlation_ids, p_causation_ids, p_occurred_at, p_payloads
    ) WITH ORDINALITY AS u(id, et, sv, site, actor, corr, caus, occ, body, n)
    ORDER BY u.n
    RETURNING 'appended'::text, e.position, e.version;
END
$fn$
"""

SAFE_HEAD_FUNCTION = """
CREATE OR REPLACE FUNCTION opsledger_safe_head() RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
    v_last bigint;
    v_called boolean;
    v_inflight bigint;
BEGIN
    -- The caller's next statement must see a snapshot taken after this call.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'opsledger_safe_head() needs READ COMMITTED, not %',
            current_setting('transaction_isolation');
    END IF;
    PERFORM pg_advisory_lock_shared(-2, 0);
    BEGIN
        SELECT s.last_value, s.is_called INTO v_last, v_called FROM events_position_seq s;
        SELECT min(l.classid::bigint * 4294967296 + l.objid::bigint) INTO v_inflight
            FROM pg_locks l
            WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.classid < 2147483648
              AND l.database = (SELECT d.oid FROM pg_database d
                                WHERE d.datname = current_database());
    EXCEPTION WHEN OTHERS THEN
        PERFORM pg_advisory_unlock_shared(-2, 0);
        RAISE;
    END;
    PERFORM pg_advisory_unlock_shared(-2, 0);
    IF NOT v_called THEN
        v_last := 0;
    END IF;
    RETURN least(v_last, coalesce(v_inflight - 1, v_last));
END
$fn$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_FUNCTION)
        op.execute(SAFE_HEAD_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS opsledger_safe_head()")
        # Back to kernel_0002's locking append (same signature).
        import importlib.util
        from pathlib import Path

        path = Path(__file__).with_name("kernel_0002_append_function.py")
        spec = importlib.util.spec_from_file_location("kernel_0002_append_function", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        op.execute(module.APPEND_FUNCTION)
