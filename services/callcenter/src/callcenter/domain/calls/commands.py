"""Commands of calls and seat sessions (CC-11)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal


@dataclass(frozen=True, slots=True)
class LogCall:
    site_id: str
    call_id: str
    outcome: Literal["answered", "abandoned"]
    offered_at: datetime
    answered_by: str | None = None


def call_stream(command: LogCall) -> str:
    return f"call-{command.site_id}-{command.call_id}"


@dataclass(frozen=True, slots=True)
class LogIn:
    """`staff_id` names whose seat session it is (the stream); it must be the actor."""

    site_id: str
    staff_id: str
    seat_id: str


@dataclass(frozen=True, slots=True)
class LogOut:
    site_id: str
    staff_id: str


def seat_stream(command: LogIn | LogOut) -> str:
    return f"seat-{command.site_id}-{command.staff_id}"
