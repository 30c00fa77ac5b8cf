"""Typed errors the HTTP layer turns into clear 4xx answers."""

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """A command was refused by a business rule.

    `code` is the rule ID from shared/domain/RULES.md (e.g. "WO-1"); `field` names the
    input at fault where there is one, `fields` every one when several are at fault at
    once (e.g. all the missing items of an application), with what is wrong with each in
    `problems` where it says more than `message`. HTTP answers 422 (or `status`), the
    fields as the `fields` of a validation answer, each naming the rule.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        status: int = 422,
        fields: Sequence[str] = (),
        problems: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.field = field or (fields[0] if fields else None)
        self.fields = tuple(fields)
        self.problems = dict(problems or {})
        self.status = status


class NotFoundError(DomainError):
    """The addressed stream or record does not exist."""

    def __init__(self, what: str, ident: str) -> None:
        super().__init__("NOT_FOUND", f"{what} {ident} does not exist", status=404)


class AlreadyExistsError(DomainError):
    """A command that only starts a record found its id taken: 409.

    The kernel gives this same answer when the id is taken at a site the caller may not
    see, so a refusal tells nothing more than "the id is taken" (never which site).
    """

    def __init__(self, what: str, ident: str) -> None:
        super().__init__("CONFLICT", f"{what} {ident} already exists", status=409)
