"""SR-11 rev.2: by-products of producing a carrier that are not archived (drafts,
misprints, proofs, waste) are carriers of their own, registered to be destroyed promptly
(SR-19); a by-product to be archived is registered as any carrier (`POST /carriers`)."""

from dataclasses import dataclass
from typing import Any, Literal

from opsledger.pipeline import CommandResult, UnitOfWork, Workflow

from secrets_registry.domain.carriers import commands as c
from secrets_registry.domain.clearance import CarrierLevel
from secrets_registry.domain.roles import OFFICER
from secrets_registry.workflows.carriers import SERIALS, enter, visible_carrier

ByProductKind = Literal["draft", "misprint", "proof", "waste"]


@dataclass(frozen=True)
class RegisterByProduct:
    """The officer registers what producing `carrier_id` left over, to be destroyed."""

    site_id: str
    carrier_id: str
    by_product_id: str
    by_product_kind: ByProductKind
    copies: int


async def register_by_product(uow: UnitOfWork, command: RegisterByProduct) -> CommandResult[Any]:
    source = await visible_carrier(uow, command.carrier_id)
    # It holds what its source holds: the same level, retention, scope and originator.
    return await enter(
        uow,
        c.RecordCarrier(
            site_id=uow.site_id,
            carrier_id=command.by_product_id,
            title=f"{command.by_product_kind} of {source.title}"[:300],
            kind=f"by_product:{command.by_product_kind}",
            level=source.level,
            retention_years=source.retention_years,
            scope=tuple(sorted(source.scope)),
            copies=command.copies,
            originator=source.originator,
            storage="officer_safe" if source.level == CarrierLevel.TOP_SECRET else "secrecy_room",
            not_to_be_copied=True,
            origin="by_product",
            derived_from=(source.carrier_id,),
        ),
    )


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=RegisterByProduct,
        roles=OFFICER,
        site_of=lambda w: w.site_id,
        run=register_by_product,
        numbers=(SERIALS,),
        attempts=3,
    ),
]
