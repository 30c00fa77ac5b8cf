"""Flow 4: the registry's clearances as dispatch knows them, for the desk to pick from.

A board names candidates only; the issuing workflow decides on the clearance streams
(WO-12). Ids, levels and dates only: nothing else of a personnel file reaches dispatch.
"""

import sqlalchemy as sa
from opsledger.readmodels import ReadModel, column

from dispatch.domain.clearances import CLEARANCE, ClearanceState


def _key_locations(state: ClearanceState) -> str:
    return ",".join(sorted(state.key_locations))


CLEARANCES: ReadModel[ClearanceState] = ReadModel(
    name="dispatch_secrecy_clearances",
    aggregate=CLEARANCE,
    columns=[
        column("person_id", sa.String(120), primary_key=True),
        column("site_id", sa.String(64)),
        column("level", sa.String(16), nullable=True),
        column("key_locations", sa.String(7000), _key_locations),
        column("pledge_valid_until", sa.Date, nullable=True),
        column("ended", sa.String(32)),
    ],
    indexes=[("site_id", "level")],
)
