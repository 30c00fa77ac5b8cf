"""The toy service's key and tokens, shared by the kernel tests that serve it over HTTP."""

from datetime import UTC, datetime

from opsledger.auth import MAX_TOKEN_LIFETIME, TokenService
from opsledger.clock import ManualClock

from tests.processes import random_key

SECRET = random_key()
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def auth(staff: str, roles: str, sites: str = "site-a") -> dict[str, str]:
    """A header for the toy service (audience `permits`), minted at START, the clock of
    the services under test (they check iat and exp)."""
    tokens = TokenService(SECRET, clock=ManualClock(START), audience="permits")
    token = tokens.mint(staff, roles.split(","), sites.split(","), MAX_TOKEN_LIFETIME)
    return {"Authorization": f"Bearer {token}"}
