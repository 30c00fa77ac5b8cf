"""RP-8 (rev.2) temporary power, stream `temp-power-<id>`, in its order: engineering
approves and prices, finance charges that price, engineering supplies."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, assert_never

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger_contracts import EventPayload
from opsledger_contracts.events.permits_conduct import (
    TemporaryPowerApplied,
    TemporaryPowerSupplied,
)

from permits.domain.common import conflict, refuse
from permits.domain.conduct.ladder import blank
from permits.domain.power.events import TemporaryPowerApproved, TemporaryPowerCharged
from permits.domain.roles import CUSTOMER_SERVICE, ENGINEERING, FINANCE, FRONT_DESK, MANAGER

RULE = "RP-8"


@dataclass(frozen=True)
class ApplyForTemporaryPower:
    site_id: str
    power_id: str
    permit_id: str
    purpose: str


@dataclass(frozen=True)
class OpenTemporaryPower:
    """The application, once `workflows.works_approvals` found its permit active."""

    application: ApplyForTemporaryPower

    @property
    def site_id(self) -> str:
        return self.application.site_id

    @property
    def power_id(self) -> str:
        return self.application.power_id


@dataclass(frozen=True)
class ApproveTemporaryPower:
    power_id: str
    price_fen: int


@dataclass(frozen=True)
class ChargeTemporaryPower:
    power_id: str
    amount_fen: int
    receipt_no: str


@dataclass(frozen=True)
class SupplyTemporaryPower:
    power_id: str


PowerCommand = (
    OpenTemporaryPower | ApproveTemporaryPower | ChargeTemporaryPower | SupplyTemporaryPower
)


@dataclass(frozen=True)
class PowerState:
    site_id: str = ""
    permit_id: str = ""
    stage: str = ""  # applied, approved, charged, supplied
    price_fen: int = 0


def evolve(state: PowerState, event: Event) -> PowerState:
    state = changed(state, site_id=state.site_id or event.site_id)
    match event.payload:
        case TemporaryPowerApplied() as e:
            return changed(state, permit_id=e.permit_id, stage="applied")
        case TemporaryPowerApproved() as e:
            return changed(state, stage="approved", price_fen=e.price_fen)
        case TemporaryPowerCharged():
            return changed(state, stage="charged")
        case TemporaryPowerSupplied():
            return changed(state, stage="supplied")
    return state


def _after(state: PowerState, stage: str, what: str, field: str) -> None:
    order = ("applied", "approved", "charged", "supplied")
    if order.index(state.stage) > order.index(stage):
        conflict(f"temporary power is already {state.stage}")
    if state.stage != stage:
        refuse(RULE, f"{what} (it is {state.stage})", field)


def _open(application: ApplyForTemporaryPower, ctx: DecisionContext) -> list[EventPayload]:
    if blank(application.purpose):
        refuse(RULE, "what the power is for is required", "purpose")
    return [
        TemporaryPowerApplied(
            power_id=application.power_id,
            permit_id=application.permit_id,
            purpose=application.purpose.strip(),
            received_by=ctx.actor,
        )
    ]


def decide(
    state: PowerState, command: PowerCommand, ctx: DecisionContext
) -> Sequence[EventPayload]:
    if isinstance(command, OpenTemporaryPower):
        return _open(command.application, ctx)
    ids = {"power_id": command.power_id, "permit_id": state.permit_id}
    match command:
        case ApproveTemporaryPower():
            _after(state, "applied", "engineering approves an application", "price_fen")
            if command.price_fen < 0:
                refuse(RULE, "the price is not negative", "price_fen")
            return [
                TemporaryPowerApproved(**ids, approved_by=ctx.actor, price_fen=command.price_fen)
            ]
        case ChargeTemporaryPower():
            _after(
                state,
                "approved",
                "finance charges only after engineering approved and priced",
                "amount_fen",
            )
            if command.amount_fen != state.price_fen:
                refuse(
                    RULE,
                    f"the charge is the price engineering set ({state.price_fen} fen)",
                    "amount_fen",
                )
            if blank(command.receipt_no):
                refuse(RULE, "the receipt number is required", "receipt_no")
            return [
                TemporaryPowerCharged(
                    **ids,
                    charged_by=ctx.actor,
                    amount_fen=command.amount_fen,
                    receipt_no=command.receipt_no.strip(),
                )
            ]
        case SupplyTemporaryPower():
            _after(state, "charged", "engineering supplies only after finance charged", "power_id")
            return [TemporaryPowerSupplied(**ids, supplied_by=ctx.actor, supplied_at=ctx.now)]
        case _:
            assert_never(command)


def power_stream(power_id: str) -> str:
    return f"temp-power-{power_id}"


def _stream_id(command: Any) -> str:
    return power_stream(command.power_id)


TEMPORARY_POWER: Aggregate[PowerState, PowerCommand] = Aggregate(
    stream_type="TemporaryPower",
    stream_prefix="temp-power-",
    initial=PowerState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        OpenTemporaryPower: (FRONT_DESK | CUSTOMER_SERVICE | MANAGER | ENGINEERING, decide),
        ApproveTemporaryPower: (ENGINEERING, decide),
        ChargeTemporaryPower: (FINANCE, decide),
        SupplyTemporaryPower: (ENGINEERING, decide),
    },
    creates=frozenset({OpenTemporaryPower}),
)
