"""The choke point's cross-stream half: who confirms, read from their own streams.

`two_people(...)` is the only way a workflow gets two people for an action (escorts,
destruction witnesses, key-location work, top secret taken out). The confirmer is the
actor of the request (their own token), never a body field; their clearance and, at
completion, the first confirmer's are read from their person streams in this
transaction, and the pure decider (`secrets_registry.domain.twoperson`) rules.
"""

from typing import Any

from opsledger.decider import Aggregate, DecisionContext
from opsledger.errors import DomainError
from opsledger.pipeline import CommandResult, UnitOfWork

from secrets_registry.domain.clearance import Clearance
from secrets_registry.domain.personnel import PERSON, person_stream
from secrets_registry.domain.twoperson import (
    TWO_PERSON,
    ConfirmTwoPersonAction,
    Requirement,
    TwoPersonState,
    two_person_stream,
)


async def clearance_of(uow: UnitOfWork, person_id: str) -> Clearance | None:
    """The person's clearance at this site, from their own stream (never a read model)."""
    loaded = await uow.load(PERSON, person_stream(person_id))
    if not loaded.version:
        return None
    clearance = loaded.state.clearance()
    return clearance if clearance.site_id == uow.site_id else None


async def actor_clearance(uow: UnitOfWork) -> Clearance | None:
    """The clearance of the person whose token runs the command (the system has none)."""
    if uow.origin.principal is None:
        return None
    return await clearance_of(uow, uow.origin.actor)


def precheck(uow: UnitOfWork, aggregate: Aggregate[Any, Any], state: Any, command: Any) -> None:
    """Decide `command` without recording it, so a first confirmation of an action the
    rules refuse anyway (ordinary post, no approval) is refused at once, not pending."""
    ctx = DecisionContext(
        now=uow.now, actor=uow.origin.actor, site=uow.site, roles=uow.origin.roles
    )
    aggregate.decide(state, command, ctx)


async def two_people(
    uow: UnitOfWork, *, action_id: str, kind: str, subject: str, terms: str, need: Requirement
) -> tuple[str, str] | CommandResult[TwoPersonState]:
    """The two people once both confirmed; until then the pending confirmation's result."""
    if uow.origin.principal is None:
        raise DomainError(need.rule, "each of the two confirms with their own credentials")
    before = (await uow.load(TWO_PERSON, two_person_stream(action_id))).state
    first = before.first
    first_clearance = await clearance_of(uow, first.person_id) if first is not None else None
    result: CommandResult[TwoPersonState] = await uow.execute(
        ConfirmTwoPersonAction(
            site_id=uow.site_id,
            action_id=action_id,
            kind=kind,
            subject=subject,
            terms=terms,
            need=need,
            clearance=await actor_clearance(uow),
            first_clearance=first_clearance,
        )
    )
    return result.state.people if result.state.people is not None else result
