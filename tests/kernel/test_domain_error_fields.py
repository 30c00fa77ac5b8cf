"""A refusal naming several fields at once (RP-1's missing items, a CSV's bad rows)
answers them as the `fields` of the one error shape, each with the rule."""

import httpx
from fastapi import FastAPI
from opsledger.errors import DomainError
from opsledger.http import ErrorAnswer, install_error_handlers
from opsledger.metrics import Metrics


async def test_every_field_of_a_refusal_is_answered_with_its_rule() -> None:
    app = FastAPI()
    install_error_handlers(app, Metrics("toy-fields"))

    @app.post("/apply")
    async def apply() -> None:
        raise DomainError(
            "RP-1", "missing: form, pledge", fields=["form", "pledge"], problems={"form": "none"}
        )

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://toy") as client:
        answer = await client.post("/apply")

    assert answer.status_code == 422
    error = ErrorAnswer.model_validate(answer.json()).error
    assert error.code == "RP-1"
    assert answer.json()["error"]["field"] == "form"
    assert [(f.field, f.rule, f.message) for f in error.fields or []] == [
        ("form", "RP-1", "none"),
        ("pledge", "RP-1", "missing: form, pledge"),
    ]
