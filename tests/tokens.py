"""Bearer headers for tests that drive a service's clock."""

from collections.abc import Iterator, Mapping, Sequence

from opsledger.auth import TokenService


class Bearer(Mapping[str, str]):
    """An `Authorization` header whose token is minted each time a request reads it, on the
    service's own clock: a test may keep one across clock jumps of days (a real client
    would fetch a new token), while every token stays as short-lived as the service wants."""

    def __init__(
        self, tokens: TokenService, staff: str, roles: Sequence[str], sites: Sequence[str]
    ) -> None:
        self._tokens, self._staff, self._roles, self._sites = tokens, staff, roles, sites

    def __getitem__(self, name: str) -> str:
        if name != "Authorization":
            raise KeyError(name)
        return f"Bearer {self._tokens.mint(self._staff, self._roles, self._sites)}"

    def __iter__(self) -> Iterator[str]:
        return iter(("Authorization",))

    def __len__(self) -> int:
        return 1
