"""Commands recorded on a carrier's stream (SR-11 … SR-19).

Every one is run by a workflow (`secrets_registry.workflows.carriers`) that first
decides, on the actor's own person stream, that the actor may see the carrier at all
(SR-13): a person never runs them directly (SYSTEM_ONLY), so no route can skip that.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from secrets_registry.domain.clearance import CarrierLevel, Clearance

Channel = Literal[
    "confidential_courier", "confidential_post", "dedicated_person", "ordinary_post", "courier"
]
Storage = Literal["secrecy_room", "officer_safe"]
Approval = Literal["originating_authority", "higher_authority", "unit_leader"]
DestructionMethod = Literal["approved_shredder", "designated_mill"]
SignOutPurpose = Literal["read", "use"]


@dataclass(frozen=True)
class RecordCarrier:
    """A carrier enters the register: produced here, received, copied or derived (SR-11)."""

    site_id: str
    carrier_id: str
    title: str
    kind: str
    level: CarrierLevel
    retention_years: int
    scope: tuple[str, ...]
    copies: int
    originator: str
    storage: Storage
    serial: str | None = None
    produced_at: str = "print_room"
    not_to_be_copied: bool = False
    unit_may_copy: bool = False
    due_back: bool = False
    return_by: date | None = None
    origin: str = "original"
    derived_from: tuple[str, ...] = ()
    received_from: str | None = None
    channel: str | None = None
    consents: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordCopy:
    """On the original: a copy is made under an approval (SR-14)."""

    carrier_id: str
    copy_id: str
    serial: str | None
    approval: Approval
    approval_ref: str | None


@dataclass(frozen=True)
class ChangeCarrierScope:
    """The leader widens or narrows who may know (SR-13); the event names who did it."""

    site_id: str
    carrier_id: str
    reason: str
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordSignOut:
    """A person signs for the carrier (SR-13 rev.2); `holder` is read from their stream."""

    carrier_id: str
    person_id: str
    purpose: SignOutPurpose
    holder: Clearance | None


@dataclass(frozen=True)
class RecordSignIn:
    carrier_id: str


@dataclass(frozen=True)
class CheckLockedAway:
    """The lock-away timer of one sign-out (SR-17 rev.2)."""

    carrier_id: str
    lock_away_by: datetime


@dataclass(frozen=True)
class RecordSending:
    """The carrier leaves with two escorts who both confirmed (SR-12)."""

    carrier_id: str
    channel: Channel
    destination: str
    out_of_town: bool
    package_no: str
    to_originator: bool
    escorts: tuple[str, ...]


@dataclass(frozen=True)
class ApproveTakeOut:
    """A leader approves taking the carrier out (SR-16)."""

    site_id: str
    carrier_id: str
    destination: str
    abroad: bool = False
    foreign_affairs: bool = False


@dataclass(frozen=True)
class RecordTakeOut:
    carrier_id: str
    destination: str
    abroad: bool
    foreign_affairs: bool
    people: tuple[str, ...]


@dataclass(frozen=True)
class RecordBringBack:
    carrier_id: str


@dataclass(frozen=True)
class StoreCarrier:
    """Move the carrier to the secrecy room or the officer's safe (SR-17)."""

    site_id: str
    carrier_id: str
    storage: Storage


@dataclass(frozen=True)
class MarkInventoried:
    carrier_id: str
    on: date
    inventory_id: str


@dataclass(frozen=True)
class ApproveDestruction:
    """A leader approves destroying a counted number of copies (SR-19)."""

    site_id: str
    carrier_id: str
    count: int
    method: DestructionMethod


@dataclass(frozen=True)
class RecordDestruction:
    carrier_id: str
    place: str
    witnesses: tuple[str, ...]


CarrierCommand = (
    RecordCarrier
    | RecordCopy
    | ChangeCarrierScope
    | RecordSignOut
    | RecordSignIn
    | CheckLockedAway
    | RecordSending
    | ApproveTakeOut
    | RecordTakeOut
    | RecordBringBack
    | StoreCarrier
    | MarkInventoried
    | ApproveDestruction
    | RecordDestruction
)
# What a person may run through the guarded workflow `OnCarrier` (and who may).
GUARDED = (ChangeCarrierScope, ApproveTakeOut, StoreCarrier, ApproveDestruction)
