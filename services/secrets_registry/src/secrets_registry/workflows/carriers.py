"""Carriers entering the register (SR-11, SR-14, SR-15) and the guarded plain commands.

Every carrier workflow first loads the carrier and the actor's own clearance: a carrier
the actor may not see answers exactly as one that does not exist (404, SR-13).
"""

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from opsledger.errors import DomainError, NotFoundError
from opsledger.pipeline import ANY_STAFF, CommandResult, UnitOfWork, Workflow

from secrets_registry.domain.carriers import CARRIER, CarrierState, carrier_stream, visible
from secrets_registry.domain.carriers import commands as c
from secrets_registry.domain.carriers.derivation import Derivation, derived_terms
from secrets_registry.domain.carriers.register import EnterRegister
from secrets_registry.domain.clearance import CarrierLevel
from secrets_registry.domain.roles import LEADER, OFFICER
from secrets_registry.workflows.twoperson import actor_clearance

SERIALS = "carrier-serials-"


async def visible_carrier(uow: UnitOfWork, carrier_id: str) -> CarrierState:
    """The carrier if the actor may see it (SR-13); otherwise it does not exist."""
    clearance = await actor_clearance(uow)
    loaded = await uow.load(CARRIER, carrier_stream(carrier_id))
    state = loaded.state
    if not loaded.version or state.site_id != uow.site_id or not state.visible_to(clearance):
        raise NotFoundError("Carrier", carrier_id)
    return state


async def _serial(uow: UnitOfWork, level: CarrierLevel, carrier_id: str) -> str | None:
    """SR-11: top secret and secret carriers get the site's next serial number."""
    if level not in (CarrierLevel.TOP_SECRET, CarrierLevel.SECRET):
        return None
    number = await uow.next_number(f"{SERIALS}{uow.site_id}", carrier_id)
    return f"{uow.site_id}-{'TS' if level == CarrierLevel.TOP_SECRET else 'S'}-{number:06d}"


async def enter(uow: UnitOfWork, record: c.RecordCarrier) -> CommandResult[Any]:
    clearance = await actor_clearance(uow)
    if not visible(uow.site_id, record.level, frozenset(record.scope), clearance):
        raise DomainError(
            "SR-13", "you are not cleared for this carrier's level or scope", field="level"
        )
    serial = await _serial(uow, record.level, record.carrier_id)
    result = await uow.execute(replace(record, site_id=uow.site_id, serial=serial))
    await uow.execute(EnterRegister(uow.site_id, record.carrier_id))
    return result


@dataclass(frozen=True)
class RegisterCarrier:
    """The officer registers a carrier produced here or received (SR-11, SR-12)."""

    site_id: str
    carrier_id: str
    title: str
    kind: str
    level: CarrierLevel
    retention_years: int
    scope: tuple[str, ...]
    copies: int
    originator: str
    storage: c.Storage
    produced_at: str = "print_room"
    not_to_be_copied: bool = False
    unit_may_copy: bool = False
    due_back: bool = False
    return_by: date | None = None
    received_from: str | None = None
    channel: c.Channel | None = None


async def register_carrier(uow: UnitOfWork, command: RegisterCarrier) -> CommandResult[Any]:
    fields = {k: v for k, v in vars(command).items() if k != "received_from"}
    origin = "received" if command.received_from else "original"
    return await enter(
        uow, c.RecordCarrier(**fields, origin=origin, received_from=command.received_from)
    )


@dataclass(frozen=True)
class CopyCarrier:
    """A copy under the right approval: same level, retention and scope, own serial (SR-14)."""

    site_id: str
    carrier_id: str
    copy_id: str
    approval: c.Approval
    approval_ref: str | None = None


async def copy_carrier(uow: UnitOfWork, command: CopyCarrier) -> CommandResult[Any]:
    original = await visible_carrier(uow, command.carrier_id)
    copy = c.RecordCarrier(
        site_id=uow.site_id,
        carrier_id=command.copy_id,
        title=original.title,
        kind=original.kind,
        level=original.level,
        retention_years=original.retention_years,
        scope=tuple(sorted(original.scope)),
        copies=1,
        originator=original.originator,
        storage="officer_safe" if original.level == CarrierLevel.TOP_SECRET else "secrecy_room",
        not_to_be_copied=original.not_to_be_copied,
        unit_may_copy=original.unit_may_copy,
        due_back=original.due_back,
        return_by=original.return_by,
        origin="copy",
        derived_from=(original.carrier_id,),
    )
    result = await enter(uow, copy)
    await uow.execute(
        c.RecordCopy(
            carrier_id=original.carrier_id,
            copy_id=command.copy_id,
            serial=result.state.serial,
            approval=command.approval,
            approval_ref=command.approval_ref,
        )
    )
    return result


@dataclass(frozen=True)
class DeriveCarrier:
    """A compilation, excerpt or quotation registered as a carrier of its own (SR-15)."""

    site_id: str
    carrier_id: str
    derivation: Derivation
    sources: tuple[str, ...]
    title: str
    kind: str
    copies: int
    consents: tuple[str, ...] = ()
    level: CarrierLevel | None = None
    retention_years: int | None = None
    scope: tuple[str, ...] | None = None


async def derive_carrier(uow: UnitOfWork, command: DeriveCarrier) -> CommandResult[Any]:
    sources = [await visible_carrier(uow, s) for s in dict.fromkeys(command.sources)]
    level, retention, scope = derived_terms(
        command.derivation,
        sources,
        command.level,
        command.retention_years,
        frozenset(command.scope) if command.scope is not None else None,
        frozenset(command.consents),
    )
    return await enter(
        uow,
        c.RecordCarrier(
            site_id=uow.site_id,
            carrier_id=command.carrier_id,
            title=command.title,
            kind=command.kind,
            level=level,
            retention_years=retention,
            scope=tuple(sorted(scope)),
            copies=command.copies,
            originator=", ".join(sorted({s.originator for s in sources})),
            storage="officer_safe" if level == CarrierLevel.TOP_SECRET else "secrecy_room",
            not_to_be_copied=any(s.not_to_be_copied for s in sources),
            origin=command.derivation,
            derived_from=tuple(s.carrier_id for s in sources),
            consents=command.consents,
        ),
    )


Guarded = c.ChangeCarrierScope | c.ApproveTakeOut | c.StoreCarrier | c.ApproveDestruction
# SR-13 (the leader sets who may know), SR-16 and SR-19 (leader approvals), SR-17 (officer).
GUARDED_ROLES: dict[type[Any], frozenset[str]] = {
    c.ChangeCarrierScope: LEADER,
    c.ApproveTakeOut: LEADER,
    c.ApproveDestruction: LEADER,
    c.StoreCarrier: OFFICER,
}


@dataclass(frozen=True)
class OnCarrier:
    """A plain carrier command run by a person, once they may see the carrier."""

    command: Guarded

    @property
    def site_id(self) -> str:
        return self.command.site_id


async def on_carrier(uow: UnitOfWork, wrapped: OnCarrier) -> CommandResult[Any]:
    command = wrapped.command
    uow.origin.require_role(GUARDED_ROLES[type(command)], type(command).__name__)
    await visible_carrier(uow, command.carrier_id)
    return await uow.execute(command)


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=RegisterCarrier,
        roles=OFFICER,
        site_of=lambda w: w.site_id,
        run=register_carrier,
        numbers=(SERIALS,),
        attempts=3,  # the site's register stream: a concurrent registration re-runs
    ),
    Workflow(
        command=CopyCarrier,
        roles=OFFICER | LEADER,
        site_of=lambda w: w.site_id,
        run=copy_carrier,
        attempts=3,
    ),
    Workflow(
        command=DeriveCarrier,
        roles=OFFICER,
        site_of=lambda w: w.site_id,
        run=derive_carrier,
        attempts=3,
    ),
    Workflow(command=OnCarrier, roles=ANY_STAFF, site_of=lambda w: w.site_id, run=on_carrier),
]
