"""callcenter: the first projection tables (tickets, customers, calls); superseded.

Those tables are kernel-owned read models now. `callcenter_0003` drops them in databases
where this revision once created them; a new database never needs them.
"""

revision = "callcenter_0001"
down_revision = None
branch_labels = ("callcenter",)
depends_on = ("kernel_0001",)


def upgrade() -> None:
    """Nothing to create any more."""


def downgrade() -> None:
    """Nothing to drop."""
