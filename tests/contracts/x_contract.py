"""Checks requests and answers against X's OpenAPI description (the subset in
``x/openapi-subset.json``, extracted by ``extract_x.py`` from X's own SDK): the query
parameters an endpoint documents (and the required ones), the request body's schema, and
the answer's schema for its status (or the description's ``default`` error answer)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SUBSET = Path(__file__).parent / "x" / "openapi-subset.json"


class XContract:
    def __init__(self) -> None:
        spec = json.loads(SUBSET.read_text(encoding="utf-8"))
        self.source = spec["source"]
        self.operations: dict[str, Any] = spec["operations"]
        self._defs = spec["$defs"]

    def _problems(self, schema: Any, instance: Any, where: str) -> list[str]:
        validator = Draft202012Validator({**schema, "$defs": self._defs})
        return [
            f"{where}: {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in validator.iter_errors(instance)
        ]

    def _operation(self, endpoint: str) -> dict[str, Any]:
        method, path = endpoint.split(" ", 1)
        return self.operations[f"{method} {path.replace(':id', '{id}')}"]

    def request_problems(self, endpoint: str, request: Any) -> list[str]:
        op = self._operation(endpoint)
        names = set(op["query"]["names"])
        found = [
            f"{endpoint}: query parameter {k!r} is not documented"
            for k in request.query
            if k not in names
        ]
        found += [
            f"{endpoint}: required query parameter {k!r} missing"
            for k in op["query"]["required"]
            if k not in request.query
        ]
        if op["request"] is not None:
            found += self._problems(op["request"], request.json(), f"{endpoint} request")
        return found

    def response_problems(self, endpoint: str, status: int, body: Any) -> list[str]:
        responses = self._operation(endpoint)["responses"]
        schema = responses.get(str(status)) or responses.get("default")
        if schema is None:
            return [f"{endpoint}: status {status} is not described"]
        return self._problems(schema, body, f"{endpoint} answer {status}")
