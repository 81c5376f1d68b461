"""The one contract checker: requests and answers held to a vendor's API description
(the part kept in ``descriptions/``), so an emulator cannot drift into agreeing with our
own code. Each description is extracted by a script here that names its source
repository and commit: ``extract_openapi.py`` (Slack, Mastodon), ``extract_x.py`` (X, from
X's SDK, written back in OpenAPI form) and ``extract_graph_contract.py`` (Microsoft
Graph, from its CSDL).

:class:`Contract` finds the operation of a request by its method and path template, then
checks: every query, header and form parameter the request carries is documented, those
marked required are present, and each value has the documented type; a JSON (or form)
body is valid against the documented schema. A response must have a documented status
(or the description's ``default``) and a JSON body valid against that status's schema.
Schemas are checked with jsonschema: OpenAPI 3.1 (Mastodon, X) is JSON Schema 2020-12;
Swagger 2.0 (Slack) uses draft 4, and Slack's HTTP 200 ``{"ok": false}`` answers are
checked against the description's ``default`` (error) response. Problems are kept in
``violations`` for the test to assert on, never raised inside an emulator's thread.

:class:`GraphContract` does the same for Graph's description, which comes from CSDL as
routes (``delta()`` written without its parentheses, literal segments before keys) and
entity schemas; a 2xx answer is the route's collection, entity or nothing, an error is
OData's error body. Both validate through :func:`schema_problems`.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import jsonschema

DESCRIPTIONS = Path(__file__).parent / "descriptions"
#: Headers any HTTP request carries, never in an API description.
_TRANSPORT_HEADERS = {
    "host", "user-agent", "accept", "accept-encoding", "connection", "content-length",
    "content-type", "authorization",
}  # fmt: skip


@dataclass
class Contract:
    description: dict
    violations: list[str] = field(default_factory=list)
    checked: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(cls, name: str) -> Contract:
        return cls(load_description(f"{name}-openapi"))

    @property
    def source(self) -> dict[str, str]:
        """The repository, commit and file the description was extracted from."""
        return dict(self.description["x-source"])

    @property
    def swagger(self) -> bool:
        return "swagger" in self.description

    # -- finding the operation ------------------------------------------------------------

    def _operation(self, method: str, path: str) -> tuple[str, dict] | None:
        base = self.description.get("basePath", "").rstrip("/")
        if base and path.startswith(base):
            path = path[len(base) :]
        for template, operations in self.description["paths"].items():
            pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
            if re.match(pattern, path) and method.lower() in operations:
                return template, operations[method.lower()]
        return None

    def _fail(self, where: str, problem: str) -> None:
        with self._lock:
            self.violations.append(f"{where}: {problem}")

    # -- requests -------------------------------------------------------------------------

    def check_request(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        with self._lock:
            self.checked += 1
        found = self._operation(method, path)
        where = f"{method} {path}"
        if found is None:
            self._fail(where, "not an operation the API description has")
            return
        operation = found[1]
        form, json_body = self._body(headers, body)
        if self.swagger and json_body is not None:  # JSON members are the form's parameters
            form, json_body = {k: _plain(v) for k, v in json_body.items()}, None
        given = {
            "query": {k.removesuffix("[]"): v for k, v in query.items()},
            "header": {k.lower(): v for k, v in headers.items()},
            "formData": form if self.swagger else {},
        }
        self._check_parameters(where, operation.get("parameters", []), given)
        if not self.swagger:
            self._check_body(where, operation, json_body if json_body is not None else form)

    def _check_parameters(
        self, where: str, parameters: list[dict], given: dict[str, dict[str, Any]]
    ) -> None:
        documented: dict[str, set[str]] = {place: set() for place in given}
        for parameter in parameters:
            place, name = parameter.get("in"), parameter.get("name", "")
            if place not in documented:
                continue
            key = name.lower() if place == "header" else name.removesuffix("[]")
            documented[place].add(key)
            if key in given[place]:
                self._check_value(where, name, parameter, given[place][key])
            elif parameter.get("required") and not (
                key == "token" and "authorization" in given["header"]
            ):
                # Slack documents the token as a parameter; it travels as a bearer header.
                self._fail(where, f"required {place} parameter {name!r} is missing")
        for place in ("query", "formData"):
            for name in set(given[place]) - documented[place]:
                self._fail(where, f"{place} parameter {name!r} is not documented")
        for name in given["header"]:
            if name.startswith("idempotency") and name not in documented["header"]:
                self._fail(where, f"header {name!r} is not documented")

    def _check_body(self, where: str, operation: dict, payload: Any) -> None:
        body = operation.get("requestBody", {})
        schema = body.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            if payload:
                self._fail(where, "sent a body the operation does not take")
        elif not payload:
            if body.get("required"):
                self._fail(where, "the required body is missing")
        else:
            self._validate(where + " body", schema, payload)

    @staticmethod
    def _body(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], Any]:
        if not body:
            return {}, None
        kind = headers.get("content-type", "")
        if "application/x-www-form-urlencoded" in kind:
            return dict(parse_qsl(body.decode())), None
        return {}, json.loads(body)

    def _check_value(self, where: str, name: str, parameter: dict, raw: Any) -> None:
        schema = parameter.get("schema") or {
            k: parameter[k] for k in ("type", "enum", "items") if k in parameter
        }
        kind = schema.get("type")
        value: Any = raw
        try:
            if kind == "integer":
                value = int(raw)
            elif kind == "number":
                value = float(raw)
            elif kind == "boolean":
                if str(raw).lower() not in ("true", "false", "1", "0"):
                    raise ValueError(raw)
                value = str(raw).lower() in ("true", "1")
            elif kind == "array":
                value = [raw]
            elif kind == "object":
                value = raw if isinstance(raw, dict) else {}
        except ValueError:
            self._fail(where, f"parameter {name!r} is not of type {kind}: {raw!r}")
            return
        if kind != "object":
            self._validate(f"{where} parameter {name!r}", schema, value)

    # -- responses ------------------------------------------------------------------------

    def check_response(self, method: str, path: str, status: int, body: Any) -> None:
        found = self._operation(method, path)
        where = f"{method} {path} -> {status}"
        if found is None:
            self._fail(where, "answered an operation the API description does not have")
            return
        responses = found[1].get("responses", {})
        response = responses.get(str(status)) or responses.get("default")
        if self.swagger and isinstance(body, dict) and body.get("ok") is False:
            response = responses.get("default")  # Slack: errors are HTTP 200 "ok": false
        if response is None:
            self._fail(where, f"status {status} is not documented")
            return
        if self.swagger:
            schema = response.get("schema")
        else:
            schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return
        self._validate(where, schema, body)

    # -- schemas --------------------------------------------------------------------------

    def _validate(self, where: str, schema: dict, instance: Any) -> None:
        definitions = {
            "components": self.description.get("components", {}),
            "definitions": self.description.get("definitions", {}),
        }
        draft = jsonschema.Draft4Validator if self.swagger else jsonschema.Draft202012Validator
        for problem in schema_problems(schema, definitions, instance, draft):
            self._fail(where, problem)


def load_description(name: str) -> dict:
    return json.loads((DESCRIPTIONS / f"{name}.json").read_text(encoding="utf-8"))


def schema_problems(
    schema: dict,
    definitions: dict,
    instance: Any,
    draft: type[jsonschema.protocols.Validator] = jsonschema.Draft202012Validator,
) -> list[str]:
    """Where ``instance`` breaks ``schema``, whose references point into ``definitions``
    (the description's top-level members, kept beside the schema)."""
    checker = draft({**definitions, "allOf": [schema]})
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message[:300]}"
        for error in checker.iter_errors(instance)
    ]


#: OData JSON Format 4.01, section 21, "Error Response", as learn.microsoft.com/graph/errors
#: shows it: ``error`` with ``code`` and ``message``.
ODATA_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}
_ANNOTATION = {"^@|@odata\\.": {}}


@dataclass
class GraphContract:
    """Graph's routes and entity schemas (``graph-teams-v1.json``)."""

    description: dict = field(default_factory=lambda: load_description("graph-teams-v1"))

    @property
    def source(self) -> dict[str, str]:
        return dict(self.description["source"])

    def route_of(self, path: str) -> dict[str, Any] | None:
        """The described path a request's path is, literal segments before keys."""
        asked = [unquote(s) for s in path.removeprefix("/v1.0").strip("/").split("/")]
        best: tuple[int, dict[str, Any]] | None = None
        for entry in self.description["paths"]:
            template = entry["path"].strip("/").split("/")
            if len(template) != len(asked):
                continue
            literal = 0
            for want, got in zip(template, asked, strict=True):
                if want.startswith("{"):
                    continue
                if got not in (want, want.removesuffix("()")):
                    break
                literal += 1
            else:
                if best is None or literal > best[0]:
                    best = (literal, entry)
        return None if best is None else best[1]

    def problems(self, method: str, path: str, body: Any, status: int, answer: Any) -> list[str]:
        """What in one exchange (the request's JSON body, the answer's) the description
        does not allow."""
        where = f"{method} {path}"
        entry = self.route_of(path)
        if entry is None:
            return [f"{where}: Graph describes no such path"]
        operation = entry["operations"].get(method)
        if operation is None:
            return [f"{where}: {entry['path']} takes no {method}"]
        found = []
        if "request" in operation:
            found += self._check(
                f"{where} request", {"$ref": f"#/schemas/{operation['request']}"}, body
            )
        if status >= 400:
            found += self._check(f"{where} {status}", ODATA_ERROR, answer)
        elif str(status) not in operation:
            documented = sorted(k for k in operation if k.isdigit())
            found.append(f"{where}: answered {status}; Graph answers {documented}")
        elif operation[str(status)] is None:
            if answer not in (None, b""):
                found.append(f"{where}: {status} with a body")
        else:
            schema = _graph_answer(operation[str(status)], entry["schema"])
            found += self._check(f"{where} {status}", schema, answer)
        return found

    def _check(self, where: str, schema: dict, instance: Any) -> list[str]:
        definitions = {"schemas": self.description["schemas"]}
        return [f"{where}: {p}" for p in schema_problems(schema, definitions, instance)]


def _graph_answer(kind: str, entity: str) -> dict[str, Any]:
    ref = {"$ref": f"#/schemas/{entity}"}
    if kind == "collection":
        return {
            "type": "object",
            "required": ["value"],
            "properties": {"value": {"type": "array", "items": ref}},
            "patternProperties": _ANNOTATION,
            "additionalProperties": False,
        }
    return ref


def _plain(value: Any) -> Any:
    """A JSON member as a form would carry it (objects as JSON text, booleans as words)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value
