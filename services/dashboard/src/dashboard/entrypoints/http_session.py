"""Sign-in with the company bearer token, kept in an HttpOnly, SameSite=Strict cookie."""

import json
from typing import Any
from urllib.parse import parse_qs

import jwt
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from opsledger.auth import AuthError
from opsledger.errors import DomainError

from dashboard.views.access import COOKIE, CurrentViewer, settings_of, verify
from dashboard.views.answers import me_answer

router = APIRouter(prefix="/api", tags=["session"])
_FORM = "application/x-www-form-urlencoded"


def _local(path: str | None) -> str:
    """Only a path of this site (never `//host` or a scheme): no open redirect."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/"


async def _fields(request: Request) -> dict[str, str]:
    body = await request.body()
    if request.headers.get("content-type", "").split(";")[0].strip() == _FORM:
        return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    try:
        found: Any = json.loads(body or b"null")
    except ValueError:
        found = None
    if not isinstance(found, dict) or not isinstance(found.get("token"), str):
        raise DomainError("DASH-2", 'send {"token": "<bearer token>"}', field="token")
    return {"token": found["token"]}


@router.post(
    "/session",
    responses={303: {"description": "a form sign-in: to `next` (or /sign-in on a bad token)"}},
)
async def sign_in(request: Request) -> Response:
    """Check the token like every service does, then keep it in the cookie."""
    fields = await _fields(request)
    form = "token" not in fields or request.headers.get("content-type", "").startswith(_FORM)
    token = fields.get("token", "").strip()
    try:
        principal = verify(request, token)
    except AuthError:
        if form:
            return RedirectResponse("/sign-in?error=invalid", status_code=303)
        raise
    expires = int(jwt.decode(token, options={"verify_signature": False})["exp"])
    answer: Response
    if form:
        answer = RedirectResponse(_local(fields.get("next")), status_code=303)
    else:
        answer = JSONResponse(
            {
                "staff_id": principal.staff_id,
                "roles": sorted(principal.roles),
                "sites": sorted(principal.sites),
            }
        )
    answer.set_cookie(
        COOKIE,
        token,
        max_age=max(0, expires - int(request.app.state.runtime.clock.now().timestamp())),
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings_of(request).cookie_secure,
    )
    return answer


def _signed_out(request: Request, answer: Response) -> Response:
    answer.delete_cookie(
        COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings_of(request).cookie_secure,
    )
    return answer


@router.delete("/session", status_code=204)
async def sign_out(request: Request) -> Response:
    return _signed_out(request, Response(status_code=204))


@router.post("/session/sign-out", status_code=303, response_class=RedirectResponse)
async def sign_out_form(request: Request) -> Response:
    return _signed_out(request, RedirectResponse("/sign-in", status_code=303))


@router.get("/me")
async def me(viewer: CurrentViewer) -> dict[str, Any]:
    return await me_answer(viewer)
