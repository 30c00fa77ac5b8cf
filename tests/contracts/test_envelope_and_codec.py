"""The envelope's CloudEvents headers and the message codec: round trips and clear errors."""

import json
from datetime import UTC, datetime
from typing import ClassVar
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from opsledger_contracts import (
    HEADERS,
    REGISTRY,
    ContractError,
    EventEnvelope,
    EventPayload,
    EventRegistry,
    decode_message,
    encode_message,
)
from opsledger_contracts.events.callcenter import DiagnosticPingSent
from opsledger_contracts.headers import SCHEMA_BASE_ENV, schema_path_of
from pydantic import Field

Headers = list[tuple[str, bytes]]


def envelope(**overrides: object) -> EventEnvelope:
    fields: dict[str, object] = {
        "event_id": UUID("0b6b7c52-4a39-4f5e-9c2f-0e1c7d2a9b10"),
        "event_type": "DiagnosticPingSent",
        "schema_version": 1,
        "source": "callcenter",
        "site_id": "site-7",
        "stream_id": "ping-42",
        "stream_type": "DiagnosticPing",
        "stream_version": 3,
        "occurred_at": datetime(2025, 3, 1, 9, 15, 30, 123456, tzinfo=UTC),
        "correlation_id": "req-1",
        "causation_id": "cmd-9",
        "actor": "agent-5",
    }
    fields.update(overrides)
    return EventEnvelope.model_validate(fields)


PING = DiagnosticPingSent(ping_id="42", message="hello")


def message(**overrides: object) -> tuple[bytes, bytes, Headers]:
    return encode_message(envelope(**overrides), PING)


def with_header(headers: Headers, name: str, value: bytes | None) -> Headers:
    """`headers` with `name` replaced (or removed when `value` is None)."""
    kept = [(k, v) for k, v in headers if k != name]
    return kept if value is None else [*kept, (name, value)]


# ------------------------------------------------------------------------ round trips


@pytest.mark.parametrize("causation_id", ["cmd-9", None])
def test_headers_round_trip_to_an_equal_envelope(causation_id: str | None) -> None:
    original = envelope(causation_id=causation_id)

    assert EventEnvelope.from_kafka_headers(original.to_kafka_headers()) == original


def test_headers_are_cloudevents_binary_mode() -> None:
    headers = dict(envelope().to_kafka_headers())

    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_id"] == b"0b6b7c52-4a39-4f5e-9c2f-0e1c7d2a9b10"
    assert headers["ce_type"] == b"opsledger.callcenter.DiagnosticPingSent"
    assert headers["ce_source"] == b"/opsledger/callcenter"
    assert headers["ce_subject"] == b"ping-42"
    assert headers["ce_time"] == b"2025-03-01T09:15:30.123456Z"
    assert headers["ce_dataschema"] == (
        b"https://opsledger.example/contracts/schemas/callcenter/DiagnosticPingSent.v1.json"
    )
    assert headers["content-type"] == b"application/json"
    assert headers["ce_streamversion"] == b"3"


def test_the_published_header_table_lists_exactly_the_headers_producers_write() -> None:
    written = {name for name, _ in envelope().to_kafka_headers()}
    without_optional = {name for name, _ in envelope(causation_id=None).to_kafka_headers()}

    assert written == {h.name for h in HEADERS}
    assert without_optional == {h.name for h in HEADERS if h.required}


def test_a_message_round_trips_through_encode_and_decode() -> None:
    key, value, headers = message()

    decoded = decode_message(headers, value, key=key)

    assert key == b"ping-42"
    assert json.loads(value) == {"ping_id": "42", "message": "hello"}
    assert decoded.envelope == envelope()
    assert decoded.payload == PING
    assert type(decoded.payload) is DiagnosticPingSent


def test_headers_may_be_given_as_a_mapping_of_strings() -> None:
    _, value, headers = message()
    as_strings = {k: v.decode() for k, v in headers}

    assert decode_message(as_strings, value).payload == PING


# -------------------------------------------------------------------- header errors


@pytest.mark.parametrize(
    "header",
    [
        "ce_id",
        "ce_type",
        "ce_source",
        "ce_subject",
        "ce_time",
        "ce_specversion",
        "ce_siteid",
        "ce_streamtype",
        "ce_streamversion",
        "ce_schemaversion",
        "ce_correlationid",
        "ce_actor",
    ],
)
def test_a_missing_header_is_named(header: str) -> None:
    _, value, headers = message()

    with pytest.raises(ContractError, match=rf"header {header}\b"):
        decode_message(with_header(headers, header, None), value)


@pytest.mark.parametrize(
    ("header", "bad"),
    [
        ("ce_id", b"not-a-uuid"),
        ("ce_time", b"yesterday"),
        ("ce_time", b"2025-03-01T09:15:30"),  # no time zone
        ("ce_specversion", b"0.3"),
        ("ce_type", b"WorkOrderIssued"),
        ("ce_source", b"/opsledger/dispatch"),
        ("ce_streamversion", b"three"),
        ("ce_streamversion", b"0"),
        ("ce_schemaversion", b"v1"),
        ("ce_siteid", b""),
        ("content-type", b"text/plain"),
        ("ce_actor", b"\xff\xfe"),
    ],
)
def test_a_bad_header_is_named(header: str, bad: bytes) -> None:
    _, value, headers = message()

    with pytest.raises(ContractError, match=rf"header {header}\b"):
        decode_message(with_header(headers, header, bad), value)


def test_optional_headers_may_be_absent() -> None:
    _, value, headers = message()
    for optional in ("ce_causationid", "ce_dataschema", "content-type"):
        headers = with_header(headers, optional, None)

    assert decode_message(headers, value).envelope.causation_id is None


def test_a_key_that_is_not_the_subject_is_rejected() -> None:
    _, value, headers = message()

    with pytest.raises(ContractError, match="ce_subject"):
        decode_message(headers, value, key=b"ping-43")


# ------------------------------------------------------------------- payload errors


def test_an_unknown_event_type_is_named() -> None:
    _, value, headers = message()
    headers = with_header(headers, "ce_type", b"opsledger.callcenter.NoSuchEvent")

    with pytest.raises(ContractError, match="no contract for NoSuchEvent v1"):
        decode_message(headers, value)


def test_a_newer_schema_version_says_to_upgrade_the_contracts() -> None:
    _, value, headers = message()
    headers = with_header(headers, "ce_schemaversion", b"99")

    with pytest.raises(
        ContractError, match=r"DiagnosticPingSent v99 .*upgrade opsledger-contracts"
    ):
        decode_message(headers, value)


@pytest.mark.parametrize(
    ("payload", "field", "problem"),
    [
        ({"ping_id": "x" * 65, "message": "hi"}, "ping_id", "at most 64 characters"),
        ({"ping_id": "", "message": "hi"}, "ping_id", "at least 1 character"),
        ({"ping_id": "42"}, "message", "Field required"),
        ({"ping_id": 42, "message": "hi"}, "ping_id", "valid string"),
    ],
)
def test_a_payload_validation_error_names_the_field(
    payload: dict[str, object], field: str, problem: str
) -> None:
    _, _, headers = message()

    with pytest.raises(ContractError) as caught:
        decode_message(headers, json.dumps(payload).encode())

    text = str(caught.value)
    assert text.startswith(f"payload DiagnosticPingSent v1: field {field}: ")
    assert problem in text
    assert "\n" not in text  # one line, ready for a log or stderr


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (b"{not json", "not UTF-8 JSON"),
        (b"\xff\xfe", "not UTF-8 JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (None, "empty"),
    ],
)
def test_a_value_that_is_not_a_json_object_is_rejected(value: bytes | None, problem: str) -> None:
    _, _, headers = message()

    with pytest.raises(ContractError, match=problem):
        decode_message(headers, value)


def test_unknown_payload_fields_are_ignored_by_default_and_can_be_rejected() -> None:
    _, _, headers = message()
    newer = json.dumps({"ping_id": "42", "message": "hello", "channel": "radio"}).encode()

    assert decode_message(headers, newer).payload == PING
    with pytest.raises(ContractError, match="field channel: Extra inputs are not permitted"):
        decode_message(headers, newer, ignore_unknown_fields=False)


def test_decoding_uses_the_registry_it_is_given() -> None:
    _, value, headers = message()

    with pytest.raises(ContractError, match="no contract for DiagnosticPingSent v1"):
        decode_message(headers, value, EventRegistry())
    assert decode_message(headers, value, REGISTRY).payload == PING


# -------------------------------------------------------------------------- encoding


def test_encoding_refuses_an_envelope_for_another_event() -> None:
    with pytest.raises(ContractError, match="envelope event_type is 'DiagnosticPingReceived'"):
        encode_message(envelope(event_type="DiagnosticPingReceived"), PING)
    with pytest.raises(ContractError, match="envelope source is 'dispatch'"):
        encode_message(envelope(source="dispatch"), PING)
    with pytest.raises(ContractError, match="envelope schema_version is 2"):
        encode_message(envelope(schema_version=2), PING)


def test_encoding_refuses_a_stream_type_the_contract_does_not_publish() -> None:
    with pytest.raises(ContractError, match="envelope stream_type is 'Ping'"):
        encode_message(envelope(stream_type="Ping"), PING)


def test_a_model_without_a_declared_stream_type_accepts_any() -> None:
    class Free(EventPayload):
        """No stream type declared."""

        event_type: ClassVar[str] = "Freeform"
        service: ClassVar[str] = "fleet"
        note: str = Field(description="Anything.")

    key, _, _ = encode_message(
        envelope(event_type="Freeform", source="fleet", stream_type="Whatever"), Free(note="x")
    )

    assert key == b"ping-42"


def test_ce_dataschema_is_an_absolute_uri_with_a_configurable_base(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = "schemas/callcenter/DiagnosticPingSent.v1.json"
    monkeypatch.setenv(SCHEMA_BASE_ENV, "https://contracts.branch-7.internal/opsledger")

    configured = dict(envelope().to_kafka_headers())["ce_dataschema"].decode()
    explicit = dict(envelope().to_kafka_headers("http://10.1.2.3/c/"))["ce_dataschema"].decode()

    assert configured == f"https://contracts.branch-7.internal/opsledger/{path}"
    assert urlsplit(configured).scheme == "https"
    assert explicit == f"http://10.1.2.3/c/{path}"
    assert schema_path_of(configured) == path == envelope().data_schema_path


@pytest.mark.parametrize(
    "base", ["schemas/", "/contracts/", "contracts.example.com", "https://h/c/?q=1", "https://h/#x"]
)
def test_a_schema_base_that_is_not_an_absolute_uri_is_refused(
    monkeypatch: pytest.MonkeyPatch, base: str
) -> None:
    monkeypatch.setenv(SCHEMA_BASE_ENV, base)

    with pytest.raises(ValueError, match="schema base URI"):
        envelope().to_kafka_headers()
