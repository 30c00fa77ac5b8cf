"""Events published by secrets_registry on `opsledger.secrets_registry.events` (RULES.md §5).

Only what other departments need leaves the registry (issue 20 item 7): a person's
clearance (level, key locations, pledge valid until), its end, departures, the monthly
allowance in the shared ledger shape, and key locations with their entry lists (SR-9,
for dispatch's WO-12). Never a carrier, its title, content or holders, never a vetting,
pledge text or personnel-file note: those are the registry's private events.
"""

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field, JsonValue

from opsledger_contracts.base import EventPayload
from opsledger_contracts.ledger import LedgerEntry
from opsledger_contracts.registry import REGISTRY

Ident = Annotated[str, Field(min_length=1, max_length=64)]
Level = Literal["core", "important", "general"]


def _example(**fields: JsonValue) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [fields]})


# -- a person's clearance (SR-1 … SR-8) -------------------------------------------------


class PersonEvent(EventPayload):
    """Fields every published event of a person's stream carries."""

    service: ClassVar[str] = "secrets_registry"
    stream_type: ClassVar[str | None] = "Person"

    person_id: str = Field(min_length=1, max_length=64, description="Staff id.")


@REGISTRY.register
class ClearanceGranted(PersonEvent):
    """The person's clearance as it now stands: in a classified post at `level`, cleared
    for these key locations, with the in-post pledge valid until the given day (SR-1,
    SR-3, SR-9). Recorded again, whole, whenever any of these changes."""

    event_type: ClassVar[str] = "ClearanceGranted"
    model_config = _example(
        person_id="stf-0107",
        level="important",
        key_locations=["loc-archive-1"],
        pledge_valid_until="2027-12-06",
    )

    level: Level = Field(description="SR-1 level of the post.")
    key_locations: list[Ident] = Field(
        default_factory=list, max_length=100, description="Key locations (SR-9) cleared for."
    )
    pledge_valid_until: date = Field(description="Last day the in-post pledge holds (SR-3).")


@REGISTRY.register
class ClearanceEnded(PersonEvent):
    """The person holds no clearance from `ended_on`: left the post, left it without
    approval, or the level was withdrawn (SR-5, SR-18). Not assignable at key locations."""

    event_type: ClassVar[str] = "ClearanceEnded"
    model_config = _example(person_id="stf-0107", ended_on="2026-12-07", reason="left_post")

    ended_on: date = Field(description="Site-local day the clearance ended.")
    reason: Literal["left_post", "unauthorised_departure", "level_withdrawn"] = Field(
        description="Why."
    )


@REGISTRY.register
class PersonDeparted(PersonEvent):
    """The person left the classified post (SR-5 rev., SR-6, SR-7): the declassification
    period runs from `left_on` to `declassification_ends_on` (the last day inside it)."""

    event_type: ClassVar[str] = "PersonDeparted"
    model_config = _example(
        person_id="stf-0107",
        kind="resignation",
        left_on="2026-12-07",
        declassification_ends_on="2028-12-07",
    )

    kind: Literal["leave_post", "transfer", "resignation", "retirement", "unauthorised"] = Field(
        description="How the person left (unauthorised: 擅自離職, reported to the committee)."
    )
    left_on: date = Field(description="Site-local day of leaving.")
    declassification_ends_on: date = Field(description="Last day of the declassification period.")


@REGISTRY.register
class SecrecyAllowanceRecorded(LedgerEntry):
    """The month's secrecy allowance by level (SR-10), in the shared ledger shape (a
    reward: it adds to pay), recorded in the person's stream."""

    event_type: ClassVar[str] = "SecrecyAllowanceRecorded"
    service: ClassVar[str] = "secrets_registry"
    stream_type: ClassVar[str | None] = "Person"
    model_config = _example(
        entry_id="secrecy-allowance-stf-0107-2026-11",
        person="stf-0107",
        month="2026-11",
        kind="reward",
        amount_fen=20000,
        rule="SR-10",
        reason="Secrecy allowance 2026-11",
        source="person-stf-0107",
        corrects=None,
    )


# -- key locations (SR-9), for dispatch's WO-12 -----------------------------------------


class KeyLocationEvent(EventPayload):
    """Fields every published event of a key location's stream carries."""

    service: ClassVar[str] = "secrets_registry"
    stream_type: ClassVar[str | None] = "KeyLocation"

    location_id: str = Field(min_length=1, max_length=64, description="Location id.")


@REGISTRY.register
class KeyLocationRegistered(KeyLocationEvent):
    """A location is registered as a key secrecy location with its entry list: the staff
    who may enter (SR-9). Work orders there follow WO-12."""

    event_type: ClassVar[str] = "KeyLocationRegistered"
    model_config = _example(location_id="loc-archive-1", entry_list=["stf-0107", "stf-0212"])

    entry_list: list[Ident] = Field(max_length=500, description="Staff ids who may enter.")


@REGISTRY.register
class KeyLocationEntryListChanged(KeyLocationEvent):
    """The key location's entry list now reads `entry_list` (the whole list, SR-9)."""

    event_type: ClassVar[str] = "KeyLocationEntryListChanged"
    model_config = _example(location_id="loc-archive-1", entry_list=["stf-0107"])

    entry_list: list[Ident] = Field(max_length=500, description="Staff ids who may enter.")


# -- the carrier register's yearly inventory (SR-17), for the operations dashboard ------


@REGISTRY.register
class InventoryReconciled(EventPayload):
    """The site's yearly inventory was reconciled with the register (SR-17): how many
    discrepancies it found (each reported to the city secrecy bureau). Counts only: which
    carriers, their titles and holders stay in the registry (issue 23)."""

    event_type: ClassVar[str] = "InventoryReconciled"
    service: ClassVar[str] = "secrets_registry"
    stream_type: ClassVar[str | None] = "CarrierRegister"
    model_config = _example(inventory_id="inv-2026", on="2026-12-07", discrepancies=2)

    inventory_id: str = Field(min_length=1, max_length=64, description="Inventory id.")
    on: date = Field(description="Site-local day of the inventory.")
    discrepancies: int = Field(ge=0, description="Discrepancies found (missing or unregistered).")
