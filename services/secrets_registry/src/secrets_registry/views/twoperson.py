"""What a two-person action answers while it waits for its second confirmation."""

from datetime import datetime

from pydantic import BaseModel

from secrets_registry.domain.twoperson import TwoPersonState


class PendingConfirmation(BaseModel):
    """202: one person confirmed; nothing else changed until a second one does in time."""

    action_id: str
    status: str = "pending"
    confirmed_by: str
    expires_at: datetime

    @classmethod
    def of(cls, state: TwoPersonState) -> "PendingConfirmation":
        assert state.first is not None
        return cls(
            action_id=state.action_id,
            confirmed_by=state.first.person_id,
            expires_at=state.first.expires_at,
        )
