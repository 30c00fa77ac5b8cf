"""Authentication against a running service: what a token must carry to be accepted.

Tokens are built claim by claim with PyJWT (not with our minting code), so each case is
exactly the token an attacker or a broken client could send. Every refusal is a 401 with
the UNAUTHENTICATED body; none is a 500.
"""

import time
from typing import Any

import httpx
import jwt
import pytest

from tests.processes import TEST_SECRET, ServiceProcess
from tests.security.conftest import bearer

pytestmark = pytest.mark.slow

PROBE = "/diagnostics/pings/no-such-ping"  # 404 with a valid token, 401 without


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "agent-1",
        "iss": "opsledger",
        "aud": "dispatch",
        "iat": now,
        "exp": now + 600,
        "roles": ["agent"],
        "sites": ["site-a"],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def call(service: ServiceProcess, token_claims: dict[str, Any]) -> httpx.Response:
    token = jwt.encode(token_claims, TEST_SECRET, algorithm="HS256")
    return httpx.get(service.url + PROBE, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_a_well_formed_token_for_this_service_is_accepted(
    dispatch_process: ServiceProcess,
) -> None:
    assert call(dispatch_process, claims()).status_code == 404
    assert call(dispatch_process, claims(aud=["callcenter", "dispatch"])).status_code == 404
    answer = httpx.get(dispatch_process.url + PROBE, headers=bearer("dispatch"), timeout=10)
    assert answer.status_code == 404


NOW = int(time.time())


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"aud": "callcenter"}, "a token for another service"),
        ({"aud": None}, "no audience"),
        ({"iat": None}, "no issued-at"),
        ({"iat": NOW + 3600, "exp": NOW + 4000}, "issued an hour in the future"),
        ({"iat": NOW - 60, "exp": NOW + 13 * 3600}, "a lifetime beyond 12 h"),
        ({"iat": NOW - 7200, "exp": NOW - 120}, "expired two minutes ago"),
        ({"sites": "site-a"}, "sites not a list"),
        ({"roles": 7}, "roles a number"),
        ({"roles": [1, 2]}, "roles not strings"),
        ({"exp": "tomorrow"}, "exp a string"),
        ({"iat": "now"}, "iat a string"),
        ({"exp": True}, "exp a boolean"),
        ({"sub": "x" * 201}, "a staff id longer than the actor column"),
        ({"sub": ""}, "an empty staff id"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_token_without_a_valid_claim_is_401_with_a_clear_body(
    dispatch_process: ServiceProcess, overrides: dict[str, Any], why: str
) -> None:
    answer = call(dispatch_process, claims(**overrides))
    assert answer.status_code == 401, f"{why}: {answer.status_code} {answer.text}"
    body = answer.json()
    assert body["error"]["code"] == "UNAUTHENTICATED"
    assert body["error"]["message"].startswith(("invalid token", "token expired"))


def test_clocks_may_differ_by_the_leeway(dispatch_process: ServiceProcess) -> None:
    now = int(time.time())
    ahead = claims(iat=now + 10, exp=now + 600)  # the minting clock is 10 s ahead
    just_expired = claims(iat=now - 600, exp=now - 10)  # ours is 10 s ahead of theirs
    assert call(dispatch_process, ahead).status_code == 404
    assert call(dispatch_process, just_expired).status_code == 404
