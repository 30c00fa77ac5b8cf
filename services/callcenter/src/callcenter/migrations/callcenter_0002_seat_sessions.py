"""callcenter: the seat-sessions projection table (CC-11); superseded like callcenter_0001."""

revision = "callcenter_0002"
down_revision = "callcenter_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to create any more."""


def downgrade() -> None:
    """Nothing to drop."""
