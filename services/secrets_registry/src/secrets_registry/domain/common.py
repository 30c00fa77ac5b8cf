"""Refusals every registry decider shares: a rule ID and the field, or a conflict."""

from typing import NoReturn

from opsledger.errors import DomainError


def refuse(rule: str, message: str, field: str | None = None) -> NoReturn:
    """Refuse the command under `rule` (HTTP 422 naming the rule and the field)."""
    raise DomainError(rule, message, field=field)


def conflict(message: str) -> NoReturn:
    raise DomainError("CONFLICT", message, status=409)


def blank(text: str) -> bool:
    return not text.strip()
