"""The chain moves into the events row, sealed at commit: `events.prev_hash`, `events.hash`.

kernel_0008 kept the chain in `event_chain` and, on PostgreSQL, chained an append in its
transaction only when the position before it was chained; otherwise the sealer chained
it about a poll later from the row as it then stood, so an edit in that window was
chained as if the store had written it. Now every append writes its hashes in the same
INSERT, computed from the values it inserts (never read back):

- linked (`prev_hash` set): `hash = SHA-256(prev_hash || canonical bytes)`, exactly
  kernel_0008's chain hash (published heads stay valid), when the position right before
  the append's first one is linked (then everything below it is final);
- sealed (`prev_hash` NULL): `hash = SHA-256(canonical bytes)` when that position is in
  flight in another transaction or absent (a rolled-back append's gap). Waiting for it
  instead would queue every commit behind the one before it (see opsledger.eventstore).
  The sealer links these in position order once the readers' safe head passes them,
  after checking that each still gives its sealed hash (it stops at one that does not:
  `opsledger verify` names it `edited`).

So every committed event carries a hash fixed at its commit. Also cheaper: no second
table, no second index, no re-read of the rows just inserted, one statement.
`ix_events_unlinked` (partial: unlinked rows only) lets the sealer's idle pass look at
nothing. SQLite links every append in its transaction (one writer), in Python.

Revision ID: kernel_0009_chain_in_events
Revises: kernel_0008
Create Date: 2026-12-08
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "kernel_0009_chain_in_events"
down_revision: str | None = "kernel_0008"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_GENESIS = "decode(repeat('00', 32), 'hex')"
_UTC = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'"

# The canonical bytes (opsledger.chain) of a list of fields, NULL as `~,`.
NETSTRINGS_FUNCTION = """
CREATE OR REPLACE FUNCTION opsledger_netstrings(p_fields text[]) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE
    v text;
    v_out text := '';
BEGIN
    FOREACH v IN ARRAY p_fields LOOP
        IF v IS NULL THEN
            v_out := v_out || '~,';
        ELSE
            v_out := v_out || octet_length(v) || ':' || v || ',';
        END IF;
    END LOOP;
    RETURN convert_to(v_out, 'UTF8');
END
$fn$
"""

SEAL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION opsledger_chain_seal(p_upto bigint) RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
    v_from bigint;
    v_prev bytea;
    v_hash bytea;
    v_bytes bytea;
    v_count bigint := 0;
    r events;
BEGIN
    -- The caller took p_upto (the safe head) in an earlier statement: all below is final.
    SELECT min(e.position) INTO v_from FROM events e
        WHERE e.prev_hash IS NULL AND e.position <= p_upto;
    IF v_from IS NULL THEN
        RETURN 0;
    END IF;
    SELECT e.hash INTO v_prev FROM events e
        WHERE e.position < v_from AND e.prev_hash IS NOT NULL
        ORDER BY e.position DESC LIMIT 1;
    IF NOT FOUND THEN
        v_prev := {_GENESIS};
    END IF;
    FOR r IN SELECT * FROM events e WHERE e.position >= v_from AND e.position <= p_upto
             ORDER BY e.position LOOP
        v_bytes := opsledger_chain_bytes(r);
        IF r.prev_hash IS NOT NULL OR r.hash IS NULL OR r.hash <> sha256(v_bytes) THEN
            -- Not what its commit sealed (or linked out of turn): never link over it.
            RAISE WARNING 'opsledger chain: the event at position % does not match the hash '
                          'sealed at its commit; not linked (run opsledger verify)', r.position;
            EXIT;
        END IF;
        v_hash := sha256(v_prev || v_bytes);
        UPDATE events SET prev_hash = v_prev, hash = v_hash WHERE position = r.position;
        v_prev := v_hash;
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END
$fn$
"""

# kernel_0005's `opsledger_append` with the chain written by its INSERT: each piece below
# replaces one passage of it (asserted: a moved passage fails loudly, not silently).
_DECLARE = ("    v_positions bigint[];\n", """    v_positions bigint[];
    v_linked boolean;
    v_prev bytea;
    v_bytes bytea;
    v_prevs bytea[] := '{}';
    v_hashes bytea[] := '{}';
    v_recorded text := to_char(p_recorded_at AT TIME ZONE 'UTC', %(utc)s);
""")
_HASHES = ("    BEGIN\n        -- No RETURN QUERY in here", """    -- The chain (kernel_0009): link to the position before ours when it is linked (then
    -- all below it is final; a later snapshot sees it: READ COMMITTED only), else seal.
    v_linked := current_setting('transaction_isolation') = 'read committed';
    IF v_linked THEN
        IF v_positions[1] = 1 THEN
            v_prev := %(genesis)s;
        ELSE
            SELECT e.hash INTO v_prev FROM events e
                WHERE e.position = v_positions[1] - 1 AND e.prev_hash IS NOT NULL;
            v_linked := FOUND;
        END IF;
    END IF;
    FOR g IN 1 .. cardinality(p_event_ids) LOOP
        v_bytes := opsledger_netstrings(ARRAY[
            v_positions[g]::text, p_event_ids[g]::text, p_stream_id, p_stream_type,
            (v_current + g)::text, p_event_types[g], p_schema_versions[g]::text,
            p_site_ids[g], p_actors[g], p_correlation_ids[g], p_causation_ids[g],
            to_char(p_occurred_at[g] AT TIME ZONE 'UTC', %(utc)s), v_recorded,
            p_payloads[g]::jsonb::text
        ]);
        IF v_linked THEN
            v_prevs := v_prevs || v_prev;
            v_prev := sha256(v_prev || v_bytes);
            v_hashes := v_hashes || v_prev;
        ELSE
            v_prevs := v_prevs || NULL::bytea;
            v_hashes := v_hashes || sha256(v_bytes);
        END IF;
    END LOOP;
    BEGIN
        -- No RETURN QUERY in here""")
_COLUMNS = ("recorded_at, payload\n", "recorded_at, payload, prev_hash, hash\n")
_VALUES = ("p_recorded_at, u.body::jsonb\n", "p_recorded_at, u.body::jsonb,\n               u.prev, u.hash\n")
_ARRAYS = (
    "p_occurred_at, p_payloads\n        ) WITH ORDINALITY AS u(id, et, sv, site, actor, corr, caus, occ, body, n)",
    "p_occurred_at, p_payloads, v_prevs, v_hashes\n"
    "        ) WITH ORDINALITY AS u(id, et, sv, site, actor, corr, caus, occ, body, prev, hash, n)",
)


def append_function() -> str:
    """kernel_0005's `opsledger_append`, its INSERT writing each event's hashes."""
    text: str = _load("kernel_0005_alloc_lock_on_cancel").APPEND_FUNCTION
    for old, new in (_DECLARE, _HASHES, _COLUMNS, _VALUES, _ARRAYS):
        assert text.count(old) == 1, f"kernel_0005's passage moved: {old!r}"
        text = text.replace(old, new % {"utc": _UTC, "genesis": _GENESIS})
    return text


_UNLINKED_WHERE = "prev_hash IS NULL"
EVENT_CHAIN_VIEW = (
    "CREATE VIEW event_chain AS"
    " SELECT position, prev_hash, hash FROM events WHERE prev_hash IS NOT NULL"
)


def _load(name: str) -> ModuleType:
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("prev_hash", sa.LargeBinary(32), nullable=True))
        batch.add_column(sa.Column("hash", sa.LargeBinary(32), nullable=True))
    # kernel_0008's links are this chain's links: copied as they are.
    op.execute(
        "UPDATE events SET prev_hash = (SELECT c.prev_hash FROM event_chain c"
        " WHERE c.position = events.position), hash = (SELECT c.hash FROM event_chain c"
        " WHERE c.position = events.position)"
        " WHERE position IN (SELECT position FROM event_chain)"
    )
    op.create_index(
        "ix_events_unlinked",
        "events",
        ["position"],
        postgresql_where=sa.text(_UNLINKED_WHERE),
        sqlite_where=sa.text(_UNLINKED_WHERE),
    )
    if bind.dialect.name == "postgresql":
        op.execute(NETSTRINGS_FUNCTION)
        op.execute(append_function())
        op.execute(SEAL_FUNCTION)
        op.execute("DROP FUNCTION IF EXISTS opsledger_chain_try(bigint, bigint)")
        # kernel_0008's unchained rows (in flight then, or left to its sealer): sealed
        # now, and linked by the sealer (here up to the safe head, the rest later).
        op.execute(
            "UPDATE events SET hash = sha256(opsledger_chain_bytes(events))"
            " WHERE hash IS NULL"
        )
        upto = int(bind.execute(sa.text("SELECT opsledger_safe_head()")).scalar() or 0)
        bind.execute(sa.text("SELECT opsledger_chain_seal(:upto)"), {"upto": upto})
    else:
        _link_sqlite(bind)
    op.drop_table("event_chain")
    if bind.dialect.name == "postgresql":
        # Replicas of the previous version run until replaced (migrate first, replace
        # after): their sealer, anchorer and verify read `event_chain`: the links, as it.
        op.execute(EVENT_CHAIN_VIEW)


def _link_sqlite(bind: sa.Connection) -> None:
    """Link what kernel_0008 left unchained (nothing, unless a row was added by hand)."""
    from opsledger.chain import GENESIS, link, sqlite_row_canonical

    rows = bind.execute(
        sa.text(
            "SELECT position, event_id, stream_id, stream_type, version, event_type,"
            " schema_version, site_id, actor, correlation_id, causation_id, occurred_at,"
            " recorded_at, payload, hash FROM events ORDER BY position"
        )
    ).all()
    prev, todo = GENESIS, list[dict[str, object]]()
    for row in rows:
        if row[14] is not None and not todo:
            prev = bytes(row[14])
            continue
        digest = link(prev, sqlite_row_canonical(row[:14]))
        todo.append({"p": int(row[0]), "v": prev, "h": digest})
        prev = digest
    if todo:
        update = "UPDATE events SET prev_hash = :v, hash = :h WHERE position = :p"
        bind.execute(sa.text(update), todo)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP VIEW IF EXISTS event_chain")
    op.create_table(
        "event_chain",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("prev_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
    )
    op.execute(
        "INSERT INTO event_chain (position, prev_hash, hash)"
        " SELECT position, prev_hash, hash FROM events WHERE prev_hash IS NOT NULL"
    )
    if bind.dialect.name == "postgresql":
        k8 = _load("kernel_0008_event_chain")
        op.execute(k8.SEAL_FUNCTION)
        op.execute(k8.TRY_FUNCTION)
        op.execute(k8.append_function())
        op.execute("DROP FUNCTION IF EXISTS opsledger_netstrings(text[])")
    op.drop_index("ix_events_unlinked", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
