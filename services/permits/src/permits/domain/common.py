"""Small helpers every permits decider shares: refusals with the rule ID."""

from typing import NoReturn

from opsledger.errors import DomainError


def refuse(rule: str, message: str, field: str | None = None) -> NoReturn:
    """Refuse the command under `rule` (HTTP 422 naming the rule and the field)."""
    raise DomainError(rule, message, field=field)


def refuse_all(rule: str, what: str, fields: list[str], problem: str = "missing") -> NoReturn:
    """Refuse naming every field at fault at once (RP-1: everything missing, not the first),
    each with the same short `problem`."""
    message = f"{what}: {', '.join(fields)}"
    problems = dict.fromkeys(fields, problem)
    raise DomainError(rule, message, field=fields[0], fields=fields, problems=problems)


def conflict(message: str) -> NoReturn:
    raise DomainError("CONFLICT", message, status=409)
