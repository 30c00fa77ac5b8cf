"""Small helpers every permits decider shares: refusals with the rule ID."""

from typing import NoReturn

from opsledger.errors import DomainError


def refuse(rule: str, message: str, field: str | None = None) -> NoReturn:
    """Refuse the command under `rule` (HTTP 422 naming the rule and the field)."""
    raise DomainError(rule, message, field=field)


def refuse_all(rule: str, what: str, fields: list[str]) -> NoReturn:
    """Refuse naming every field at fault at once (RP-1: everything missing, not the first)."""
    raise DomainError(rule, f"{what}: {', '.join(fields)}", field=fields[0], fields=fields)


def conflict(message: str) -> NoReturn:
    raise DomainError("CONFLICT", message, status=409)
