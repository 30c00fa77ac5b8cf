"""The tamper-evident chain over the events (opsledger.chain): `event_chain`, backfilled.

`event_chain(position, prev_hash, hash)`: one row per chained event, hash = SHA-256(prev
hash || the event's canonical bytes), in position order from 32 zero bytes. Existing
events are chained here, in position order (PostgreSQL: up to the readers' safe head;
what is in flight at that moment is chained by the sealer once it commits).

PostgreSQL: `opsledger_chain_bytes(events)` (the canonical bytes, the same as
`opsledger.chain.canonical`), `opsledger_chain_seal(upto)` (chain what is not chained yet,
up to a position every event below which is final: the sealer's and this backfill's
step), `opsledger_chain_try(first, last)` (chain an append's own events in its
transaction when the position right before them is chained, so nothing before them can
still change), and `opsledger_append`
replaced by kernel_0005's with that one call added before it answers `appended`: same
signature, same answers, same rows, so replicas of the previous version keep working
and their appends are chained too.

Revision ID: kernel_0008
Revises: kernel_0007
Create Date: 2026-12-07
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "kernel_0008"
down_revision: str | None = "kernel_0007"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_GENESIS = "decode(repeat('00', 32), 'hex')"

# One PL/pgSQL loop: ~5x faster than a SQL function per field. `octet_length(text)` is
# the UTF-8 byte length: OpsLedger's databases are UTF8 (a mismatch shows in verify).
BYTES_FUNCTION = """
CREATE OR REPLACE FUNCTION opsledger_chain_bytes(e events) RETURNS bytea
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    v text;
    v_out text := '';
BEGIN
    FOREACH v IN ARRAY ARRAY[
        e.position::text, e.event_id::text, e.stream_id, e.stream_type, e.version::text,
        e.event_type, e.schema_version::text, e.site_id, e.actor, e.correlation_id,
        e.causation_id,
        to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.payload::text
    ] LOOP
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
    v_head bigint;
    v_prev bytea;
    v_hash bytea;
    v_count bigint := 0;
    r events;
BEGIN
    -- The caller took p_upto (the safe head) in an earlier statement: all below is final.
    SELECT c.position, c.hash INTO v_head, v_prev FROM event_chain c
        ORDER BY c.position DESC LIMIT 1;
    IF NOT FOUND THEN
        v_head := 0;
        v_prev := {_GENESIS};
    END IF;
    FOR r IN SELECT * FROM events e WHERE e.position > v_head AND e.position <= p_upto
             ORDER BY e.position LOOP
        v_hash := sha256(v_prev || opsledger_chain_bytes(r));
        INSERT INTO event_chain (position, prev_hash, hash) VALUES (r.position, v_prev, v_hash);
        v_prev := v_hash;
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END
$fn$
"""

TRY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION opsledger_chain_try(p_first bigint, p_last bigint) RETURNS boolean
LANGUAGE plpgsql AS $fn$
DECLARE
    v_prev bytea;
    v_hash bytea;
    r events;
BEGIN
    -- A later snapshot must see what committed before: READ COMMITTED only.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RETURN false;
    END IF;
    -- Chain now only if the position right before ours is chained: a chain row exists
    -- only once every position below it is final (the sealer chains below the safe head;
    -- this, by induction), so nothing before ours can still commit or roll back. Else
    -- (an append before ours in flight, or a gap) leave ours to the sealer rather than
    -- wait: appends never queue on each other (opsledger.eventstore).
    IF p_first = 1 THEN
        v_prev := {_GENESIS};
    ELSE
        SELECT c.hash INTO v_prev FROM event_chain c WHERE c.position = p_first - 1;
        IF NOT FOUND THEN
            RETURN false;
        END IF;
    END IF;
    FOR r IN SELECT * FROM events e WHERE e.position BETWEEN p_first AND p_last
             ORDER BY e.position LOOP
        v_hash := sha256(v_prev || opsledger_chain_bytes(r));
        INSERT INTO event_chain (position, prev_hash, hash) VALUES (r.position, v_prev, v_hash);
        v_prev := v_hash;
    END LOOP;
    RETURN true;
END
$fn$
"""

_ANSWER = "    RETURN QUERY SELECT 'appended'::text, v_positions[g], v_current + g\n"
_CHAIN_CALL = (
    "    PERFORM opsledger_chain_try(v_positions[1], v_positions[cardinality(v_positions)]);\n"
)


def _load(name: str) -> ModuleType:
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def append_function() -> str:
    """kernel_0005's `opsledger_append` with the chain call before its `appended` answer."""
    previous: str = _load("kernel_0005_alloc_lock_on_cancel").APPEND_FUNCTION
    assert previous.count(_ANSWER) == 1, "kernel_0005's answer line moved"
    return previous.replace(_ANSWER, _CHAIN_CALL + _ANSWER)


def _backfill_sqlite(bind: sa.Connection) -> None:
    from opsledger.chain import GENESIS, link, sqlite_row_canonical

    rows = bind.execute(
        sa.text(
            "SELECT position, event_id, stream_id, stream_type, version, event_type,"
            " schema_version, site_id, actor, correlation_id, causation_id, occurred_at,"
            " recorded_at, payload FROM events ORDER BY position"
        )
    ).all()
    prev, chained = GENESIS, []
    for row in rows:
        digest = link(prev, sqlite_row_canonical(row))
        chained.append({"p": int(row[0]), "v": prev, "h": digest})
        prev = digest
    if chained:
        insert = "INSERT INTO event_chain (position, prev_hash, hash) VALUES (:p, :v, :h)"
        bind.execute(sa.text(insert), chained)


def upgrade() -> None:
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
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for statement in (BYTES_FUNCTION, SEAL_FUNCTION, TRY_FUNCTION):
            op.execute(statement)
        op.execute(append_function())
        # Chain what is there; what is in flight now is chained by the sealer later.
        upto = int(bind.execute(sa.text("SELECT opsledger_safe_head()")).scalar() or 0)
        bind.execute(sa.text("SELECT opsledger_chain_seal(:upto)"), {"upto": upto})
    else:
        _backfill_sqlite(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_load("kernel_0005_alloc_lock_on_cancel").APPEND_FUNCTION)
        for fn in (
            "opsledger_chain_try(bigint, bigint)",
            "opsledger_chain_seal(bigint)",
            "opsledger_chain_bytes(events)",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    op.drop_table("event_chain")
