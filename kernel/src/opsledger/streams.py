"""Which records a stream id may name, and which stream a loaded history belongs to.

A stream id is a declared prefix and ids a client chose (`vehicle-` + `V1`). Prefixes
of one service may nest (`vehicle-` and `vehicle-request-`; `work-order-` and the
numbering scope `work-order-serials-`), so a client id could spell another record's
stream (`vehicle-` + `request-R1`). The rule, checked once at start-up and on every
command: every aggregate and numbering scope declares its prefix, no two share one,
and an id that would make a stream id beginning with another owner's longer prefix is
refused (422 naming the field) before anything is read. Loads check the other side: a
stream's first event records the aggregate (`stream_type`) and the site it belongs to,
and a stream of another aggregate or of a site the caller may not see answers exactly as
a missing one.
"""

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from opsledger.errors import DomainError
from opsledger.eventstore import RecordedEvent

__all__ = ["NUMBERING", "StreamPrefixes", "belongs_to", "recorded_site", "visible"]

NUMBERING = "Numbering"  # the stream type of the kernel's gap-free number streams


@dataclass(frozen=True)
class StreamPrefixes:
    """Every stream prefix of one service and, for each, the longer ones it must not make."""

    owners: dict[str, str]
    nested: dict[str, tuple[str, ...]]
    numbering: frozenset[str]

    @classmethod
    def of(
        cls, aggregates: Iterable[tuple[str, str]], numbering: Iterable[str] = ()
    ) -> "StreamPrefixes":
        """`aggregates`: (stream type, prefix) pairs; `numbering`: prefixes of number scopes.

        Refuses an empty prefix and one declared by two owners.
        """
        numbering = frozenset(numbering)
        owners: dict[str, str] = {}
        declared = [*aggregates, *((NUMBERING, p) for p in sorted(numbering))]
        for owner, prefix in declared:
            if not prefix:
                raise ValueError(f"{owner} declares no stream prefix")
            if prefix in owners and owners[prefix] != owner:
                raise ValueError(
                    f"stream prefix {prefix!r} is declared by both {owners[prefix]} and {owner}"
                )
            owners[prefix] = owner
        nested = {
            prefix: tuple(
                sorted((p for p in owners if p != prefix and p.startswith(prefix)), key=len)
            )
            for prefix in owners
        }
        return cls(owners, nested, numbering)

    def check(self, prefix: str, stream_id: str, command: Any) -> None:
        """422 if `command`'s ids make `stream_id` name another owner's stream."""
        if not stream_id.startswith(prefix):
            raise TypeError(f"stream id {stream_id!r} does not begin with its prefix {prefix!r}")
        for longer in self.nested.get(prefix, ()):
            if stream_id.startswith(longer):
                field, value = _field_of(command, prefix, stream_id)
                reserved = longer[len(prefix) :]
                raise DomainError(
                    "VALIDATION",
                    f"{field} {value!r} may not begin with {reserved!r}: ids of this kind "
                    f"that begin with {reserved!r} would name another record's stream",
                    field=field,
                )

    def check_scope(self, scope: str) -> None:
        """A numbering scope must begin with a declared numbering prefix (and no longer one)."""
        matches = [p for p in self.owners if scope.startswith(p)]
        if not matches or max(matches, key=len) not in self.numbering:
            raise TypeError(f"numbering scope {scope!r} is not under a declared numbering prefix")


def _field_of(command: Any, prefix: str, stream_id: str) -> tuple[str, str]:
    """The command's id field that follows the prefix in the stream id (for the 422)."""
    values: Sequence[tuple[str, Any]] = (
        [(f.name, getattr(command, f.name)) for f in dataclasses.fields(command)]
        if dataclasses.is_dataclass(command)
        else list(vars(command).items())
    )
    rest = stream_id[len(prefix) :]
    for name, value in values:
        if isinstance(value, str) and value and rest.startswith(value):
            return name, value
    return "id", rest


def belongs_to(history: Sequence[RecordedEvent], stream_type: str) -> bool:
    """Whether a non-empty stream was written by the aggregate `stream_type`."""
    return history[0].stream_type == stream_type


def recorded_site(history: Sequence[RecordedEvent]) -> str:
    """The site a stream belongs to: the one recorded with its first event."""
    return history[0].site_id


def visible(
    history: Sequence[RecordedEvent], stream_type: str, may_access: Callable[[str], bool]
) -> bool:
    """A non-empty stream is the aggregate `stream_type`'s and of a site the caller may see."""
    return belongs_to(history, stream_type) and may_access(recorded_site(history))
