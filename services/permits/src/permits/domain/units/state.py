"""A unit of the register as the deciders see it."""

from dataclasses import dataclass
from datetime import datetime

from opsledger.decider import Event, changed

from permits.domain.units.commands import Owner
from permits.domain.units.events import UnitOwnersChanged, UnitPermitApplied, UnitRegistered


@dataclass(frozen=True)
class UnitState:
    unit_id: str = ""
    site_id: str = ""
    label: str = ""
    owners: tuple[Owner, ...] = ()
    handbook_signed_at_handover: bool = False
    registered_at: datetime | None = None
    permits: tuple[str, ...] = ()

    def owner(self, owner_id: str) -> Owner | None:
        return next((o for o in self.owners if o.owner_id == owner_id), None)

    @property
    def owner_names(self) -> str:
        return ", ".join(o.name for o in self.owners)


def evolve(state: UnitState, event: Event) -> UnitState:
    match event.payload:
        case UnitRegistered() as e:
            return changed(
                state,
                unit_id=e.unit_id,
                site_id=event.site_id,
                label=e.label,
                owners=tuple(Owner(o.owner_id, o.name) for o in e.owners),
                handbook_signed_at_handover=e.handbook_signed_at_handover,
                registered_at=event.occurred_at,
            )
        case UnitOwnersChanged() as e:
            return changed(state, owners=tuple(Owner(o.owner_id, o.name) for o in e.owners))
        case UnitPermitApplied() as e:
            return changed(state, permits=(*state.permits, e.permit_id))
    return state
