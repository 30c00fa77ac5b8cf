"""Levels and clearances shared by personnel and carriers (SR-1, SR-11, SR-13).

A person's level (core, important, general) clears them for carriers up to the matching
carrier level (top secret, secret, confidential); need-to-know scopes narrow it further.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PersonLevel(StrEnum):
    """SR-1: the level of a classified post."""

    CORE = "core"
    IMPORTANT = "important"
    GENERAL = "general"


class CarrierLevel(StrEnum):
    """SR-11: the level of a carrier."""

    TOP_SECRET = "top_secret"
    SECRET = "secret"
    CONFIDENTIAL = "confidential"


_CLEARS: dict[PersonLevel, frozenset[CarrierLevel]] = {
    PersonLevel.CORE: frozenset(CarrierLevel),
    PersonLevel.IMPORTANT: frozenset({CarrierLevel.SECRET, CarrierLevel.CONFIDENTIAL}),
    PersonLevel.GENERAL: frozenset({CarrierLevel.CONFIDENTIAL}),
}


@dataclass(frozen=True, slots=True)
class Clearance:
    """What the registry knows of one person when it decides who may see or do what."""

    person_id: str
    site_id: str
    level: PersonLevel | None  # None: not (or no longer) in a classified post
    vetted: bool
    trained: bool
    pledged_until: date | None  # the in-post pledge in force, if any
    key_locations: frozenset[str]
    scopes: frozenset[str]  # need-to-know scopes the person belongs to (SR-13)

    def clears(self, level: CarrierLevel) -> bool:
        return self.level is not None and level in _CLEARS[self.level]

    def pledged_on(self, day: date) -> bool:
        return self.pledged_until is not None and day <= self.pledged_until
