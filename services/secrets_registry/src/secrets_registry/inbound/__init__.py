"""Events that the registry turns into commands, one module per source service.

None today: the registry decides only on what its own staff record (flow 4 runs the other
way, registry → dispatch). The room is here so every service has the same skeleton.
"""

from opsledger.pipeline import Inbound

INBOUND: list[Inbound] = []
