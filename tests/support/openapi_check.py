"""Check real HTTP responses against docs/openapi.yaml: a helper for tests, not a test module.

`validate_response(method, path, status, body, content_type)` raises `AssertionError`
with a readable message when a response is not what the OpenAPI document promises for
that operation and status; `documented_paths()` lists the documented operations.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import jsonschema  # type: ignore[import-untyped]
import yaml  # type: ignore[import-untyped]
from jsonschema.exceptions import best_match  # type: ignore[import-untyped]
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from frontdesk.client.asgi import AsgiResponse, AsgiSession
from frontdesk.client.client import FrontdeskClient
from frontdesk.client.session import HttpxSession

OPENAPI_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
DOC_URI = "urn:frontdesk:openapi"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
PROBLEM_POINTER = "/components/schemas/Problem"
MAX_ERRORS = 5

# Answers to requests that match no documented operation: (status -> allowed codes).
UNKNOWN_PATH_ANSWERS: dict[int, str] = {401: "unauthorized", 404: "not_found"}
UNKNOWN_METHOD_ANSWERS: dict[int, str] = {401: "unauthorized", 405: "method_not_allowed"}

# ----- formats (jsonschema's own date-time check needs an extra package; these do not) -----

FORMAT_CHECKER = jsonschema.FormatChecker(formats=())
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})\Z", re.ASCII
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z", re.ASCII)


@FORMAT_CHECKER.checks("date-time", raises=ValueError)  # type: ignore[untyped-decorator]
def _is_date_time(instance: object) -> bool:
    """RFC 3339 date-time: the exact shape, and a real calendar date and time."""
    if not isinstance(instance, str):
        return True
    if _DATE_TIME.match(instance) is None:
        return False
    dt.datetime.fromisoformat(instance.upper())
    return True


@FORMAT_CHECKER.checks("date", raises=ValueError)  # type: ignore[untyped-decorator]
def _is_date(instance: object) -> bool:
    """RFC 3339 full-date (`2026-12-22`), a real calendar date."""
    if not isinstance(instance, str):
        return True
    if _DATE.match(instance) is None:
        return False
    dt.date.fromisoformat(instance)
    return True


# ----- the document -----


@dataclass(frozen=True)
class _Route:
    template: str
    pattern: re.Pattern[str]
    literal_segments: int


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^/{}]+\})", template)
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{regex}$")


def _pointer_escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


class OpenApiDocument:
    """docs/openapi.yaml loaded once, with its paths compiled and its schemas resolvable."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.registry: Registry[Any] = Registry().with_resource(
            DOC_URI, DRAFT202012.create_resource(document)
        )
        routes = [
            _Route(
                template=template,
                pattern=_template_pattern(template),
                literal_segments=sum(1 for s in template.split("/") if s and "{" not in s),
            )
            for template in document.get("paths", {})
        ]
        # A literal segment beats a parameter where two templates could both match.
        self.routes = sorted(routes, key=lambda r: -r.literal_segments)
        self._validators: dict[str, Any] = {}

    def lookup(self, pointer: str) -> Any:
        """The node at a JSON pointer (`/components/schemas/Guide`) of the document."""
        node: Any = self.document
        for raw in pointer.split("/")[1:]:
            key = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                node = node[int(key)]
            elif isinstance(node, dict) and key in node:
                node = node[key]
            else:
                raise KeyError(f"{pointer!r} does not exist in {OPENAPI_PATH.name}")
        return node

    def follow(self, pointer: str) -> tuple[str, Any]:
        """Follow local `$ref`s from `pointer` to the node that holds the content."""
        node = self.lookup(pointer)
        seen = {pointer}
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref: str = node["$ref"]
            if not ref.startswith("#"):
                raise KeyError(f"non-local $ref {ref!r} at {pointer}")
            pointer = ref[1:]
            if pointer in seen:
                raise KeyError(f"$ref cycle at {pointer}")
            seen.add(pointer)
            node = self.lookup(pointer)
        return pointer, node

    def match(self, path: str) -> str | None:
        """The path template (`/v1/guides/{number}`) that a concrete path matches."""
        for route in self.routes:
            if route.pattern.match(path):
                return route.template
        return None

    def validator(self, schema_pointer: str) -> Any:
        """A Draft 2020-12 validator (formats checked) for the schema at a pointer."""
        found = self._validators.get(schema_pointer)
        if found is None:
            ref = f"{DOC_URI}#{quote(schema_pointer, safe='/~')}"
            found = jsonschema.Draft202012Validator(
                {"$ref": ref}, registry=self.registry, format_checker=FORMAT_CHECKER
            )
            self._validators[schema_pointer] = found
        return found

    def problem_validator(self, code: str) -> Any:
        """A validator for a problem document with exactly this `code`."""
        key = f"problem:{code}"
        found = self._validators.get(key)
        if found is None:
            ref = f"{DOC_URI}#{PROBLEM_POINTER}"
            schema = {"allOf": [{"$ref": ref}, {"properties": {"code": {"const": code}}}]}
            found = jsonschema.Draft202012Validator(
                schema, registry=self.registry, format_checker=FORMAT_CHECKER
            )
            self._validators[key] = found
        return found


@functools.cache
def openapi() -> OpenApiDocument:
    """The OpenAPI document, loaded and compiled once per test session."""
    with OPENAPI_PATH.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict):
        raise AssertionError(f"{OPENAPI_PATH} is not a YAML mapping")
    return OpenApiDocument(document)


def documented_paths() -> set[tuple[str, str]]:
    """Every documented operation as (METHOD in upper case, path template)."""
    paths: dict[str, Any] = openapi().document.get("paths", {})
    return {
        (method.upper(), template)
        for template, item in paths.items()
        for method in item
        if method in HTTP_METHODS
    }


# ----- validation -----


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _short(body: object, limit: int = 400) -> str:
    text = repr(body)
    return text if len(text) <= limit else text[:limit] + "…"


def _schema_errors(validator: Any, body: object) -> list[str]:
    errors = list(validator.iter_errors(body))
    messages: list[str] = []
    for error in sorted(errors, key=lambda e: list(e.absolute_path))[:MAX_ERRORS]:
        deepest = best_match([error])
        messages.append(f"at {deepest.json_path}: {deepest.message}")
    if len(errors) > MAX_ERRORS:
        messages.append(f"… and {len(errors) - MAX_ERRORS} more")
    return messages


def _fail(where: str, what: str, body: object) -> None:
    raise AssertionError(f"{where}: {what}\n  body: {_short(body)}")


def _check_schema(where: str, validator: Any, body: object) -> None:
    messages = _schema_errors(validator, body)
    if messages:
        _fail(where, "body does not match the schema:\n    " + "\n    ".join(messages), body)


def _check_problem_status(where: str, status: int, body: object) -> None:
    if isinstance(body, Mapping) and body.get("status") != status:
        _fail(where, f"problem member status is {body.get('status')!r}, not {status}", body)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def _check_headers(
    where: str, doc: OpenApiDocument, response: Mapping[str, Any], headers: Mapping[str, str]
) -> None:
    for name, declared in response.get("headers", {}).items():
        _, header = _follow_node(doc, declared)
        value = _header(headers, name)
        if value is None:
            if header.get("required", False):
                raise AssertionError(f"{where}: required header {name} is missing")
            continue
        schema = header.get("schema", {})
        instance: object = value
        if schema.get("type") == "integer":
            if not re.fullmatch(r"\d+", value.strip()):
                raise AssertionError(f"{where}: header {name}: {value!r} is not a whole number")
            instance = int(value)
        messages = _schema_errors(
            jsonschema.Draft202012Validator(schema, format_checker=FORMAT_CHECKER), instance
        )
        if messages:
            raise AssertionError(f"{where}: header {name}: {'; '.join(messages)}")


def _follow_node(doc: OpenApiDocument, node: Any) -> tuple[str, Any]:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        return doc.follow(node["$ref"][1:])
    return "", node


def _check_unrouted(
    where: str,
    doc: OpenApiDocument,
    status: int,
    body: object,
    content_type: str,
    answers: Mapping[int, str],
    why: str,
) -> None:
    code = answers.get(status)
    if code is None:
        allowed = ", ".join(f"{s} {c}" for s, c in sorted(answers.items()))
        raise AssertionError(f"{where}: {why}; only {allowed} may answer it")
    if _media_type(content_type) != PROBLEM_JSON:
        _fail(where, f"content type {content_type!r}, expected {PROBLEM_JSON}", body)
    _check_schema(where, doc.problem_validator(code), body)
    _check_problem_status(where, status, body)


def validate_response(
    method: str,
    path: str,
    status: int,
    body: object,
    content_type: str,
    *,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Assert that a response is what docs/openapi.yaml documents for that request.

    `path` is the concrete request path (`/v1/guides/2026112200017/token`; a query
    string or a full URL is fine). `body` is the decoded JSON. Checks that the status
    is documented for the operation, that the content type is the documented one
    (`application/json` for success, `application/problem+json` for errors), that the
    body validates (Draft 2020-12, formats checked) and, for problems, that the
    `status` member equals the HTTP status. With `headers`, also checks the response
    headers the document declares (required ones present, values of the right type).

    A path no template matches may only answer 404 `not_found` (or 401); a documented
    path with an undocumented method only 405 `method_not_allowed` (or 401).
    """
    doc = openapi()
    concrete = urlsplit(path).path
    verb = method.upper()
    where = f"{verb} {concrete} → {status}"
    template = doc.match(concrete)
    if template is None:
        _check_unrouted(
            where,
            doc,
            status,
            body,
            content_type,
            UNKNOWN_PATH_ANSWERS,
            "no documented path matches",
        )
        return
    item_pointer = f"/paths/{_pointer_escape(template)}"
    _, item = doc.follow(item_pointer)
    if verb.lower() not in item:
        _check_unrouted(
            where,
            doc,
            status,
            body,
            content_type,
            UNKNOWN_METHOD_ANSWERS,
            f"{verb} is not documented for {template}",
        )
        return
    where = f"{verb} {concrete} ({template}) → {status}"
    responses: dict[str, Any] = item[verb.lower()].get("responses", {})
    key = next((k for k in (str(status), f"{status // 100}XX", "default") if k in responses), None)
    if key is None:
        documented = ", ".join(sorted(responses))
        _fail(where, f"status {status} is not documented (documented: {documented})", body)
        return
    response_pointer = f"{item_pointer}/{verb.lower()}/responses/{key}"
    response_pointer, response = doc.follow(response_pointer)
    content: dict[str, Any] = response.get("content", {})
    media = _media_type(content_type)
    if media not in content:
        expected = " or ".join(content) or "no body"
        _fail(where, f"content type {content_type!r}, expected {expected}", body)
    schema_pointer = f"{response_pointer}/content/{_pointer_escape(media)}/schema"
    _check_schema(where, doc.validator(schema_pointer), body)
    if media == PROBLEM_JSON:
        _check_problem_status(where, status, body)
    if headers is not None:
        _check_headers(where, doc, response, headers)


def validate_component(name: str, instance: object) -> None:
    """Assert that `instance` validates against `#/components/schemas/<name>`."""
    doc = openapi()
    pointer = f"/components/schemas/{_pointer_escape(name)}"
    doc.lookup(pointer)
    _check_schema(f"schema {name}", doc.validator(pointer), instance)


def iter_refs(node: object, pointer: str = "") -> Iterable[tuple[str, str]]:
    """Every `$ref` in a document: (where it is, what it points to)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield pointer, value
            else:
                yield from iter_refs(value, f"{pointer}/{_pointer_escape(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_refs(value, f"{pointer}/{index}")


@dataclass(frozen=True)
class SeenResponse:
    """One HTTP answer as the test suite saw it."""

    method: str
    path: str
    status: int
    body: Any
    content_type: str
    headers: dict[str, str]


class OpenApiLog:
    """Records every response of the clients attached to it; `check()` validates them all.

    Attach a `FrontdeskClient` (over httpx or in-process ASGI), an `AsgiSession`, or an
    httpx client (sync or async) with `attach(...)`, which adds a response hook; the httpx
    hook reads the body, so streaming callers are not supported.
    """

    def __init__(self) -> None:
        self.seen: list[SeenResponse] = []
        self.undecodable: list[str] = []

    def record(self, response: httpx.Response | AsgiResponse) -> None:
        raw = response.content
        method = response.request.method
        if isinstance(response, AsgiResponse):
            target = response.request.raw_path
        else:
            target = response.request.url.raw_path
        path = target.decode("ascii").split("?", 1)[0]
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                self.undecodable.append(f"{method} {path}: {raw[:200]!r}")
                return
        self.seen.append(
            SeenResponse(
                method=method,
                path=path,
                status=response.status_code,
                body=body,
                content_type=response.headers.get("content-type", ""),
                headers=dict(response.headers),
            )
        )

    def attach(
        self,
        client: FrontdeskClient | AsgiSession | HttpxSession | httpx.Client | httpx.AsyncClient,
    ) -> None:
        if isinstance(client, FrontdeskClient):
            session = client._session
            if isinstance(session, AsgiSession | HttpxSession):
                self.attach(session)
                return
            raise TypeError(f"cannot watch a {type(session).__name__}")
        if isinstance(client, HttpxSession):
            client = client.http
        if isinstance(client, AsgiSession):
            client.response_hooks.append(self.record)
        elif isinstance(client, httpx.AsyncClient):

            async def async_hook(response: httpx.Response) -> None:
                await response.aread()
                self.record(response)

            client.event_hooks["response"] = [*client.event_hooks["response"], async_hook]
        else:

            def sync_hook(response: httpx.Response) -> None:
                response.read()
                self.record(response)

            client.event_hooks["response"] = [*client.event_hooks["response"], sync_hook]

    def failures(self) -> list[str]:
        problems = [f"not JSON: {item}" for item in self.undecodable]
        for seen in self.seen:
            try:
                validate_response(
                    seen.method,
                    seen.path,
                    seen.status,
                    seen.body,
                    seen.content_type,
                    headers=seen.headers,
                )
            except AssertionError as error:
                problems.append(str(error))
        return problems

    def check(self) -> None:
        problems = self.failures()
        if problems:
            shown = "\n".join(problems[:10])
            raise AssertionError(
                f"{len(problems)} of {len(self.seen)} responses do not match docs/openapi.yaml:"
                f"\n{shown}"
            )
