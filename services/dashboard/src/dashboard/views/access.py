"""Who is looking: the signed-in person (cookie) or a bearer token, and their sites.

A person sees only their sites; another site answers exactly as an unknown one (404).
"""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Final

from dashboard.views import queries
from dashboard.views.config import SECRECY_ROLES, DashboardSettings
from fastapi import Depends, Request
from opsledger.auth import ALL_SITES, AuthError, Principal, TokenService
from opsledger.errors import NotFoundError
from opsledger.runtime import Runtime
from sqlalchemy.ext.asyncio import AsyncConnection

COOKIE: Final = "opsledger_dashboard"


def settings_of(request: Request) -> DashboardSettings:
    """The dashboard's settings, read once per process when first needed."""
    found = getattr(request.app.state, "dashboard_settings", None)
    if not isinstance(found, DashboardSettings):
        found = DashboardSettings()
        request.app.state.dashboard_settings = found
    return found


def token_of(request: Request) -> str:
    """The sign-in cookie, else an `Authorization: Bearer` header (scripts, tests)."""
    cookie = request.cookies.get(COOKIE)
    if cookie:
        return cookie
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials.strip()
    raise AuthError("sign in first (POST /api/session) or send a bearer token", "missing")


@dataclass(frozen=True)
class Viewer:
    principal: Principal
    runtime: Runtime
    settings: DashboardSettings

    @property
    def secrecy(self) -> bool:
        return bool(self.principal.roles & SECRECY_ROLES)

    async def sites(self, conn: AsyncConnection) -> list[str]:
        """The sites this person may see: those on the token, or (`*`) every site with data."""
        if ALL_SITES in self.principal.sites:
            return sorted(await queries.sites_with_data(conn))
        return sorted(self.principal.sites)

    def check_site(self, site_id: str) -> None:
        if not self.principal.can_access_site(site_id):
            raise NotFoundError("site", site_id)

    def today(self, site_id: str) -> date:
        return self.runtime.sites.calendar(site_id).local_date(self.runtime.clock.now())

    def timezone(self, site_id: str) -> str:
        return str(self.runtime.sites.calendar(site_id).zone)


def verify(request: Request, token: str) -> Principal:
    tokens: TokenService = request.app.state.tokens
    return tokens.verify(token)


async def viewer(request: Request) -> Viewer:
    principal = verify(request, token_of(request))
    return Viewer(principal, request.app.state.runtime, settings_of(request))


CurrentViewer = Annotated[Viewer, Depends(viewer)]
