"""An aggregate declares once when its stream is closed; the kernel refuses every later
command there, before any handler runs. A command is registered once: roles + handler."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
from opsledger.auth import ForbiddenError, Principal
from opsledger.catalog import EventCatalog
from opsledger.clock import ManualClock
from opsledger.decider import Aggregate, DecisionContext, Event, PrivateEvent
from opsledger.errors import DomainError
from opsledger.eventstore import EventStore
from opsledger.metrics import Metrics
from opsledger.pipeline import CommandBus, Origin, roles
from opsledger.runtime import Runtime
from opsledger.testing import given
from opsledger_contracts import EventPayload
from sqlalchemy.ext.asyncio import AsyncEngine

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


class LampInstalled(PrivateEvent):
    """Test event."""

    event_type: ClassVar[str] = "LampInstalled"
    service: ClassVar[str] = "kerneltest"

    lamp_id: str


class LampLit(PrivateEvent):
    """Test event."""

    event_type: ClassVar[str] = "LampLit"
    service: ClassVar[str] = "kerneltest"


class LampRemoved(PrivateEvent):
    """Test event."""

    event_type: ClassVar[str] = "LampRemoved"
    service: ClassVar[str] = "kerneltest"


@dataclass(frozen=True)
class InstallLamp:
    site_id: str
    lamp_id: str


@dataclass(frozen=True)
class LightLamp:
    lamp_id: str


@dataclass(frozen=True)
class RemoveLamp:
    lamp_id: str


@dataclass(frozen=True)
class Lamp:
    lamp_id: str = ""
    site_id: str = ""
    lit: int = 0
    removed: bool = False


def evolve(state: Lamp, event: Event) -> Lamp:
    match event.payload:
        case LampInstalled(lamp_id=lamp_id):
            return Lamp(lamp_id=lamp_id, site_id=event.site_id)
        case LampLit():
            return replace(state, lit=state.lit + 1)
        case LampRemoved():
            return replace(state, removed=True)
    return state


HANDLED: list[str] = []  # which handlers ran


def install(state: Lamp, command: InstallLamp, ctx: DecisionContext) -> Sequence[EventPayload]:
    HANDLED.append("install")
    return [LampInstalled(lamp_id=command.lamp_id)]


def light(state: Lamp, command: LightLamp, ctx: DecisionContext) -> Sequence[EventPayload]:
    HANDLED.append("light")
    return [LampLit()]


def remove(state: Lamp, command: RemoveLamp, ctx: DecisionContext) -> Sequence[EventPayload]:
    HANDLED.append("remove")
    return [LampRemoved()]


def closed(state: Lamp) -> DomainError | None:
    if state.removed:
        return DomainError("L-9", f"lamp {state.lamp_id} was removed: it takes no command")
    return None


LAMP: Aggregate[Lamp, Any] = Aggregate(
    stream_type="Lamp",
    stream_prefix="lamp-",
    initial=Lamp(),
    evolve=evolve,
    stream_id=lambda c: f"lamp-{c.lamp_id}",
    commands={
        InstallLamp: (roles("electrician"), install),
        LightLamp: (roles("electrician", "caretaker"), light),
        RemoveLamp: (roles("electrician"), remove),
    },
    closed=closed,
    creates=frozenset({InstallLamp}),
)


@pytest.fixture(autouse=True)
def _fresh_log() -> None:
    HANDLED.clear()


def test_a_closed_stream_refuses_every_command_before_its_handler() -> None:
    scenario = given(LAMP, LampInstalled(lamp_id="l1"), LampLit(), at=START)
    scenario.record(RemoveLamp("l1"), at=START)
    HANDLED.clear()
    for command in (LightLamp("l1"), RemoveLamp("l1"), InstallLamp("site-a", "l1")):
        error = scenario.refuses(command, "L-9", at=START)
        assert "was removed" in error.message
    assert HANDLED == []  # no handler ran on the closed stream


def test_an_open_stream_runs_the_registered_handler() -> None:
    scenario = given(LAMP, LampInstalled(lamp_id="l1"), at=START)
    assert scenario.when(LightLamp("l1"), at=START) == [LampLit()]
    assert HANDLED == ["light"]


def test_a_command_is_registered_with_its_roles_and_handler_together() -> None:
    assert LAMP.roles(LightLamp) == {"electrician", "caretaker"}
    with pytest.raises(TypeError, match=r"register LightLamp as \(roles, handler\)"):
        Aggregate(
            stream_type="Lamp",
            stream_prefix="lamp-",
            initial=Lamp(),
            evolve=evolve,
            stream_id=lambda c: "x",
            commands={LightLamp: roles("electrician")},  # type: ignore[dict-item]
        )
    with pytest.raises(TypeError, match="Lamp does not handle str"):
        given(LAMP, at=START).when("switch it on", at=START)


async def test_the_pipeline_refuses_a_closed_stream_with_the_rule(engine: AsyncEngine) -> None:
    runtime = Runtime("kerneltest", engine, ManualClock(START), Metrics("kerneltest"), EventStore())
    catalog = EventCatalog([LampInstalled, LampLit, LampRemoved], service="kerneltest")
    bus = CommandBus(runtime, catalog, [LAMP])
    electrician = Origin.person(Principal("e1", frozenset({"electrician"}), frozenset({"site-a"})))
    caretaker = Origin.person(Principal("c1", frozenset({"caretaker"}), frozenset({"site-a"})))
    await bus.run(InstallLamp("site-a", "l1"), electrician)
    await bus.run(LightLamp("l1"), caretaker)  # roles from the one registration
    with pytest.raises(ForbiddenError):
        await bus.run(RemoveLamp("l1"), caretaker)
    await bus.run(RemoveLamp("l1"), electrician)
    HANDLED.clear()
    with pytest.raises(DomainError) as refused:
        await bus.run(LightLamp("l1"), electrician)
    assert refused.value.code == "L-9"
    with pytest.raises(DomainError) as refused_system:  # a timer or an inbound event too
        await bus.run(LightLamp("l1"), Origin.system("test"))
    assert refused_system.value.code == "L-9"
    assert HANDLED == []
    async with runtime.transaction() as tx:
        assert len(await tx.read_stream("lamp-l1")) == 3
