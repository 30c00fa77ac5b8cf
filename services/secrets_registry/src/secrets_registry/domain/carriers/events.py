"""Private events of a carrier's stream and of a site's carrier register (SR-11 … SR-19).

The custodian's hand-over of the registers (SR-18 rev.2) is the person's stream's
(`domain/personnel`: `RegistersAppointed`, `RegistersHandedOver`).

Carrier events are never published (issue 20 item 7): they carry the classified title,
the holders and the scope. They are listed in the service's `private_events`, so the
relay never produces them and a decider cannot append a look-alike public type.
"""

from datetime import date
from typing import ClassVar, Literal

from opsledger.decider import PrivateEvent
from pydantic import AwareDatetime, Field

from secrets_registry.domain.clearance import CarrierLevel

Staff = str
Storage = Literal["secrecy_room", "officer_safe"]
Origin = Literal[
    "original", "received", "copy", "compilation", "excerpt", "quotation", "by_product"
]


class CarrierEvent(PrivateEvent):
    """Fields every event of a carrier's stream carries."""

    service: ClassVar[str] = "secrets_registry"
    stream_type: ClassVar[str | None] = "Carrier"

    carrier_id: str = Field(min_length=1, max_length=64, description="Carrier id.")


class CarrierRegistered(CarrierEvent):
    """A carrier entered the register with its level, retention, scope and copies (SR-11)."""

    event_type: ClassVar[str] = "CarrierRegistered"

    title: str = Field(min_length=1, max_length=300, description="Classified: never logged.")
    kind: str = Field(min_length=1, max_length=32, description="document, media, device…")
    level: CarrierLevel
    retention_years: int = Field(ge=1, le=100)
    scope: tuple[str, ...] = Field(min_length=1, description="Need-to-know scopes (SR-13).")
    copies: int = Field(ge=1, le=10000)
    serial: str | None = Field(default=None, max_length=64, description="TS and secret.")
    originator: str = Field(min_length=1, max_length=200)
    not_to_be_copied: bool = False
    unit_may_copy: bool = False
    due_back: bool = False
    return_by: date | None = None
    storage: Storage
    origin: Origin = "original"
    derived_from: tuple[str, ...] = ()
    received_from: str | None = None
    channel: str | None = None
    consents: tuple[str, ...] = ()


class CarrierCopied(CarrierEvent):
    """A copy was made with the right approval; it is a carrier of its own (SR-14)."""

    event_type: ClassVar[str] = "CarrierCopied"

    copy_id: str = Field(min_length=1, max_length=64)
    serial: str | None = None
    approval: str = Field(min_length=1, max_length=32)
    approval_ref: str | None = None
    approved_by: Staff = Field(min_length=1, max_length=200)


class CarrierScopeChanged(CarrierEvent):
    """The leader widened or narrowed who may know (SR-13): never silently."""

    event_type: ClassVar[str] = "CarrierScopeChanged"

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed_by: Staff = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=1000)


class CarrierSignedOut(CarrierEvent):
    """A person signed for the carrier to read or use it (SR-13 rev.2)."""

    event_type: ClassVar[str] = "CarrierSignedOut"

    person_id: Staff = Field(min_length=1, max_length=200)
    purpose: Literal["read", "use"]
    # SR-17 rev.2: back in secure storage by then (None: recorded before the rule)
    lock_away_by: AwareDatetime | None = None


class CarrierNotLockedAway(CarrierEvent):
    """SR-17 rev.2: the carrier was still signed out when it was due back in secure
    storage (the holder left the office without locking it away)."""

    event_type: ClassVar[str] = "CarrierNotLockedAway"

    person_id: Staff = Field(min_length=1, max_length=200)
    lock_away_by: AwareDatetime


class CarrierSignedIn(CarrierEvent):
    """The holder handed the carrier back to the custodian (SR-13, SR-18)."""

    event_type: ClassVar[str] = "CarrierSignedIn"

    person_id: Staff = Field(min_length=1, max_length=200)


class CarrierSent(CarrierEvent):
    """The carrier left by a confidential channel with two escorts (SR-12)."""

    event_type: ClassVar[str] = "CarrierSent"

    channel: str = Field(min_length=1, max_length=32)
    destination: str = Field(min_length=1, max_length=200)
    out_of_town: bool
    escorts: tuple[Staff, Staff]
    package_no: str = Field(min_length=1, max_length=64)
    to_originator: bool = False


class CarrierTakeOutApproved(CarrierEvent):
    """A leader approved taking the carrier out (SR-16)."""

    event_type: ClassVar[str] = "CarrierTakeOutApproved"

    destination: str = Field(min_length=1, max_length=200)
    abroad: bool
    foreign_affairs: bool
    approved_by: Staff = Field(min_length=1, max_length=200)


class CarrierTakenOut(CarrierEvent):
    """The carrier left the premises in the hands of its carriers (SR-16)."""

    event_type: ClassVar[str] = "CarrierTakenOut"

    destination: str = Field(min_length=1, max_length=200)
    people: tuple[Staff, ...] = Field(min_length=1, max_length=2)


class CarrierBroughtBack(CarrierEvent):
    """A carrier taken out is back in storage (SR-16, SR-17)."""

    event_type: ClassVar[str] = "CarrierBroughtBack"


class CarrierStored(CarrierEvent):
    """The carrier moved to another store: the secrecy room or the officer's safe (SR-17)."""

    event_type: ClassVar[str] = "CarrierStored"

    storage: Storage


class CarrierInventoried(CarrierEvent):
    """The yearly inventory found the carrier present (SR-17)."""

    event_type: ClassVar[str] = "CarrierInventoried"

    on: date
    inventory_id: str = Field(min_length=1, max_length=64)


class CarrierDestructionApproved(CarrierEvent):
    """A leader approved destroying a counted number of copies (SR-19)."""

    event_type: ClassVar[str] = "CarrierDestructionApproved"

    count: int = Field(ge=1, le=10000)
    method: Literal["approved_shredder", "designated_mill"]
    approved_by: Staff = Field(min_length=1, max_length=200)


class CarrierDestroyed(CarrierEvent):
    """The carrier was destroyed irrecoverably, counted and witnessed (SR-19)."""

    event_type: ClassVar[str] = "CarrierDestroyed"

    method: Literal["approved_shredder", "designated_mill"]
    place: str = Field(min_length=1, max_length=200)
    count: int = Field(ge=1, le=10000)
    witnesses: tuple[Staff, ...] = Field(max_length=2)


class RegisterEvent(PrivateEvent):
    """Fields of the events of a site's carrier register (`carriers-held-<site>`)."""

    service: ClassVar[str] = "secrets_registry"
    stream_type: ClassVar[str | None] = "CarrierRegister"


class CarrierEnteredRegister(RegisterEvent):
    """The site's register holds the carrier (SR-11, SR-17)."""

    event_type: ClassVar[str] = "CarrierEnteredRegister"

    carrier_id: str = Field(min_length=1, max_length=64)


class CarrierLeftRegister(RegisterEvent):
    """The carrier left the site's custody: sent, returned or destroyed (SR-12, SR-19)."""

    event_type: ClassVar[str] = "CarrierLeftRegister"

    carrier_id: str = Field(min_length=1, max_length=64)
    reason: Literal["sent", "destroyed"]


class InventoryTaken(RegisterEvent):
    """The yearly inventory reconciled the register with what is present (SR-17)."""

    event_type: ClassVar[str] = "InventoryTaken"

    inventory_id: str = Field(min_length=1, max_length=64)
    on: date
    present: int = Field(ge=0)
    discrepancies: int = Field(ge=0)


class InventoryDiscrepancyReported(RegisterEvent):
    """One discrepancy of an inventory, reported to the city secrecy bureau (SR-17 rev.)."""

    event_type: ClassVar[str] = "InventoryDiscrepancyReported"

    inventory_id: str = Field(min_length=1, max_length=64)
    carrier_id: str = Field(min_length=1, max_length=64)
    discrepancy: Literal["missing", "unregistered"]
    reported_to: str = "city_secrecy_bureau"


CARRIER_EVENTS: tuple[type[PrivateEvent], ...] = (
    CarrierRegistered,
    CarrierCopied,
    CarrierScopeChanged,
    CarrierSignedOut,
    CarrierSignedIn,
    CarrierNotLockedAway,
    CarrierSent,
    CarrierTakeOutApproved,
    CarrierTakenOut,
    CarrierBroughtBack,
    CarrierStored,
    CarrierInventoried,
    CarrierDestructionApproved,
    CarrierDestroyed,
    CarrierEnteredRegister,
    CarrierLeftRegister,
    InventoryTaken,
    InventoryDiscrepancyReported,
)
