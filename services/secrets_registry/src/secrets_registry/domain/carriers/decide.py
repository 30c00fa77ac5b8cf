"""What a carrier decides (SR-11 … SR-19): pure, every refusal names its rule."""

from datetime import datetime
from typing import NoReturn, assert_never

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload

from secrets_registry.domain.carriers import commands as c
from secrets_registry.domain.carriers import events as ev
from secrets_registry.domain.carriers import lockaway
from secrets_registry.domain.carriers.state import DESTROYED, STORED, CarrierState
from secrets_registry.domain.clearance import CarrierLevel

TS = CarrierLevel.TOP_SECRET
CONFIDENTIAL_CHANNELS = frozenset({"confidential_courier", "confidential_post", "dedicated_person"})
OUT_OF_TOWN_TS = frozenset({"confidential_courier", "confidential_post"})
PRODUCERS = frozenset({"print_room", "designated_printer"})
LEADERS = frozenset({"unit_leader", "admin"})


def refuse(rule: str, message: str, field: str | None = None) -> NoReturn:
    raise DomainError(rule, message, field=field)


def _in_custody(state: CarrierState, rule: str, what: str) -> None:
    if state.status != STORED:
        where = "destroyed" if state.status == DESTROYED else state.status.replace("_", " ")
        refuse(rule, f"carrier {state.carrier_id} is {where}: it cannot be {what}")


def _only_destroyed(state: CarrierState, what: str) -> None:
    """SR-11 rev.2: a by-product not archived is destroyed promptly (SR-19), nothing else."""
    if state.origin == "by_product":
        refuse(
            "SR-11",
            f"carrier {state.carrier_id} is a by-product to be destroyed: it cannot be {what}",
        )


def _record(command: c.RecordCarrier) -> list[EventPayload]:
    needs_serial = command.level in (TS, CarrierLevel.SECRET)
    if needs_serial and not command.serial:
        refuse("SR-11", "top secret and secret carriers have a serial number", "serial")
    if not command.scope or any(not s.strip() for s in command.scope):
        refuse("SR-11", "a carrier has a distribution scope", "scope")
    if command.origin == "by_product" and len(command.derived_from) != 1:
        refuse("SR-11", "a by-product names the carrier it was produced for", "carrier_id")
    if command.origin == "original" and command.produced_at not in PRODUCERS:
        refuse(
            "SR-11",
            "carriers are produced only in the unit's print room or a designated printer",
            "produced_at",
        )
    if command.origin == "received" and command.channel not in CONFIDENTIAL_CHANNELS:
        refuse(
            "SR-12",
            "a carrier travels only by confidential courier, post or a dedicated person",
            "channel",
        )
    if command.level == TS and command.storage != "officer_safe":
        refuse("SR-17", "top secret is kept in the safe run by the secrecy officer", "storage")
    if command.due_back and command.return_by is None:
        refuse("SR-17", "a carrier due back to its originator names the date", "return_by")
    return [
        ev.CarrierRegistered(
            carrier_id=command.carrier_id,
            title=command.title,
            kind=command.kind,
            level=command.level,
            retention_years=command.retention_years,
            scope=tuple(sorted(set(command.scope))),
            copies=command.copies,
            serial=command.serial if needs_serial else None,
            originator=command.originator,
            not_to_be_copied=command.not_to_be_copied,
            unit_may_copy=command.unit_may_copy,
            due_back=command.due_back,
            return_by=command.return_by,
            storage=command.storage,
            origin=command.origin,
            derived_from=command.derived_from,
            received_from=command.received_from,
            channel=command.channel,
            consents=command.consents,
        )
    ]


def _copy(state: CarrierState, command: c.RecordCopy, ctx: DecisionContext) -> list[EventPayload]:
    _in_custody(state, "SR-14", "copied")
    _only_destroyed(state, "copied")
    if state.not_to_be_copied:
        refuse("SR-14", "the carrier is marked not to be copied: never copied, whoever approves")
    by_authority = command.approval in ("originating_authority", "higher_authority")
    if by_authority and not command.approval_ref:
        refuse("SR-14", "name the authority's approval document", "approval_ref")
    if state.level == TS and not by_authority:
        refuse(
            "SR-14",
            "a top-secret copy needs the approval of the originating (or a higher) authority",
            "approval",
        )
    if command.approval == "unit_leader":
        if not state.unit_may_copy:
            refuse("SR-14", "the originator does not allow the unit to copy it", "approval")
        if not ctx.roles & LEADERS:
            refuse(
                "SR-14", "the unit leader approves a copy with their own credentials", "approval"
            )
    return [
        ev.CarrierCopied(
            carrier_id=state.carrier_id,
            copy_id=command.copy_id,
            serial=command.serial,
            approval=command.approval,
            approval_ref=command.approval_ref,
            approved_by=ctx.actor
            if command.approval == "unit_leader"
            else command.approval_ref or "",
        )
    ]


def _scope(
    state: CarrierState, command: c.ChangeCarrierScope, ctx: DecisionContext
) -> list[EventPayload]:
    added = tuple(sorted(set(command.add) - state.scope))
    removed = tuple(sorted(set(command.remove) & state.scope))
    if not added and not removed:
        refuse("SR-13", "the change neither widens nor narrows the scope", "add")
    if not (state.scope | set(added)) - set(removed):
        refuse("SR-13", "a carrier keeps a distribution scope", "remove")
    return [
        ev.CarrierScopeChanged(
            carrier_id=state.carrier_id,
            added=added,
            removed=removed,
            changed_by=ctx.actor,
            reason=command.reason,
        )
    ]


def _sign_out(
    state: CarrierState, command: c.RecordSignOut, lock_away_by: datetime
) -> list[EventPayload]:
    _in_custody(state, "SR-13", "signed out")
    if not state.visible_to(command.holder):
        refuse(
            "SR-13",
            f"{command.person_id} is not cleared for this carrier's level or scope",
            "person_id",
        )
    return [
        ev.CarrierSignedOut(
            carrier_id=state.carrier_id,
            person_id=command.person_id,
            purpose=command.purpose,
            lock_away_by=lock_away_by,  # SR-17 rev.2
        )
    ]


def _send(state: CarrierState, command: c.RecordSending) -> list[EventPayload]:
    _in_custody(state, "SR-12", "sent")
    _only_destroyed(state, "sent")
    if command.channel not in CONFIDENTIAL_CHANNELS:
        refuse(
            "SR-12",
            "a carrier travels only by confidential courier, confidential post or a dedicated "
            "person, never by ordinary post or courier",
            "channel",
        )
    if state.level == TS and command.out_of_town and command.channel not in OUT_OF_TOWN_TS:
        refuse(
            "SR-12", "top secret leaves the city only by confidential courier or post", "channel"
        )
    if len(set(command.escorts)) < 2:
        refuse("SR-12", "a carrier is always escorted by two people", "escorts")
    return [
        ev.CarrierSent(
            carrier_id=state.carrier_id,
            channel=command.channel,
            destination=command.destination,
            out_of_town=command.out_of_town,
            escorts=(command.escorts[0], command.escorts[1]),
            package_no=command.package_no,
            to_originator=command.to_originator,
        )
    ]


def _never_ts(state: CarrierState, abroad: bool, foreign_affairs: bool) -> None:
    if state.level == TS and abroad:
        refuse("SR-16", "top secret is never taken abroad", "abroad")
    if state.level == TS and foreign_affairs:
        refuse("SR-16", "top secret is never taken to a foreign-affairs event", "foreign_affairs")


def _approve_take_out(
    state: CarrierState, command: c.ApproveTakeOut, ctx: DecisionContext
) -> list[EventPayload]:
    _in_custody(state, "SR-16", "taken out")
    _only_destroyed(state, "taken out")
    _never_ts(state, command.abroad, command.foreign_affairs)
    return [
        ev.CarrierTakeOutApproved(
            carrier_id=state.carrier_id,
            destination=command.destination,
            abroad=command.abroad,
            foreign_affairs=command.foreign_affairs,
            approved_by=ctx.actor,
        )
    ]


def _take_out(state: CarrierState, command: c.RecordTakeOut) -> list[EventPayload]:
    _in_custody(state, "SR-16", "taken out")
    _only_destroyed(state, "taken out")
    _never_ts(state, command.abroad, command.foreign_affairs)
    approval = state.take_out_approval
    needs_approval = state.level == TS or command.abroad or command.foreign_affairs
    if needs_approval and (
        approval is None
        or approval.destination != command.destination
        or approval.abroad != command.abroad
        or approval.foreign_affairs != command.foreign_affairs
    ):
        refuse(
            "SR-16", "taking this carrier out there needs a leader's approval first", "destination"
        )
    if state.level == TS and len(set(command.people)) < 2:
        refuse("SR-16", "top secret is taken out by at least two people", "people")
    return [
        ev.CarrierTakenOut(
            carrier_id=state.carrier_id, destination=command.destination, people=command.people
        )
    ]


def _store(state: CarrierState, command: c.StoreCarrier) -> list[EventPayload]:
    _in_custody(state, "SR-17", "moved to another store")
    if state.level == TS and command.storage != "officer_safe":
        refuse("SR-17", "top secret is kept in the safe run by the secrecy officer", "storage")
    return [ev.CarrierStored(carrier_id=state.carrier_id, storage=command.storage)]


def _never_destroyed_locally(state: CarrierState) -> None:
    if state.due_back:
        refuse(
            "SR-17",
            "a carrier due back to its originator is never destroyed locally: return it",
        )


def _approve_destruction(
    state: CarrierState, command: c.ApproveDestruction, ctx: DecisionContext
) -> list[EventPayload]:
    _in_custody(state, "SR-19", "destroyed")
    _never_destroyed_locally(state)
    if command.count != state.copies:
        refuse("SR-19", f"the count destroyed is the register's count ({state.copies})", "count")
    return [
        ev.CarrierDestructionApproved(
            carrier_id=state.carrier_id,
            count=command.count,
            method=command.method,
            approved_by=ctx.actor,
        )
    ]


def _destroy(state: CarrierState, command: c.RecordDestruction) -> list[EventPayload]:
    _in_custody(state, "SR-19", "destroyed")
    _never_destroyed_locally(state)
    approval = state.destruction_approval
    if approval is None:
        refuse("SR-19", "destruction needs a leader's approval and a count first")
    if len(set(command.witnesses)) < 2:
        refuse("SR-19", "two or more escorts witness the destruction: one is refused", "witnesses")
    return [
        ev.CarrierDestroyed(
            carrier_id=state.carrier_id,
            method=approval.method,
            place=command.place,
            count=approval.count,
            witnesses=command.witnesses,
        )
    ]


def decide(
    state: CarrierState, command: c.CarrierCommand, ctx: DecisionContext
) -> list[EventPayload]:
    match command:
        case c.RecordCarrier():
            return _record(command)
        case c.RecordCopy():
            return _copy(state, command, ctx)
        case c.ChangeCarrierScope():
            return _scope(state, command, ctx)
        case c.RecordSignOut():
            return _sign_out(state, command, lockaway.lock_away_by(ctx.site, ctx.now))
        case c.CheckLockedAway():
            return lockaway.check(state, command)
        case c.RecordSignIn():
            if state.status != "signed_out":
                refuse("SR-13", f"carrier {state.carrier_id} is not signed out")
            return [ev.CarrierSignedIn(carrier_id=state.carrier_id, person_id=state.holder[0])]
        case c.RecordSending():
            return _send(state, command)
        case c.ApproveTakeOut():
            return _approve_take_out(state, command, ctx)
        case c.RecordTakeOut():
            return _take_out(state, command)
        case c.RecordBringBack():
            if state.status != "taken_out":
                refuse("SR-16", f"carrier {state.carrier_id} is not taken out")
            return [ev.CarrierBroughtBack(carrier_id=state.carrier_id)]
        case c.StoreCarrier():
            return _store(state, command)
        case c.MarkInventoried():
            return [
                ev.CarrierInventoried(
                    carrier_id=state.carrier_id, on=command.on, inventory_id=command.inventory_id
                )
            ]
        case c.ApproveDestruction():
            return _approve_destruction(state, command, ctx)
        case c.RecordDestruction():
            return _destroy(state, command)
        case _:
            assert_never(command)
