"""The published documents: JSON Schemas, the AsyncAPI document and its HTML view."""

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

import jsonschema
import pytest
from opsledger_contracts import HEADERS, REGISTRY, SERVICES, EventPayload, EventRegistry
from opsledger_contracts.asyncapi import build_asyncapi, render_asyncapi_html
from opsledger_contracts.headers import DEFAULT_SCHEMA_BASE_URI
from opsledger_contracts.schemas import EventKey, example_envelope, example_payload
from pydantic import BaseModel, ConfigDict, Field


class Address(BaseModel):
    """Where the job is."""

    model_config = ConfigDict(frozen=True)
    street: str = Field(max_length=80, description="Street and number.")
    postcode: str = Field(pattern=r"^[0-9]{5}$", description="Five digits.")


class JobLogged(EventPayload):
    """A job was logged <with markup> & "quotes" in its text."""

    event_type: ClassVar[str] = "JobLogged"
    service: ClassVar[str] = "fleet"
    stream_type: ClassVar[str | None] = "Job"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "job_id": "J-1",
                    "kind": "repair",
                    "address": {"street": "Main St 1", "postcode": "12345"},
                    "stops": [{"street": "Side St 2", "postcode": "54321"}],
                    "hours": 1.5,
                }
            ]
        }
    )

    job_id: str = Field(min_length=1, description="Job id.")
    kind: Literal["repair", "inspection"] = Field(description="Kind of job.")
    address: Address = Field(description="Site address.")
    stops: list[Address] = Field(default_factory=list, description="Further stops.")
    hours: float | None = Field(default=None, ge=0, description="Estimated hours.")


@pytest.fixture
def fleet_registry(make_registry: Callable[..., EventRegistry]) -> EventRegistry:
    return make_registry(JobLogged)


def _committed_schema(contracts_dir: Path, key: EventKey) -> dict[str, Any]:
    return json.loads((contracts_dir / key.path).read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "model", list(REGISTRY), ids=lambda m: f"{m.event_type}.v{m.schema_version}"
)
def test_every_example_is_valid_against_its_committed_json_schema(
    model: type[EventPayload], contracts_dir: Path
) -> None:
    schema = _committed_schema(contracts_dir, EventKey.of(model))

    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(example_payload(model), schema, cls=jsonschema.Draft202012Validator)
    # == ce_dataschema with the default base
    assert (
        schema["$id"]
        == dict(example_envelope(model).to_kafka_headers(DEFAULT_SCHEMA_BASE_URI))[
            "ce_dataschema"
        ].decode()
    )


def test_the_json_schema_is_open_for_fields_added_later(contracts_dir: Path) -> None:
    key = EventKey("callcenter", "DiagnosticPingSent", 1)
    schema = _committed_schema(contracts_dir, key)
    later = {"ping_id": "1", "message": "hi", "added_in_a_later_release": True}

    jsonschema.validate(later, schema, cls=jsonschema.Draft202012Validator)
    with pytest.raises(jsonschema.ValidationError, match="ping_id"):
        jsonschema.validate({"message": "hi"}, schema, cls=jsonschema.Draft202012Validator)


def test_a_declared_example_is_used_as_declared() -> None:
    assert example_payload(JobLogged)["stops"] == [{"street": "Side St 2", "postcode": "54321"}]


class Stop(BaseModel):
    """A stop without a pattern."""

    street: str = Field(min_length=3, description="Street.")


class Unexampled(EventPayload):
    """No example declared."""

    event_type: ClassVar[str] = "Unexampled"
    service: ClassVar[str] = "fleet"
    code: str = Field(min_length=12, max_length=14, description="A code.")
    kind: Literal["b", "a"] = Field(description="A kind.")
    count: int = Field(gt=5, description="A count.")
    when: datetime = Field(description="A time.")
    stop: Stop | None = Field(description="Nullable nested model.")
    tags: list[str] = Field(min_length=2, description="Tags.")
    note: str | None = Field(default=None, description="Optional, so left out.")


def test_a_synthesised_example_is_valid_for_a_model_without_declared_examples() -> None:
    example = example_payload(Unexampled)

    assert Unexampled.model_validate(example).kind == "b"
    assert 12 <= len(example["code"]) <= 14
    assert example["count"] > 5
    assert len(example["tags"]) == 2
    assert len(example["stop"]["street"]) >= 3
    assert example_payload(Unexampled) == example  # deterministic


def test_an_example_that_cannot_be_synthesised_asks_for_a_declared_one() -> None:
    class Patterned(EventPayload):
        """A pattern the synthesiser cannot satisfy."""

        event_type: ClassVar[str] = "Patterned"
        service: ClassVar[str] = "fleet"
        address: Address = Field(description="Needs a postcode of five digits.")

    with pytest.raises(ValueError, match=r"field address\.postcode: .*json_schema_extra"):
        example_payload(Patterned)


def test_the_full_document_has_a_channel_and_a_receive_operation_per_service() -> None:
    doc = build_asyncapi()

    assert doc["asyncapi"] == "3.0.0"
    assert {c["address"] for c in doc["channels"].values()} == {
        f"opsledger.{s}.events" for s in SERVICES
    }
    assert {op["action"] for op in doc["operations"].values()} == {"receive"}
    # every service publishes now (but the dashboard, a read side publishing nothing): each
    # channel names its own messages
    publishing = {m.service for m in REGISTRY}
    assert publishing == set(SERVICES) - {"dashboard"}
    assert all(doc["channels"][s]["messages"] for s in publishing)
    assert set(doc["components"]["messages"]) == {
        f"{m.service}.{m.event_type}.v{m.schema_version}" for m in REGISTRY
    }


def test_a_service_document_describes_only_that_service() -> None:
    doc = build_asyncapi("dispatch")

    assert list(doc["channels"]) == ["dispatch"]
    assert list(doc["operations"]) == ["receiveDispatchEvents"]
    assert all(name.startswith("dispatch.") for name in doc["components"]["messages"])


def test_an_unknown_service_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown service 'billing'"):
        build_asyncapi("billing")


def test_every_local_reference_in_the_document_resolves(fleet_registry: EventRegistry) -> None:
    for doc in (build_asyncapi(), build_asyncapi("fleet", registry=fleet_registry)):
        refs = re.findall(r'"\$ref": "#/([^"]+)"', json.dumps(doc))
        assert refs
        for ref in refs:
            node: Any = doc
            for part in ref.split("/"):
                node = node[part]
            assert isinstance(node, dict)


def test_nested_models_become_qualified_component_schemas(fleet_registry: EventRegistry) -> None:
    schemas = build_asyncapi("fleet", registry=fleet_registry)["components"]["schemas"]

    assert set(schemas) == {"fleet.JobLogged.v1", "fleet.JobLogged.v1.Address"}
    payload = schemas["fleet.JobLogged.v1"]
    assert payload["properties"]["address"]["$ref"] == (
        "#/components/schemas/fleet.JobLogged.v1.Address"
    )
    assert "$defs" not in payload
    assert "$id" not in payload


def test_message_headers_pin_what_is_fixed_for_the_event(fleet_registry: EventRegistry) -> None:
    message = build_asyncapi("fleet", registry=fleet_registry)["components"]["messages"][
        "fleet.JobLogged.v1"
    ]
    headers = message["headers"]["properties"]

    assert set(headers) == {h.name for h in HEADERS}
    assert headers["ce_type"]["const"] == "opsledger.fleet.JobLogged"
    assert headers["ce_schemaversion"]["const"] == "1"
    assert headers["ce_streamtype"]["const"] == "Job"
    assert message["bindings"]["kafka"]["key"]["type"] == "string"
    example = message["examples"][0]
    header_schema = message["headers"]
    jsonschema.validate(example["headers"], header_schema)
    assert example["headers"]["ce_subject"] == "job-0001"


def test_the_html_page_is_self_contained_and_lists_everything(
    fleet_registry: EventRegistry,
) -> None:
    page = render_asyncapi_html(build_asyncapi("fleet", registry=fleet_registry))

    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script|<link|<img|@import|url\(|src=", page)
    # URIs may appear as text (ce_dataschema examples), never as something to load or follow.
    assert not re.search(r"""(href|action)\s*=\s*["']?(https?:)?//""", page)
    for text in (
        "opsledger.fleet.events",
        "JobLogged v1",
        "ce_correlationid",
        "address.postcode",
        "stops[].street",
        "one of &quot;repair&quot;, &quot;inspection&quot;",
        "max length 80",
        "Five digits.",
        "job-0001",
    ):
        assert text in page, text
    assert "&lt;with markup&gt; &amp; &quot;quotes&quot;" in page
    assert "<with markup>" not in page


def test_the_html_page_says_when_a_topic_has_no_events_yet() -> None:
    doc = build_asyncapi("secrets_registry")
    doc["channels"]["secrets_registry"]["messages"] = {}  # as a new service starts out
    doc["operations"] = {}
    doc["components"]["messages"] = {}
    page = render_asyncapi_html(doc)

    assert "No events are published on this topic yet." in page


def test_the_readme_documents_every_header(contracts_dir: Path) -> None:
    readme = (contracts_dir / "README.md").read_text()

    for header in HEADERS:
        assert f"| `{header.name}` |" in readme, header.name
