"""PostgreSQL: the allocation lock (-2, 0) never outlives a cancelled call.

Replaces kernel_0004's `opsledger_append` and kernel_0003's `opsledger_safe_head` (same
signatures, same answers) and adds `opsledger_alloc_release()`.

Both hold the session-scoped allocation lock for microseconds, and released it in a
`WHEN OTHERS` handler on error. PL/pgSQL's OTHERS does not match `query_canceled`, so a
statement timeout or a `pg_cancel_backend` landing inside that section left the lock on
the session; the connection went back to its pool, and every append (exclusive) and
every reader (shared) on any other connection queued behind it until the pool closed.
Now the lock is taken and released inside the guarded block, the handler names
`query_canceled` too, and it releases only what this session still holds (a cancel may
land while waiting for the lock, or right after releasing it). The client side does its
part as well: `opsledger.db.create_engine` never pools a connection whose statement was
cancelled.

Why not a transaction-scoped lock: it would be held until COMMIT, across the client's
round trip and the WAL flush, serialising every append again (see opsledger.eventstore).

Revision ID: kernel_0005
Revises: kernel_0004_append_probe
Create Date: 2026-12-07
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "kernel_0005"
down_revision: str | None = "kernel_0004_append_probe"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# The allocation lock as pg_locks shows this session's two-int4 key (classid is an oid).
RELEASE_FUNCTION = """
CREATE OR REPLACE FUNCTION opsledger_alloc_release() RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    v_mode text;
BEGIN
    SELECT l.mode INTO v_mode FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.granted
          AND l.classid = 4294967294 AND l.objid = 0 AND l.objsubid = 2
          AND l.database = (SELECT d.oid FROM pg_database d
                            WHERE d.datname = current_database());
    IF v_mode = 'ExclusiveLock' THEN
        PERFORM pg_advisory_unlock(-2, 0);
    ELSIF v_mode = 'ShareLock' THEN
        PERFORM pg_advisory_unlock_shared(-2, 0);
    END IF;
END
$fn$
"""

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
    SELECT coalesce(max(e.version), 0) INTO v_current
        FROM events e WHERE e.stream_id = p_stream_id;
    IF p_expected IS NULL OR p_expected <> v_current THEN
        SELECT count(*) INTO v_stored FROM events e WHERE e.event_id = ANY(p_event_ids);
        IF v_stored = cardinality(p_event_ids) THEN
            RETURN QUERY SELECT 'stored'::text, v_stored::bigint, v_current;
            RETURN;
        ELSIF v_stored > 0 THEN
            RETURN QUERY SELECT 'duplicate'::text, v_stored::bigint, v_current;
            RETURN;
        ELSIF p_expected IS NOT NULL THEN
            RETURN QUERY SELECT 'conflict'::text, NULL::bigint, v_current;
            RETURN;
        END IF;
    END IF;
    -- Draw positions and announce the first as in flight, atomically for readers.
    -- Taking and releasing the session lock both sit inside the block: a cancel can land
    -- between any two statements, and OTHERS does not match query_canceled.
    BEGIN
        PERFORM pg_advisory_lock(-2, 0);
        SELECT array_agg(nextval('events_position_seq'::regclass) ORDER BY g) INTO v_positions
            FROM generate_series(1, cardinality(p_event_ids)) AS g;
        PERFORM pg_advisory_xact_lock(
            (v_positions[1] >> 32)::integer,
            ((v_positions[1] & 4294967295) - CASE WHEN (v_positions[1] & 2147483648) <> 0
                                                  THEN 4294967296 ELSE 0 END)::integer
        );
        PERFORM pg_advisory_unlock(-2, 0);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM opsledger_alloc_release();  -- never leave the session lock behind
        RAISE;
    END;
    BEGIN
        -- No RETURN QUERY in here: rows it had returned would outlive a rollback.
        INSERT INTO events (
            position, event_id, stream_id, stream_type, version, event_type,
            schema_version, site_id, actor, correlation_id, causation_id, occurred_at,
            recorded_at, payload
        )
        SELECT v_positions[u.n], u.id, p_stream_id, p_stream_type, v_current + u.n::integer,
               u.et, u.sv, u.site, u.actor, u.corr, u.caus, u.occ, p_recorded_at, u.body::jsonb
        FROM unnest(
            p_event_ids, p_event_types, p_schema_versions, p_site_ids, p_actors,
            p_correlation_ids, p_causation_ids, p_occurred_at, p_payloads
        ) WITH ORDINALITY AS u(id, et, sv, site, actor, corr, caus, occ, body, n)
        ORDER BY u.n;
    EXCEPTION WHEN unique_violation THEN
        -- An event id stored in another stream: answer as the probe would have.
        SELECT count(*) INTO v_stored FROM events e WHERE e.event_id = ANY(p_event_ids);
        IF v_stored = cardinality(p_event_ids) THEN
            RETURN QUERY SELECT 'stored'::text, v_stored::bigint, v_current;
        ELSIF v_stored > 0 THEN
            RETURN QUERY SELECT 'duplicate'::text, v_stored::bigint, v_current;
        ELSE
            RAISE;  -- not an event id: nothing we expect, so let it be seen
        END IF;
        RETURN;
    END;
    RETURN QUERY SELECT 'appended'::text, v_positions[g], v_current + g
        FROM generate_series(1, cardinality(p_event_ids)) AS g ORDER BY g;
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
    BEGIN
        PERFORM pg_advisory_lock_shared(-2, 0);
        SELECT s.last_value, s.is_called INTO v_last, v_called FROM events_position_seq s;
        SELECT min(l.classid::bigint * 4294967296 + l.objid::bigint) INTO v_inflight
            FROM pg_locks l
            WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.classid < 2147483648
              AND l.database = (SELECT d.oid FROM pg_database d
                                WHERE d.datname = current_database());
        PERFORM pg_advisory_unlock_shared(-2, 0);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM opsledger_alloc_release();
        RAISE;
    END;
    IF NOT v_called THEN
        v_last := 0;
    END IF;
    RETURN least(v_last, coalesce(v_inflight - 1, v_last));
END
$fn$
"""


def _load(name: str) -> ModuleType:
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(RELEASE_FUNCTION)
        op.execute(APPEND_FUNCTION)
        op.execute(SAFE_HEAD_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_load("kernel_0004_append_probe_on_demand").APPEND_FUNCTION)
        op.execute(_load("kernel_0003_inflight_positions").SAFE_HEAD_FUNCTION)
        op.execute("DROP FUNCTION IF EXISTS opsledger_alloc_release()")
