"""Who runs a command (a person's verified token, or the system), and who may.

`roles(...)`, `SYSTEM_ONLY` and `ANY_STAFF` name who may run a command; `Origin` carries
the actor, the correlation and causation ids and, for a person, the principal.
"""

from dataclasses import dataclass
from uuid import uuid4

from opsledger_contracts import EventEnvelope

from opsledger.auth import ForbiddenError, Principal
from opsledger.runtime import CommandContext


def roles(*names: str) -> frozenset[str]:
    """`roles("dispatcher", "dispatch_lead")`: the roles that may run a command."""
    return frozenset(names)


SYSTEM_ONLY: frozenset[str] = frozenset()
# Any authenticated staff of the stream's site (the decider checks who, e.g. the assignee).
ANY_STAFF: frozenset[str] = frozenset({"*"})


@dataclass(frozen=True)
class Origin:
    """Who runs a command and in answer to what: a person's verified token, or the system.

    A person is authorized by role and site; the system (timers, inbound events) is not.
    """

    actor: str
    correlation_id: str
    causation_id: str | None = None
    principal: Principal | None = None

    @classmethod
    def person(cls, principal: Principal, correlation_id: str | None = None) -> "Origin":
        return cls(principal.staff_id, correlation_id or str(uuid4()), None, principal)

    @classmethod
    def system(cls, component: str, causation_id: str | None = None) -> "Origin":
        return cls(f"system:{component}", str(uuid4()), causation_id)

    @classmethod
    def from_envelope(cls, envelope: EventEnvelope, component: str) -> "Origin":
        """A reaction to another service's event keeps its correlation id."""
        return cls(f"system:{component}", envelope.correlation_id, str(envelope.event_id))

    def require_role(self, roles: frozenset[str], what: str) -> None:
        if self.principal is None or roles == ANY_STAFF:
            return
        if not roles:
            raise ForbiddenError(f"{what} is run by the system only")
        self.principal.authorize(roles)

    @property
    def roles(self) -> frozenset[str]:
        """The person's roles from the token; none for the system."""
        return self.principal.roles if self.principal is not None else frozenset()

    def may_access(self, site_id: str) -> bool:
        return self.principal is None or self.principal.can_access_site(site_id)

    def context(self, site_id: str) -> CommandContext:
        return CommandContext(self.actor, site_id, self.correlation_id, self.causation_id)
