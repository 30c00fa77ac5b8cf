"""Bearer tokens (HS256 JWT with expiry) carrying staff id, roles and sites."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from opsledger.clock import Clock, SystemClock

ALL_SITES = "*"
_ALGORITHM = "HS256"


class AuthError(Exception):
    """401: no token, a bad signature, or an expired token.

    `reason` is one of metrics.AUTH_FAILURE_REASONS (the label of the failure counter).
    """

    def __init__(self, message: str, reason: str = "invalid_claims") -> None:
        super().__init__(message)
        self.reason = reason


def _reason(exc: jwt.PyJWTError) -> str:
    # InvalidSignatureError is a DecodeError: test it first. `alg: none` and other
    # algorithms than ours count as a bad signature.
    if isinstance(exc, (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError)):
        return "bad_signature"
    if isinstance(exc, jwt.ExpiredSignatureError):
        return "expired"
    if isinstance(exc, jwt.DecodeError):
        return "malformed"
    return "invalid_claims"


class ForbiddenError(Exception):
    """403: a valid token whose roles or sites do not allow the command."""


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, from a verified token."""

    staff_id: str
    roles: frozenset[str]
    sites: frozenset[str]

    def can_access_site(self, site_id: str) -> bool:
        return ALL_SITES in self.sites or site_id in self.sites

    def authorize(self, roles: Iterable[str], site_id: str | None = None) -> None:
        """Raise `ForbiddenError` unless the caller has one of `roles` (and the site)."""
        allowed = frozenset(roles)
        if allowed and not (self.roles & allowed or "admin" in self.roles):
            raise ForbiddenError(
                f"staff {self.staff_id} needs one of the roles {', '.join(sorted(allowed))}"
            )
        if site_id is not None and not self.can_access_site(site_id):
            raise ForbiddenError(f"staff {self.staff_id} may not act for site {site_id}")


class TokenService:
    def __init__(self, secret: str, issuer: str = "opsledger", clock: Clock | None = None) -> None:
        if len(secret) < 32:
            raise ValueError("auth secret must be at least 32 characters")
        self._secret = secret
        self._issuer = issuer
        self._clock = clock or SystemClock()

    def mint(
        self,
        staff_id: str,
        roles: Iterable[str],
        sites: Iterable[str],
        ttl: timedelta = timedelta(hours=12),
    ) -> str:
        if ttl <= timedelta(0):
            raise ValueError(f"token lifetime must be positive, got {ttl}")
        now = self._clock.now()
        claims: dict[str, Any] = {
            "sub": staff_id,
            "roles": sorted(set(roles)),
            "sites": sorted(set(sites)),
            "iss": self._issuer,
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
        }
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM)

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                issuer=self._issuer,
                options={"require": ["exp", "sub", "iss"], "verify_exp": False},
            )
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}", _reason(exc)) from exc
        # Expiry against our clock (injectable in tests), not the wall clock.
        if (
            datetime.fromtimestamp(int(claims["exp"]), self._clock.now().tzinfo)
            <= self._clock.now()
        ):
            raise AuthError("token expired", "expired")
        roles, sites = claims.get("roles", []), claims.get("sites", [])
        if not isinstance(roles, list) or not isinstance(sites, list):
            raise AuthError("invalid token: roles and sites must be lists", "invalid_claims")
        return Principal(
            staff_id=str(claims["sub"]),
            roles=frozenset(map(str, roles)),
            sites=frozenset(map(str, sites)),
        )


_bearer = HTTPBearer(auto_error=False, description="Token from `opsledger token`")


async def current_principal(  # async: a plain def would cost a thread hop per request
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """FastAPI dependency: the verified caller, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError("missing bearer token (Authorization: Bearer <token>)", "missing")
    tokens: TokenService = request.app.state.tokens
    return tokens.verify(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
