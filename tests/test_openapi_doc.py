"""docs/openapi.yaml: it loads, its references resolve, it says what docs/api.md says."""

from __future__ import annotations

import copy
import re
import typing
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import msgspec
import pytest

from frontdesk.client import models
from frontdesk.core import domain
from support.openapi_check import (
    HTTP_METHODS,
    JSON,
    PROBLEM_JSON,
    documented_paths,
    iter_refs,
    openapi,
    validate_component,
    validate_response,
)

API_MD = Path(__file__).resolve().parents[1] / "docs" / "api.md"
GUIDE_PATH = "/v1/guides/2026112200017"

# the contract's Guide example, with its `<Token>` and `a | b` placeholders filled in.
GUIDE: dict[str, Any] = {
    "number": "2026112200017",
    "operator_number": "8812345",
    "type": "odonto",
    "status": "authorized",
    "requested_at": "2026-11-22T13:02:11Z",
    "beneficiary": {
        "name": "Maria Aparecida Souza",
        "social_name": None,
        "card": "0064 8000 1234 5678",
        "plan": "Odonto Clássico",
    },
    "provider": {"code": "123456", "name": "Clínica Sorriso"},
    "procedures": [
        {
            "table": "22",
            "code": "81000065",
            "description": "Consulta odontológica inicial",
            "quantity": 1,
        }
    ],
    "token": {"state": "used", "channel": "sms", "destination": "(43) *****-1234"},
    "authorization": {"number": "A7K2Q9", "valid_until": "2026-12-22"},
    "absence_reason": None,
}

# the contract's Channels example, verbatim.
CHANNELS: dict[str, Any] = {
    "channels": [
        {"id": "c1", "kind": "sms", "label": "(43) *****-1234", "last_used": True},
        {"id": "c2", "kind": "sms", "label": "(43) *****-8870", "last_used": False},
        {"id": "c3", "kind": "email", "label": "ma****@e*****.com", "last_used": False},
        {"id": "app", "kind": "app"},
        {
            "id": "sac",
            "kind": "sac",
            "phones": [
                {"number": "4007-2400", "note": "capitais e regiões metropolitanas"},
                {"number": "0800 643 4300", "note": "demais localidades"},
            ],
        },
    ],
    "typed_destination": {"sms": False, "email": True},
}

PENDING_TOKEN: dict[str, Any] = {
    "state": "pending",
    "channel": "sms",
    "destination": "(43) *****-1234",
    "expires_at": "2026-11-22T13:32:11Z",
    "expires_in": 1785,
    "attempts_left": 5,
    "resend_at": "2026-11-22T13:03:11Z",
    "resend_in": 42,
    "sends_left": 4,
    "delivery": "queued",
}

# The extra members each error code carries (the contract's tables).
EXTRAS: dict[str, dict[str, Any]] = {
    "guide_not_awaiting_token": {"guide_status": "authorized"},
    "resend_too_soon": {"retry_after": 42},
    "too_many_sends": {"retry_after": 1200},
    "too_many_failures": {"retry_after": 3600},
    "malformed_code": {"expected_length": 6},
    "already_authorized": {"authorization": {"number": "A7K2Q9", "valid_until": "2026-12-22"}},
    "invalid_code": {"attempts_left": 3},
    "storage_unavailable": {"retry_after": 10},
    "too_many_connections": {"retry_after": 1},
}


def problem(code: str, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "type": f"urn:frontdesk:problem:{code}",
        "title": "t",
        "status": domain.ERROR_STATUS[code],
        "detail": "d",
        "code": code,
    }
    doc.update(EXTRAS.get(code, {}))
    doc.update(extra)
    return doc


def schemas() -> dict[str, Any]:
    result: dict[str, Any] = openapi().document["components"]["schemas"]
    return result


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    paths: dict[str, Any] = openapi().document["paths"]
    return [
        (method.upper(), template, op)
        for template, item in paths.items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


def response_codes(response: dict[str, Any]) -> set[str]:
    """The problem `code`s a documented error response allows."""
    _, resolved = openapi().follow(response["$ref"][1:]) if "$ref" in response else ("", response)
    schema = resolved["content"][PROBLEM_JSON]["schema"]
    allowed: set[str] = set()
    for part in schema["allOf"]:
        code = part.get("properties", {}).get("code", {})
        allowed |= set(code.get("enum", [])) | ({code["const"]} if "const" in code else set())
    return allowed


def rejected(check: typing.Callable[[], None]) -> str:
    with pytest.raises(AssertionError) as caught:
        check()
    return str(caught.value)


# ----- the document itself -----


def test_document_is_openapi_3_1_with_bearer_security() -> None:
    doc = openapi().document
    assert doc["openapi"].startswith("3.1.")
    assert doc["info"]["version"] == "0.1.0"
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        **doc["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    assert doc["security"] == [{"bearerAuth": []}]
    public = [(m, t) for m, t, op in operations() if op.get("security") == []]
    assert public == [("GET", "/v1/health")]


def test_every_ref_resolves() -> None:
    refs = list(iter_refs(openapi().document))
    assert len(refs) > 50
    for where, ref in refs:
        assert ref.startswith("#/"), f"{where}: non-local $ref {ref}"
        openapi().follow(ref[1:])  # raises KeyError on a dangling reference


def test_every_schema_is_valid_draft_2020_12() -> None:
    for schema in schemas().values():
        jsonschema.Draft202012Validator.check_schema(schema)
    for method, template, op in operations():
        for status, response in op["responses"].items():
            for media in response.get("content", {}).values():
                jsonschema.Draft202012Validator.check_schema(media["schema"])
            assert re.fullmatch(r"[1-5]\d\d", status), f"{method} {template}: {status}"


def test_contract_paths_are_exactly_the_documented_ones() -> None:
    text = API_MD.read_text(encoding="utf-8")
    in_contract = {
        (method, path)
        for method, path in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/v1/[^`\s?]*)", text)
    }
    assert len(in_contract) == 15
    assert documented_paths() == in_contract


def test_simulator_paths_are_marked_local_only() -> None:
    for method, template, op in operations():
        local = template.startswith("/v1/_local/")
        assert op.get("x-local-backend-only", False) is local, f"{method} {template}"
        assert ("simulator" in op["tags"]) is local, f"{method} {template}"
        if local:
            assert "not_found" in response_codes(op["responses"]["404"])


def test_every_operation_documents_the_general_errors() -> None:
    for method, template, op in operations():
        responses: dict[str, Any] = op["responses"]
        assert "default" not in responses
        assert "500" in responses, f"{method} {template}"
        assert response_codes(responses["503"]) == {"storage_unavailable", "too_many_connections"}
        if template != "/v1/health":
            assert response_codes(responses["401"]) == {"unauthorized"}
        if method == "POST":
            params = [p["$ref"] for p in op["parameters"]]
            assert "#/components/parameters/IdempotencyKey" in params, template
            assert {"invalid_request", "invalid_idempotency_key"} <= response_codes(
                responses["400"]
            )
            assert response_codes(responses["413"]) == {"payload_too_large"}
            assert response_codes(responses["408"]) == {"request_timeout"}
            assert "idempotency_key_reused" in response_codes(responses["422"])
            assert "requestBody" in op
        if any(p.get("in") == "query" for p in op.get("parameters", [])):
            assert "invalid_request" in response_codes(responses["400"])


def test_success_is_json_and_errors_are_problems() -> None:
    for method, template, op in operations():
        for status, response in op["responses"].items():
            _, resolved = (
                openapi().follow(response["$ref"][1:]) if "$ref" in response else ("", response)
            )
            media = set(resolved["content"])
            expected = {JSON} if status.startswith("2") else {PROBLEM_JSON}
            assert media == expected, f"{method} {template} {status}"


@pytest.mark.parametrize(
    ("method", "template", "status", "codes"),
    [
        ("POST", "/v1/guides/{number}/token", "404", {"guide_not_found"}),
        ("POST", "/v1/guides/{number}/token", "409", {"guide_not_awaiting_token"}),
        (
            "POST",
            "/v1/guides/{number}/token",
            "422",
            {
                "unknown_channel",
                "channel_not_sendable",
                "typed_destination_not_allowed",
                "invalid_destination",
                "idempotency_key_reused",
            },
        ),
        ("POST", "/v1/guides/{number}/token", "429", {"resend_too_soon", "too_many_sends"}),
        (
            "POST",
            "/v1/guides/{number}/token/validate",
            "400",
            {"malformed_code", "invalid_request", "invalid_idempotency_key"},
        ),
        (
            "POST",
            "/v1/guides/{number}/token/validate",
            "409",
            {"guide_not_awaiting_token", "already_authorized", "no_token_pending"},
        ),
        ("POST", "/v1/guides/{number}/token/validate", "410", {"token_expired"}),
        (
            "POST",
            "/v1/guides/{number}/token/validate",
            "422",
            {"invalid_code", "idempotency_key_reused"},
        ),
        ("POST", "/v1/guides/{number}/token/validate", "423", {"token_locked"}),
        ("POST", "/v1/guides/{number}/token/validate", "429", {"too_many_failures"}),
        ("POST", "/v1/guides/{number}/token/cancel", "409", {"guide_not_awaiting_token"}),
        (
            "POST",
            "/v1/guides/{number}/token/absence",
            "422",
            {"unknown_reason", "idempotency_key_reused"},
        ),
        ("POST", "/v1/guides/{number}/token/cancel", "422", {"idempotency_key_reused"}),
        ("POST", "/v1/_local/sac-code", "422", {"idempotency_key_reused"}),
        ("POST", "/v1/_local/clock", "422", {"idempotency_key_reused"}),
        ("POST", "/v1/_local/sac-code", "404", {"guide_not_found", "not_found"}),
        ("GET", "/v1/_local/app-code", "404", {"not_found"}),
    ],
)
def test_contract_error_tables(method: str, template: str, status: str, codes: set[str]) -> None:
    op = openapi().document["paths"][template][method.lower()]
    assert response_codes(op["responses"][status]) == codes


def test_every_error_code_is_in_the_problem_enum() -> None:
    assert set(schemas()["ErrorCode"]["enum"]) == set(domain.ERROR_STATUS)
    assert len(schemas()["ErrorCode"]["enum"]) == len(domain.ERROR_STATUS)


@pytest.mark.parametrize("code", sorted(domain.ERROR_STATUS))
def test_problem_status_and_extras_follow_the_code(code: str) -> None:
    validate_component("Problem", problem(code))
    wrong_status = 418 if domain.ERROR_STATUS[code] != 418 else 400
    assert "was expected" in rejected(
        lambda: validate_component("Problem", problem(code, status=wrong_status))
    )
    for name, value in EXTRAS.items():
        extra = next(iter(value))
        if code in EXTRAS and extra in EXTRAS[code]:
            without = problem(code)
            del without[extra]
            assert "is a required property" in rejected(
                lambda doc=without: validate_component("Problem", doc)  # type: ignore[misc]
            )
        elif name != code:
            stray = problem(code, **{extra: value[extra]})
            rejected(lambda doc=stray: validate_component("Problem", doc))  # type: ignore[misc]


def test_enums_match_the_domain() -> None:
    s = schemas()
    assert tuple(s["GuideStatus"]["enum"]) == domain.GUIDE_STATUSES
    assert tuple(s["TokenState"]["enum"]) == domain.TOKEN_STATES
    assert tuple(s["GuideType"]["enum"]) == domain.GUIDE_TYPES
    assert tuple(s["AbsenceReason"]["enum"]) == domain.ABSENCE_REASONS
    assert tuple(s["ChannelKind"]["enum"]) == typing.get_args(domain.ChannelKind)
    assert tuple(s["Delivery"]["enum"]) == typing.get_args(domain.Delivery)
    assert tuple(s["EventKind"]["enum"]) == typing.get_args(domain.EventKind)


@pytest.mark.parametrize(
    ("schema", "model"),
    [
        ("Guide", models.Guide),
        ("Beneficiary", models.Beneficiary),
        ("Provider", models.Provider),
        ("Procedure", models.Procedure),
        ("Authorization", models.Authorization),
        ("Token", models.Token),
        ("Channels", models.Channels),
        ("Channel", models.Channel),
        ("SacPhone", models.SacPhone),
        ("Event", models.Event),
        ("OutboxMessage", models.OutboxMessage),
    ],
)
def test_members_are_the_ones_the_client_parses(schema: str, model: type) -> None:
    documented = schemas()[schema]
    assert documented["additionalProperties"] is False
    assert set(documented["properties"]) == {f.name for f in msgspec.structs.fields(model)}


def test_health_has_the_client_members_and_the_extensions() -> None:
    health = schemas()["Health"]
    assert health["additionalProperties"] is False
    client = {f.name for f in msgspec.structs.fields(models.Health)}
    assert set(health["properties"]) == client | {"operator"}


def test_idempotency_key_is_1_to_128_printable_ascii() -> None:
    schema = openapi().document["components"]["parameters"]["IdempotencyKey"]["schema"]
    validator = jsonschema.Draft202012Validator(schema)
    for good in ("k", "a" * 128, "desk 07:3f6c1a52-~!"):
        assert validator.is_valid(good), good
    for bad in ("", "a" * 129, "chave-é", "tab\there", "line\n", "\nline"):
        assert not validator.is_valid(bad), bad


# ----- examples that must pass -----


def test_contract_guide_example_validates_and_parses() -> None:
    validate_response("GET", GUIDE_PATH, 200, GUIDE, "application/json")
    validate_response("POST", f"{GUIDE_PATH}/token/validate", 200, GUIDE, JSON)
    guide = models.Guide.parse(GUIDE)
    assert guide.authorization == models.Authorization("A7K2Q9", "2026-12-22")
    awaiting = {**GUIDE, "status": "awaiting_token", "token": {"state": "none"}}
    validate_response("GET", "/v1/guides?status=awaiting_token", 200, {"items": [awaiting]}, JSON)


def test_contract_channels_example_validates_and_parses() -> None:
    validate_response("GET", f"{GUIDE_PATH}/token/channels", 200, CHANNELS, JSON)
    channels = models.Channels.parse(CHANNELS)
    assert channels.last_used is not None and channels.last_used.id == "c1"


def test_tokens_events_and_simulator_bodies_validate() -> None:
    validate_response("POST", f"{GUIDE_PATH}/token", 201, PENDING_TOKEN, JSON)
    validate_response("GET", f"{GUIDE_PATH}/token", 200, {"state": "none"}, JSON)
    sac = {"state": "pending", "channel": "sac", "expires_at": "2026-11-22T13:32:11Z"}
    validate_response("GET", f"{GUIDE_PATH}/token", 200, {**sac, "expires_in": 1800}, JSON)
    events = {
        "events": [
            {
                "at": "2026-11-22T13:02:41Z",
                "kind": "token_sent",
                "channel": "sms",
                "destination": "(43) *****-1234",
            },
            {"at": "2026-11-22T13:05:00Z", "kind": "code_rejected", "attempts_left": 4},
            {"at": "2026-11-22T13:06:00Z", "kind": "authorized", "authorization": "A7K2Q9"},
        ]
    }
    validate_response("GET", f"{GUIDE_PATH}/events", 200, events, JSON)
    message = {
        "id": "m1",
        "channel": "sms",
        "to": "43991231234",
        "body": "Seu código: 123456",
        "code": "123456",
        "guide": "2026112200017",
        "sent_at": "2026-11-22T13:02:41Z",
    }
    validate_response("GET", "/v1/_local/outbox", 200, {"messages": [message]}, JSON)
    validate_response("GET", "/v1/_local/app-code?card=1", 200, {"code": "654321"}, JSON)
    validate_response("POST", "/v1/_local/sac-code", 200, {"code": "111222"}, JSON)
    clock = {"now": "2026-11-22T14:02:11Z", "offset_seconds": 3600}
    validate_response("POST", "/v1/_local/clock", 200, clock, JSON)
    health = {"status": "ok", "version": "0.1.0", "mode": "local", "time": clock["now"]}
    validate_response("GET", "/v1/health", 200, {**health, "operator": "Dental Uni"}, JSON)


def test_problems_validate_with_content_type_parameters_and_headers() -> None:
    validate_response(
        "POST",
        f"{GUIDE_PATH}/token",
        429,
        problem("resend_too_soon"),
        "application/problem+json; charset=utf-8",
        headers={"retry-after": "42", "content-type": PROBLEM_JSON},
    )
    validate_response(
        "GET",
        f"{GUIDE_PATH}/token",
        401,
        problem("unauthorized"),
        PROBLEM_JSON,
        headers={"WWW-Authenticate": "Bearer"},
    )
    validate_response("GET", "/v1/nowhere", 404, problem("not_found"), PROBLEM_JSON)
    validate_response("DELETE", GUIDE_PATH, 405, problem("method_not_allowed"), PROBLEM_JSON)


# ----- documents that must fail -----


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.update(extra=1), "'extra' was unexpected"),
        (lambda t: t.update(attempts_left="5"), "'5' is not of type 'integer'"),
        (lambda t: t.update(attempts_left=-1), "less than the minimum"),
        (lambda t: t.update(sends_left=1.5), "is not of type 'integer'"),
        (lambda t: t.update(state="active"), "is not one of"),
        (lambda t: t.update(delivery="read"), "is not one of"),
        (lambda t: t.update(destination="(43) 99123-1234"), "does not match"),
        (lambda t: t.pop("expires_in"), "dependency"),
        (lambda t: t.update(expires_at="2026-11-22 13:32:11"), "is not a 'date-time'"),
        (lambda t: t.update(expires_at="2026-11-22T13:32:11-03:00"), "does not match"),
        (lambda t: t.update(expires_at="2026-02-30T13:32:11Z"), "is not a 'date-time'"),
        (lambda t: t.clear() or t.update(state="none", attempts_left=5), "too many properties"),
    ],
)
def test_broken_tokens_are_rejected(change: Any, expected: str) -> None:
    token = copy.deepcopy(PENDING_TOKEN)
    change(token)
    message = rejected(lambda: validate_response("GET", f"{GUIDE_PATH}/token", 200, token, JSON))
    assert expected in message
    assert "GET /v1/guides/2026112200017/token (/v1/guides/{number}/token) → 200" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda g: g.update(leak="x"), "'leak' was unexpected"),
        (lambda g: g.pop("authorization"), "'authorization' is a required property"),
        (lambda g: g["authorization"].update(valid_until="22/12/2026"), "is not a 'date'"),
        (lambda g: g["authorization"].update(valid_until="2026-12-22T00:00:00Z"), "'date'"),
        (lambda g: g.update(status="AUTORIZADA"), "is not one of"),
        (lambda g: g.update(type="gto"), "is not one of"),
        (lambda g: g.update(absence_reason="08"), "'08' is not one of"),
        (lambda g: g["beneficiary"].update(cpf="123"), "'cpf' was unexpected"),
        (lambda g: g["procedures"][0].update(quantity="1"), "is not of type 'integer'"),
        (lambda g: g["token"].update(code="123456"), "'code' was unexpected"),
    ],
)
def test_broken_guides_are_rejected(change: Any, expected: str) -> None:
    guide = copy.deepcopy(GUIDE)
    change(guide)
    assert expected in rejected(lambda: validate_response("GET", GUIDE_PATH, 200, guide, JSON))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c["channels"].pop(), "does not contain items matching"),
        (lambda c: c["channels"][1].update(last_used=True), "expected at most 1"),
        (lambda c: c["channels"][2].update(label="maria@email.com"), "does not match"),
        (lambda c: c["channels"][0].pop("label"), "'label' is a required property"),
        (lambda c: c["channels"][3].update(kind="whatsapp"), "is not one of"),
        (lambda c: c["channels"][3].update(phones=[]), "should be non-empty"),
        (lambda c: c.pop("typed_destination"), "'typed_destination' is a required"),
    ],
)
def test_broken_channels_are_rejected(change: Any, expected: str) -> None:
    channels = copy.deepcopy(CHANNELS)
    change(channels)
    path = f"{GUIDE_PATH}/token/channels"
    assert expected in rejected(lambda: validate_response("GET", path, 200, channels, JSON))


def test_code_never_leaks_into_events_or_problems() -> None:
    event = {"at": "2026-11-22T13:02:41Z", "kind": "code_rejected", "code": "123456"}
    events = {"events": [event]}
    assert "'code' was unexpected" in rejected(
        lambda: validate_response("GET", f"{GUIDE_PATH}/events", 200, events, JSON)
    )
    leaky = problem("invalid_code", traceback="Traceback (most recent call last)")
    path = f"{GUIDE_PATH}/token/validate"
    assert "'traceback' was unexpected" in rejected(
        lambda: validate_response("POST", path, 422, leaky, PROBLEM_JSON)
    )


def test_undocumented_statuses_content_types_and_paths_are_rejected() -> None:
    path = f"{GUIDE_PATH}/token"
    assert "status 418 is not documented" in rejected(
        lambda: validate_response("POST", path, 418, problem("invalid_request"), PROBLEM_JSON)
    )
    assert "status 200 is not documented" in rejected(
        lambda: validate_response("POST", path, 200, PENDING_TOKEN, JSON)
    )
    assert "expected application/json" in rejected(
        lambda: validate_response("POST", path, 201, PENDING_TOKEN, "text/plain")
    )
    assert "expected application/problem+json" in rejected(
        lambda: validate_response("POST", path, 404, problem("guide_not_found"), JSON)
    )
    # A documented status, but a code the operation cannot answer with it.
    assert "'guide_not_awaiting_token' was expected" in rejected(
        lambda: validate_response("POST", path, 409, problem("already_authorized"), PROBLEM_JSON)
    )
    # The problem's `status` member must be the HTTP status.
    assert "at $.status: 409 was expected" in rejected(
        lambda: validate_response(
            "POST", path, 409, problem("guide_not_awaiting_token", status=404), PROBLEM_JSON
        )
    )
    assert "no documented path matches" in rejected(
        lambda: validate_response("GET", "/v1/nowhere", 200, {}, JSON)
    )
    assert "POST is not documented for /v1/guides/{number}" in rejected(
        lambda: validate_response("POST", GUIDE_PATH, 404, problem("not_found"), PROBLEM_JSON)
    )


def test_declared_headers_are_checked_when_given() -> None:
    path = f"{GUIDE_PATH}/token/validate"
    body = problem("too_many_failures")
    assert "required header Retry-After is missing" in rejected(
        lambda: validate_response("POST", path, 429, body, PROBLEM_JSON, headers={})
    )
    assert "not a whole number" in rejected(
        lambda: validate_response(
            "POST", path, 429, body, PROBLEM_JSON, headers={"Retry-After": "soon"}
        )
    )
    assert "WWW-Authenticate is missing" in rejected(
        lambda: validate_response(
            "GET", "/v1/guides", 401, problem("unauthorized"), PROBLEM_JSON, headers={}
        )
    )
    replayed = {"Idempotent-Replayed": "yes"}
    assert "Idempotent-Replayed" in rejected(
        lambda: validate_response(
            "POST", f"{GUIDE_PATH}/token", 201, PENDING_TOKEN, JSON, headers=replayed
        )
    )
