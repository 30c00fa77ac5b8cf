"""`post_command`: a route per command in one line, the same as the handler written out."""

from dataclasses import dataclass
from typing import Annotated, Any, get_args

import httpx
from fastapi import APIRouter, FastAPI
from opsledger.command_routes import post_command
from opsledger.http import install_error_handlers
from opsledger.metrics import Metrics
from opsledger.routes import Commands
from pydantic import BaseModel, Field

Ident = Annotated[str, Field(min_length=1, max_length=8, pattern=r"^[a-z0-9-]+$")]


@dataclass(frozen=True)
class WarnContractor:
    permit_id: str
    violation_id: str
    note: Annotated[str, Field(min_length=1, max_length=20)]


@dataclass(frozen=True)
class SignForm:
    permit_id: str


class Answer(BaseModel):
    ran: str


ran: list[object] = []


async def _answer(commands: Any, command: object) -> Answer:
    ran.append(command)
    return Answer(ran=type(command).__name__)


def _app() -> FastAPI:
    router = APIRouter()
    path = "/permits/{permit_id}/violations/{violation_id}/warning"
    post_command(router, path, WarnContractor, _answer, path_type=Ident, status_code=201)
    post_command(router, "/permits/{permit_id}/form", SignForm, _answer, doc="Sign the form.")
    app = FastAPI()
    install_error_handlers(app, Metrics("kerneltest"))
    app.include_router(router)
    dependency = get_args(Commands)[1].dependency
    app.dependency_overrides[dependency] = lambda: None
    return app


async def _post(path: str, body: object = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.post(path, json=body)


async def test_the_command_is_the_body_and_the_path() -> None:
    ran.clear()
    answer = await _post("/permits/p-1/violations/v-2/warning", {"note": " late "})
    assert (answer.status_code, answer.json()) == (201, {"ran": "WarnContractor"})
    assert ran == [WarnContractor("p-1", "v-2", "late")]
    assert (await _post("/permits/p-1/form")).status_code == 200
    assert ran[-1] == SignForm("p-1")


async def test_bad_input_is_a_422_naming_the_field() -> None:
    bad = await _post("/permits/p-1/violations/v-2/warning", {"note": "", "extra": 1})
    assert bad.status_code == 422 and "note" in bad.text and "extra" in bad.text
    path = await _post("/permits/BAD!/violations/v-2/warning", {"note": "x"})
    assert path.status_code == 422 and "permit_id" in path.text


def test_the_operation_reads_as_if_written_by_hand() -> None:
    spec = _app().openapi()
    warn = spec["paths"]["/permits/{permit_id}/violations/{violation_id}/warning"]["post"]
    assert warn["operationId"].startswith("warn_contractor_")
    assert "requestBody" in warn and "201" in warn["responses"]
    form = spec["paths"]["/permits/{permit_id}/form"]["post"]
    assert "requestBody" not in form and form["description"] == "Sign the form."
    assert spec["components"]["schemas"]["WarnContractorBody"]["required"] == ["note"]
