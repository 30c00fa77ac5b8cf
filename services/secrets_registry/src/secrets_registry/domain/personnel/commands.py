"""Commands on one person's classified-personnel record (SR-1 … SR-8, SR-10, SR-18).

Each names its stream by `person_id`; the actor comes from the token, never the body.
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from secrets_registry.domain.clearance import PersonLevel

Verdict = Literal["satisfactory", "unsatisfactory"]
# SR-2 rev.2: last year's appraisal (優秀, 稱職/合格, 基本稱職, 不稱職).
Appraisal = Literal["excellent", "competent", "basically_competent", "incompetent"]
PledgeKind = Literal["entry", "in_post", "departure"]
RecordKind = Literal["training", "education", "assessment"]
LeavingKind = Literal["leave_post", "transfer", "resignation", "retirement"]


@dataclass(frozen=True)
class ProposeLevel:
    """SR-1: the department proposes a level for a post (a first level or a change)."""

    site_id: str
    person_id: str
    department: str
    post: str
    level: PersonLevel
    key_department: bool
    reason: str


@dataclass(frozen=True)
class ReviewLevel:
    """SR-1: the department head reviews the pending proposal."""

    person_id: str
    endorsed: bool
    opinion: str


@dataclass(frozen=True)
class ApproveLevel:
    """SR-1 rev.2: the committee approves; the office files it under `filing_no`."""

    person_id: str
    approved: bool
    filing_no: str
    note: str


@dataclass(frozen=True)
class RecordVetting:
    """SR-2 rev.2: the vetting before a classified post, one verdict per area."""

    person_id: str
    vetted_on: date
    political_conduct: Verdict
    work_performance: Verdict
    study: Verdict
    secrecy_compliance: Verdict
    last_year_appraisal: Appraisal
    note: str


@dataclass(frozen=True)
class RecordEducation:
    """SR-4: a training, education or assessment record."""

    person_id: str
    record_id: str
    kind: RecordKind
    held_on: date
    topic: str
    result: str


@dataclass(frozen=True)
class SignPledge:
    """SR-3: a pledge at entry, in post (renewal) or the separate departure pledge."""

    person_id: str
    pledge_id: str
    kind: PledgeKind
    signed_on: date


@dataclass(frozen=True)
class EnterPost:
    """SR-1 … SR-4: the person takes the approved classified post."""

    person_id: str
    entered_on: date


@dataclass(frozen=True)
class AssignKeyLocations:
    """SR-9 (person side): the key locations the person may work in (replaces the list)."""

    person_id: str
    key_locations: list[str]


@dataclass(frozen=True)
class GrantScope:
    """SR-13: the leader adds the person to a need-to-know scope (named, never silent)."""

    person_id: str
    scope: str
    reason: str


@dataclass(frozen=True)
class WithdrawScope:
    person_id: str
    scope: str
    reason: str


@dataclass(frozen=True)
class RequestForeignTravel:
    """SR-8 rev.2: private travel abroad or across the border (HK, Macau included)."""

    person_id: str
    travel_id: str
    destination: str
    departs_on: date
    returns_on: date
    purpose: str


@dataclass(frozen=True)
class GiveTravelOpinion:
    """SR-8 rev.2: the department head's opinion, before the office decides."""

    person_id: str
    travel_id: str
    supports: bool
    opinion: str


@dataclass(frozen=True)
class DecideTravel:
    """SR-8 rev.2: the office approves or refuses."""

    person_id: str
    travel_id: str
    approved: bool
    note: str


@dataclass(frozen=True)
class RecordAllowance:
    """SR-10: the month's secrecy allowance, by the level held, into the ledger."""

    person_id: str
    month: str


@dataclass(frozen=True)
class TakeCarrierCustody:
    """SR-13 rev.2, SR-18: a carrier was signed out to the person (run by carrier workflows)."""

    person_id: str
    carrier_id: str


@dataclass(frozen=True)
class ReleaseCarrierCustody:
    """SR-18: the person returned (or handed on) the carrier."""

    person_id: str
    carrier_id: str


PersonCommand = (
    ProposeLevel
    | ReviewLevel
    | ApproveLevel
    | RecordVetting
    | RecordEducation
    | SignPledge
    | EnterPost
    | AssignKeyLocations
    | GrantScope
    | WithdrawScope
    | RequestForeignTravel
    | GiveTravelOpinion
    | DecideTravel
    | RecordAllowance
    | TakeCarrierCustody
    | ReleaseCarrierCustody
)
