"""Commands on a person's fleet conduct record: violations, fines, flags (FL-3, FL-7)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

ViolationKind = Literal["overnight_away", "private_use", "drink_driving", "other_driver"]
IncidentKind = Literal[
    "fuel_fraud",
    "serious_excess",
    "police_fine",
    "police_detention",
    "drinking_with_consequences",
    "off_site_parking_incident",
    "major_accident",
]


@dataclass(frozen=True)
class RecordViolation:
    site_id: str
    person: str
    violation_id: str
    kind: ViolationKind
    role: Literal["driver", "director"]
    vehicle_id: str
    occurred_at: datetime
    note: str


@dataclass(frozen=True)
class LedgerEntry:
    """What every line a workflow writes in the penalty and reward ledger states."""

    site_id: str
    person: str
    entry_id: str
    month: str
    amount_fen: int
    reason: str
    source: str


@dataclass(frozen=True)
class RecordFuelFine(LedgerEntry):
    """A fuel fine or its correction (run by the `CloseFuelMonth` workflow, FL-7)."""

    corrects: str | None


@dataclass(frozen=True)
class RecordIncident:
    """The office records an incident FL-7 names, with its consequence (FL-7 rev.2)."""

    site_id: str
    person: str
    incident_id: str
    kind: IncidentKind
    role: Literal["driver", "director"]
    vehicle_id: str | None
    occurred_at: datetime
    note: str
    amount_fen: int = 0


@dataclass(frozen=True)
class RecordAccident:
    site_id: str
    person: str
    accident_id: str
    vehicle_id: str
    occurred_at: datetime
    on_duty: bool
    responsibility: Literal["full", "main", "equal", "minor", "none"]
    cost_fen: int
    engine_seizure: bool
    concealed: bool
    serious: bool


@dataclass(frozen=True)
class CorrectRecord:
    """Correct (a new amount) or withdraw a violation, an accident or a deduction (§0 rev.2)."""

    site_id: str
    person: str
    correction_id: str
    target: Literal["violation", "accident", "deduction"]
    target_id: str
    action: Literal["withdraw", "correct"]
    reason: str
    amount_fen: int | None = None


@dataclass(frozen=True)
class DeductDriverPoints:
    """An itemized deduction from the driver's monthly 100 points (FL-10)."""

    site_id: str
    person: str
    deduction_id: str
    month: str
    points: int
    item: str
    note: str


@dataclass(frozen=True)
class RecordReward(LedgerEntry):
    """An approved FL-9 reward (run by the `ApproveMonthlyRewards` workflow)."""


ConductCommand = (
    RecordViolation
    | RecordFuelFine
    | RecordAccident
    | RecordIncident
    | CorrectRecord
    | DeductDriverPoints
    | RecordReward
)
