"""Bearer tokens (HS256 JWT: issuer, audience, issued-at, expiry) carrying staff id, roles
and sites."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
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


# A token names the service(s) it is for (`aud`), when it was issued (`iat`) and when it
# expires (`exp`); it may live at most MAX_TOKEN_LIFETIME, and clocks may differ by LEEWAY.
DEFAULT_TOKEN_LIFETIME = timedelta(hours=1)
MAX_TOKEN_LIFETIME = timedelta(hours=12)
CLOCK_LEEWAY = timedelta(seconds=30)
# Bounds of the identity claims: `sub` becomes the `actor` column (200 characters).
_MAX_SUBJECT = 200
_MAX_ENTRIES = 200
_MAX_ENTRY = 100


def _whole_seconds(claims: dict[str, Any], name: str) -> int:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AuthError(
            f"invalid token: claim {name!r} must be a whole number of seconds since the epoch",
            "malformed",
        )
    return value


def _names(claims: dict[str, Any], name: str) -> frozenset[str]:
    value = claims.get(name, [])
    if (
        not isinstance(value, list)
        or len(value) > _MAX_ENTRIES
        or not all(isinstance(v, str) and 0 < len(v) <= _MAX_ENTRY for v in value)
    ):
        raise AuthError(
            f"invalid token: claim {name!r} must be a list of at most {_MAX_ENTRIES} "
            f"non-empty strings of at most {_MAX_ENTRY} characters",
            "malformed",
        )
    return frozenset(value)


class TokenService:
    """Mints and verifies the bearer tokens of one key.

    A verifier is for one `audience` (the service's name): a token minted for another
    service is refused. `max_lifetime` caps `exp - iat`; `leeway` tolerates clocks that
    differ by that much (an `iat` slightly ahead, an `exp` slightly behind).
    """

    def __init__(
        self,
        secret: str,
        issuer: str = "opsledger",
        clock: Clock | None = None,
        *,
        audience: str | None = None,
        max_lifetime: timedelta = MAX_TOKEN_LIFETIME,
        leeway: timedelta = CLOCK_LEEWAY,
    ) -> None:
        if len(secret) < 32:
            raise ValueError("auth secret must be at least 32 characters")
        self._secret = secret
        self._issuer = issuer
        self._clock = clock or SystemClock()
        self._audience = audience
        self._max_lifetime = max_lifetime
        self._leeway = leeway

    def mint(
        self,
        staff_id: str,
        roles: Iterable[str],
        sites: Iterable[str],
        ttl: timedelta = DEFAULT_TOKEN_LIFETIME,
        audience: str | Sequence[str] | None = None,
    ) -> str:
        """A token for `audience` (a service name, or several; default: this verifier's)."""
        if ttl <= timedelta(0):
            raise ValueError(f"token lifetime must be positive, got {ttl}")
        if ttl > self._max_lifetime:
            raise ValueError(f"token lifetime must be at most {self._max_lifetime}, got {ttl}")
        aud = audience if audience is not None else self._audience
        if not aud:
            raise ValueError("a token needs an audience: the service(s) it is for")
        now = self._clock.now()
        claims: dict[str, Any] = {
            "sub": staff_id,
            "roles": sorted(set(roles)),
            "sites": sorted(set(sites)),
            "iss": self._issuer,
            "aud": aud if isinstance(aud, str) else sorted(set(aud)),
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
        }
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM)

    def verify(self, token: str) -> Principal:
        """The caller of a valid token for this audience, else `AuthError` (never another
        exception: a malformed claim is a 401 like a bad signature)."""
        if self._audience is None:
            raise ValueError("this TokenService verifies no audience: give it the service name")
        try:
            # Time claims are checked below against our clock (injectable in tests).
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                issuer=self._issuer,
                audience=self._audience,
                options={
                    "require": ["exp", "iat", "sub", "iss", "aud"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}", _reason(exc)) from exc
        except (TypeError, ValueError) as exc:  # odd claim shapes PyJWT does not wrap
            raise AuthError("invalid token: malformed claims", "malformed") from exc
        issued, expires = _whole_seconds(claims, "iat"), _whole_seconds(claims, "exp")
        now, leeway = self._clock.now().timestamp(), self._leeway.total_seconds()
        if expires <= now - leeway:
            raise AuthError("token expired", "expired")
        if issued > now + leeway:
            raise AuthError("invalid token: issued in the future (iat)", "invalid_claims")
        if not 0 < expires - issued <= self._max_lifetime.total_seconds():
            raise AuthError(
                f"invalid token: exp - iat must be positive and at most "
                f"{int(self._max_lifetime.total_seconds())} s",
                "invalid_claims",
            )
        if "nbf" in claims and _whole_seconds(claims, "nbf") > now + leeway:
            raise AuthError("invalid token: not valid yet (nbf)", "invalid_claims")
        subject = claims["sub"]
        if not isinstance(subject, str) or not 0 < len(subject) <= _MAX_SUBJECT:
            raise AuthError(
                f"invalid token: claim 'sub' must be a staff id of 1 to {_MAX_SUBJECT} characters",
                "malformed",
            )
        return Principal(
            staff_id=subject, roles=_names(claims, "roles"), sites=_names(claims, "sites")
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
