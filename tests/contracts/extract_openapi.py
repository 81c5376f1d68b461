"""Extract, from a vendor's whole OpenAPI description, the endpoints Fireside uses and
every schema they reach, into a small file kept in tests/contracts/descriptions (CI has
no internet).

    python tests/contracts/extract_openapi.py mastodon /path/to/schema.json <commit>
    python tests/contracts/extract_openapi.py slack /path/to/slack_web_openapi_v2.json <commit>

Sources (fetched with git from the public repositories, at the commit given):
- Mastodon: abraham/mastodon-openapi, dist/schema.json (OpenAPI 3.1, community-made
  from the Mastodon documentation);
- Slack: slackapi/slack-api-specs, web-api/slack_web_openapi_v2.json (Swagger 2.0).

Slack's description was last published in 2021 (the repository is archived); what Slack
documented since, and Fireside uses, is added by ``AMENDMENTS`` below, each with the
documentation page that says so, and listed in the output under ``x-amendments``.

Examples are dropped (they are large and checked nowhere); everything a kept operation
references (``$ref`` to schemas, parameters, responses) is copied with it, so the file
resolves on its own. The output names the repository, path and commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

#: Where the extracted descriptions live (read by ``checker.py``).
DESCRIPTIONS = Path(__file__).parent / "descriptions"

SOURCES = {
    "mastodon": ("abraham/mastodon-openapi", "dist/schema.json"),
    "slack": ("slackapi/slack-api-specs", "web-api/slack_web_openapi_v2.json"),
}

#: (method, path) of every endpoint a connector or its sign-in calls.
USED = {
    "mastodon": [
        ("post", "/api/v1/apps"),
        ("get", "/oauth/authorize"),
        ("post", "/oauth/token"),
        ("post", "/oauth/revoke"),
        ("get", "/api/v1/accounts/verify_credentials"),
        ("get", "/api/v2/instance"),
        ("get", "/api/v1/accounts/{id}/statuses"),
        ("get", "/api/v1/notifications"),
        ("get", "/api/v1/statuses/{id}"),
        ("get", "/api/v1/statuses/{id}/context"),
        ("post", "/api/v1/statuses"),
        ("put", "/api/v1/statuses/{id}"),
        ("delete", "/api/v1/statuses/{id}"),
    ],
    "slack": [
        ("get", "/oauth.v2.access"),
        ("get", "/auth.test"),
        ("get", "/auth.revoke"),
        ("get", "/users.info"),
        ("get", "/conversations.info"),
        ("get", "/conversations.list"),
        ("get", "/conversations.history"),
        ("get", "/conversations.replies"),
        ("get", "/chat.getPermalink"),
        ("post", "/chat.postMessage"),
        ("post", "/chat.update"),
        ("post", "/chat.delete"),
    ],
}

_DROPPED = {"example", "examples", "x-codeSamples"}


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in _DROPPED}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            found.add(ref)
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def _pointer(document: dict, ref: str) -> Any:
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _place(target: dict, ref: str, value: Any) -> None:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")]
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


_META_DOC = "https://docs.slack.dev/messaging/message-metadata"
_OAUTH_DOC = "https://docs.slack.dev/reference/methods/oauth.v2.access"
_PKCE_DOC = "https://docs.slack.dev/authentication/using-pkce"
_ROTATION_DOC = "https://docs.slack.dev/authentication/using-token-rotation"
_LIMITS_DOC = "https://docs.slack.dev/apis/web-api/rate-limits"
_MESSAGE_DOC = "https://docs.slack.dev/messaging/retrieving-messages"
_HISTORY_DOC = "https://docs.slack.dev/reference/methods/conversations.history"
_PAGING_DOC = "https://docs.slack.dev/apis/web-api/pagination"
_METADATA = {
    "type": "object",
    "required": ["event_type", "event_payload"],
    "properties": {"event_type": {"type": "string"}, "event_payload": {"type": "object"}},
}


def _slack_amendments(subset: dict) -> list[str]:
    """What Slack documented after its 2021 description, as Fireside uses it."""
    paths, said = subset["paths"], []
    # oauth.v2.access is a POST of a form, with PKCE's verifier and the refresh grant.
    access = paths["/oauth.v2.access"]
    post = json.loads(json.dumps(access["get"]))
    for parameter in post["parameters"]:
        parameter["in"] = "formData"
        parameter.pop("required", None)
    post["parameters"] += [
        {"in": "formData", "name": name, "type": "string"}
        for name in ("code_verifier", "grant_type", "refresh_token")
    ]
    access["post"] = post
    said.append(
        "POST /oauth.v2.access with code_verifier, grant_type, refresh_token: "
        f"{_OAUTH_DOC}, {_PKCE_DOC}, {_ROTATION_DOC}"
    )
    # Message metadata: written by chat.postMessage/chat.update, read back on request.
    for route in ("/chat.postMessage", "/chat.update"):
        paths[route]["post"]["parameters"].append(
            {"in": "formData", "name": "metadata", "type": "string"}
        )
    for route in ("/conversations.history", "/conversations.replies"):
        paths[route]["get"]["parameters"].append(
            {"in": "query", "name": "include_all_metadata", "type": "boolean"}
        )
    message = subset["definitions"]["objs_message"]["properties"]
    message["metadata"] = _METADATA
    # An edited message says when and by whom (the message object's ``edited``).
    message["edited"] = {
        "type": "object",
        "required": ["user", "ts"],
        "properties": {"user": {"type": "string"}, "ts": {"type": "string"}},
    }
    # An empty channel's history is an empty list, not the one-or-more the 2021 file says.
    paths["/conversations.history"]["get"]["responses"]["200"]["schema"]["properties"][
        "messages"
    ].pop("minItems", None)
    said.append(f"edited on messages; an empty history: {_MESSAGE_DOC}, {_HISTORY_DOC}")
    # Cursor paging: has_more with response_metadata.next_cursor ("" on the last page).
    for route in ("/conversations.history", "/conversations.replies"):
        schema = paths[route]["get"]["responses"]["200"]["schema"]
        schema["properties"]["response_metadata"] = {
            "type": "object",
            "properties": {"next_cursor": {"type": "string"}},
        }
    said.append(f"response_metadata.next_cursor on history and replies: {_PAGING_DOC}")
    said.append(
        "metadata on chat.postMessage, chat.update, messages; include_all_metadata on "
        f"conversations.history/replies: {_META_DOC}"
    )
    # Throttled calls answer HTTP 429 {"ok": false, "error": "ratelimited"}; rotating
    # tokens expire with token_expired.
    for operations in paths.values():
        for operation in operations.values():
            error = operation["responses"].get("default", {}).get("schema", {})
            enum = error.get("properties", {}).get("error", {}).get("enum")
            if isinstance(enum, list):
                enum += [e for e in ("ratelimited", "token_expired") if e not in enum]
    said.append(f"errors ratelimited ({_LIMITS_DOC}) and token_expired ({_ROTATION_DOC})")
    return said


def extract(name: str, document: dict, commit: str) -> dict:
    repository, path = SOURCES[name]
    subset: dict[str, Any] = {
        "x-source": {"repository": repository, "path": path, "commit": commit},
        "paths": {},
    }
    for key in ("openapi", "swagger", "basePath", "info"):
        if key in document:
            subset[key] = (
                _strip(document[key])
                if key != "info"
                else {
                    "title": document["info"].get("title"),
                    "version": document["info"].get("version"),
                }
            )
    for method, route in USED[name]:
        operation = document["paths"][route][method]
        subset["paths"].setdefault(route, {})[method] = _strip(operation)
    seen: set[str] = set()
    pending = _refs(subset["paths"])
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        value = _strip(_pointer(document, ref))
        _place(subset, ref, value)
        pending |= _refs(value) - seen
    if name == "slack":
        subset["x-amendments"] = _slack_amendments(subset)
    return subset


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[1] not in SOURCES:
        print(__doc__, file=sys.stderr)
        return 2
    name, source, commit = argv[1], Path(argv[2]), argv[3]
    subset = extract(name, json.loads(source.read_text(encoding="utf-8")), commit)
    out = DESCRIPTIONS / f"{name}-openapi.json"
    out.write_text(json.dumps(subset, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{out}: {len(subset['paths'])} paths, {out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
