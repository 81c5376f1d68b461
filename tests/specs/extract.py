"""Extract, from a vendor's whole OpenAPI description, the endpoints Fireside uses and
every schema they reach, into a small file kept in tests/specs (CI has no internet).

    python tests/specs/extract.py mastodon /path/to/schema.json <commit>
    python tests/specs/extract.py slack /path/to/slack_web_openapi_v2.json <commit>

Sources (fetched with git from the public repositories, at the commit given):
- Mastodon: abraham/mastodon-openapi, dist/schema.json (OpenAPI 3.1, community-made
  from the Mastodon documentation);
- Slack: slackapi/slack-api-specs, web-api/slack_web_openapi_v2.json (Swagger 2.0).

Examples are dropped (they are large and checked nowhere); everything a kept operation
references (``$ref`` to schemas, parameters, responses) is copied with it, so the file
resolves on its own. The output names the repository, path and commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

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
    return subset


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[1] not in SOURCES:
        print(__doc__, file=sys.stderr)
        return 2
    name, source, commit = argv[1], Path(argv[2]), argv[3]
    subset = extract(name, json.loads(source.read_text(encoding="utf-8")), commit)
    out = Path(__file__).with_name(f"{name}-openapi.json")
    out.write_text(json.dumps(subset, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{out}: {len(subset['paths'])} paths, {out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
