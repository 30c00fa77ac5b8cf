"""callcenter: drop the hand-written projection tables and their checkpoints.

The kernel builds `cc_tickets_<hash>`, `cc_customers_<hash>`, `cc_calls_<hash>` and
`cc_seat_sessions_<hash>` from the events at start-up (`callcenter.readmodels`). Where
callcenter_0001/0002 created the legacy tables (before they became no-ops) they go now.
"""

from alembic import op

revision = "callcenter_0003"
down_revision = "callcenter_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for legacy in ("cc_tickets", "cc_customers", "cc_calls", "cc_seat_sessions"):
        op.execute(f'DROP TABLE IF EXISTS "{legacy}"')
        op.execute(f"DELETE FROM checkpoints WHERE name = 'projection:{legacy}'")


def downgrade() -> None:
    raise NotImplementedError("the legacy projections are gone for good; restore a backup")
