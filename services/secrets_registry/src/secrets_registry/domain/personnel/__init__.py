"""Classified personnel (涉密人員, SR-1 … SR-8, SR-10, SR-18): one stream per person.

`PERSON` is the aggregate; its state's `clearance()` is what carriers and key locations
ask, and `held_carriers` what a departure checks (SR-18). Carrier workflows claim a
carrier on the holder's stream with `TakeCarrierCustody`/`ReleaseCarrierCustody`.
"""

from typing import Any

from opsledger.decider import Aggregate
from opsledger.pipeline import SYSTEM_ONLY

from secrets_registry.domain.personnel import commands as c
from secrets_registry.domain.personnel import leaving as lc
from secrets_registry.domain.personnel.commands import (
    ReleaseCarrierCustody,
    TakeCarrierCustody,
)
from secrets_registry.domain.personnel.decide import decide
from secrets_registry.domain.personnel.decide_leaving import decide_leaving
from secrets_registry.domain.personnel.events import (
    CarrierCustodyReleased,
    CarrierCustodyTaken,
)
from secrets_registry.domain.personnel.private import PRIVATE_EVENTS
from secrets_registry.domain.personnel.state import PersonState, evolve
from secrets_registry.domain.roles import APPLICANTS, COMMITTEE, HEAD, LEADER, OFFICER, PROPOSERS

__all__ = [
    "PERSON",
    "PRIVATE_EVENTS",
    "CarrierCustodyReleased",
    "CarrierCustodyTaken",
    "PersonCommands",
    "PersonState",
    "ReleaseCarrierCustody",
    "TakeCarrierCustody",
    "person_stream",
]


PersonCommands = c.PersonCommand | lc.LeavingCommand


def person_stream(person_id: str) -> str:
    return f"person-{person_id}"


def _stream_id(command: Any) -> str:
    return person_stream(command.person_id)


PERSON: Aggregate[PersonState, PersonCommands] = Aggregate(
    stream_type="Person",
    stream_prefix="person-",
    initial=PersonState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        c.ProposeLevel: (PROPOSERS, decide),
        c.ReviewLevel: (HEAD, decide),
        c.ApproveLevel: (COMMITTEE, decide),
        c.RecordVetting: (OFFICER, decide),
        c.RecordEducation: (OFFICER, decide),
        c.SignPledge: (OFFICER, decide),
        c.EnterPost: (OFFICER, decide),
        c.AssignKeyLocations: (OFFICER, decide),
        c.GrantScope: (LEADER, decide),
        c.WithdrawScope: (LEADER, decide),
        c.RequestForeignTravel: (OFFICER | HEAD, decide),
        c.GiveTravelOpinion: (HEAD, decide),
        c.DecideTravel: (OFFICER, decide),  # the office (SR-8 rev.2)
        c.RecordAllowance: (OFFICER, decide),
        # by reg-b's carrier workflows when a carrier is signed out or returned
        c.TakeCarrierCustody: (SYSTEM_ONLY, decide),
        c.ReleaseCarrierCustody: (SYSTEM_ONLY, decide),
        # leaving a post (SR-5 … SR-7, SR-18)
        lc.ApplyToLeave: (APPLICANTS, decide_leaving),
        lc.ReviewLeavingSecrecy: (COMMITTEE, decide_leaving),
        lc.DecideLeaving: (COMMITTEE | LEADER, decide_leaving),
        lc.RecordDeparture: (OFFICER, decide_leaving),
        lc.ExtendDeclassification: (COMMITTEE, decide_leaving),
        lc.ReportUnauthorisedDeparture: (OFFICER | HEAD, decide_leaving),
        lc.UrgeReturn: (OFFICER | COMMITTEE, decide_leaving),
        lc.RecordUrgingAnswer: (OFFICER, decide_leaving),
        lc.ReferCase: (COMMITTEE, decide_leaving),
        lc.AppointRegisters: (LEADER | COMMITTEE, decide_leaving),
        # by the HandOverRegisters workflow (both sides in one transaction)
        lc.RecordRegistersHandover: (SYSTEM_ONLY, decide_leaving),
        lc.ReceiveRegisters: (SYSTEM_ONLY, decide_leaving),
    },
    creates=frozenset({c.ProposeLevel}),
    snapshot_every=100,
)
