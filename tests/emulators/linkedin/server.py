"""LinkedIn's Community Management API as the connector uses it, over HTTPS on 127.0.0.1.

LinkedIn publishes no OpenAPI description; each endpoint follows the page cited beside
it (learn.microsoft.com/linkedin/..., API version 202601):

- OAuth, native apps with PKCE (shared/authentication/authorization-code-flow-native):
  ``GET /oauth/v2/authorization`` (302 to the loopback), ``POST /oauth/v2/accessToken``;
  answers ``{"access_token", "expires_in", "refresh_token", "refresh_token_expires_in",
  "scope"}``; errors ``{"error", "error_description"}``.
- Versioning (marketing/versioning): ``LinkedIn-Version: YYYYMM`` is required (400
  VERSION_MISSING without it, 426 NONEXISTENT_VERSION for one not served) and
  ``X-Restli-Protocol-Version: 2.0.0``.
- Posts API (marketing/community-management/shares/posts-api): ``GET /rest/posts?q=author
  &author=&start=&count=&sortBy=`` (count at most 100), ``POST /rest/posts`` (201, the
  new URN in ``x-restli-id``), ``GET|DELETE /rest/posts/{urn}``, ``POST /rest/posts/{urn}``
  with ``X-RestLi-Method: PARTIAL_UPDATE`` and ``{"patch": {"$set": {"commentary"}}}``.
- Comments API (…/shares/comments-api): ``GET|POST /rest/socialActions/{target}/comments``
  (``target`` a post, or a comment for its replies), ``GET|DELETE .../comments/{id}``
  (DELETE and PARTIAL_UPDATE name the ``actor``); a reply's ``parentComment`` must be a
  top-level comment (one level of nesting); a comment shows ``commentsSummary``.
- Errors (shared/api-guide/concepts/error-handling): ``{"status", "serviceErrorCode",
  "code", "message"}``. Throttling (shared/api-guide/concepts/rate-limits): a daily
  quota per application and member, reset at midnight UTC; 429, no headers.
- Scopes: ``r_organization_social`` to read, ``w_organization_social`` to write; the
  signed-in person must administer the organisation.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from emulators.microsoft.apiserver import Request, Response
from emulators.oauth.authority import Authority, OAuthRefusal

VERSIONS = frozenset({"202510", "202511", "202512", "202601"})
READ = frozenset({"r_organization_social"})
WRITE = frozenset({"w_organization_social"})
_COMMENT = re.compile(r"urn:li:comment:\((?P<object>[^,]+),(?P<id>[^)]+)\)")


def error(status: int, code: str, message: str, service: int = 100) -> Response:
    return Response(
        status, {"status": status, "serviceErrorCode": service, "code": code, "message": message}
    )


@dataclass
class LinkedInWorld:
    clock: Callable[[], float]
    authority: Authority
    organization: str = "1337"
    admins: set[str] = field(default_factory=set)
    daily_quota: int = 10_000
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: dict[str, dict[str, Any]] = field(default_factory=dict)  # by commentUrn
    _ids: Any = field(default_factory=lambda: itertools.count(7_100_000_000_000_000_000, 1009))
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def page(self) -> str:
        return f"urn:li:organization:{self.organization}"

    def ms(self, age_s: float = 0) -> int:
        return int((self.clock() - age_s) * 1000)

    def post(self, text: str, age_s: float = 0) -> str:
        ident = f"urn:li:share:{next(self._ids)}"
        self.posts[ident] = {
            "id": ident,
            "author": self.page,
            "commentary": text,
            "visibility": "PUBLIC",
            "lifecycleState": "PUBLISHED",
            "createdAt": self.ms(age_s),
            "lastModifiedAt": self.ms(age_s),
        }
        return ident

    def comment(
        self, actor: str, post: str, text: str, parent: str | None = None, age_s: float = 0
    ) -> str:
        number = str(next(self._ids))
        activity = f"urn:li:activity:{post.rsplit(':', 1)[1]}"
        ident = f"urn:li:comment:({activity},{number})"
        self.comments[ident] = {
            "id": number,
            "commentUrn": ident,
            "actor": actor,
            "object": post,
            "message": {"text": text},
            "created": {"actor": actor, "time": self.ms(age_s)},
            "lastModified": {"actor": actor, "time": self.ms(age_s)},
            **({"parentComment": parent} if parent else {}),
        }
        return ident


class LinkedInEmulator:
    def __init__(self, world: LinkedInWorld) -> None:
        self.world = world
        self._used: dict[tuple[str, str], int] = {}  # (member, UTC day) -> calls
        self.versions_seen: set[str] = set()

    def handle(self, request: Request) -> Response:
        if request.path == "/oauth/v2/authorization":
            try:
                return Response(
                    302, b"", {"Location": self.world.authority.authorize(request.query)}
                )
            except OAuthRefusal as refusal:
                return Response(
                    refusal.status,
                    {"error": refusal.error, "error_description": refusal.description},
                )
        if request.path == "/oauth/v2/accessToken" and request.method == "POST":
            return self._token(request)
        if not request.path.startswith("/rest/"):
            return error(404, "NOT_FOUND", f"No resource found for {request.path}")
        refused = self._refused(request)
        if refused is not None:
            return refused
        with self.world.lock:
            return self._route(request)

    def _refused(self, request: Request) -> Response | None:
        """The version, protocol, token, scope, admin and quota checks, in LinkedIn's order."""
        version = request.headers.get("linkedin-version")
        if not version:
            return error(
                400,
                "VERSION_MISSING",
                "A version must be present. Please specify a version by adding the "
                "LinkedIn-Version header.",
            )
        if version not in VERSIONS:
            return error(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
        self.versions_seen.add(version)
        if request.headers.get("x-restli-protocol-version") != "2.0.0":
            return error(400, "PROTOCOL_VERSION", "X-Restli-Protocol-Version 2.0.0 is required")
        try:
            grant = self.world.authority.check(request.headers.get("authorization"))
        except OAuthRefusal:
            return error(
                401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65601
            )
        writing = request.method in ("POST", "DELETE")
        if not (WRITE if writing else READ) <= grant.scopes:
            return error(
                403,
                "ACCESS_DENIED",
                f"Not enough permissions to access: {request.method} {request.path}",
            )
        if grant.user not in self.world.admins:
            return error(
                403,
                "ACCESS_DENIED",
                "Not enough permissions to access: the member administers no such organization",
            )
        day = datetime.fromtimestamp(self.world.clock(), UTC).strftime("%Y-%m-%d")
        used = self._used.get((grant.user, day), 0)
        if used >= self.world.daily_quota:
            return error(
                429,
                "TOO_MANY_REQUESTS",
                "Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this "
                "resource is reached.",
                101,
            )
        self._used[(grant.user, day)] = used + 1
        return None

    def _token(self, request: Request) -> Response:
        try:
            issued = self.world.authority.token(dict(parse_qsl(request.body.decode())))
        except OAuthRefusal as refusal:
            return Response(
                refusal.status, {"error": refusal.error, "error_description": refusal.description}
            )
        body: dict[str, Any] = {
            "access_token": issued.access_token,
            "scope": ",".join(sorted(issued.grant.scopes)),
        }
        if issued.expires_in is not None:
            body["expires_in"] = issued.expires_in
        if issued.refresh_token:
            body |= {"refresh_token": issued.refresh_token, "refresh_token_expires_in": 31_536_000}
        return Response(200, body)

    def _route(self, request: Request) -> Response:
        parts = [unquote(p) for p in request.path.removeprefix("/rest/").split("/")]
        if parts[0] == "posts":
            return self._posts(request, parts[1:])
        if parts[0] == "socialActions" and len(parts) >= 3 and parts[2] == "comments":
            return self._comments(request, parts[1], parts[3:])
        return error(404, "NOT_FOUND", f"No resource found for {request.path}")

    def _page(self, request: Request, found: list[dict]) -> Response:
        start, count = int(request.query.get("start", "0")), int(request.query.get("count", "10"))
        if not 0 < count <= 100:
            return error(400, "PARAM_INVALID", f"count must be between 1 and 100, was {count}")
        page = found[start : start + count]
        return Response(
            200,
            {
                "elements": page,
                "paging": {"start": start, "count": count, "total": len(found), "links": []},
            },
        )

    def _posts(self, request: Request, rest: list[str]) -> Response:
        w = self.world
        if not rest and request.method == "GET":
            if request.query.get("q") != "author" or request.query.get("author") != w.page:
                return error(
                    403, "ACCESS_DENIED", "Not enough permissions to access posts of this author"
                )
            found = sorted(w.posts.values(), key=lambda p: p["lastModifiedAt"], reverse=True)
            return self._page(request, found)
        if not rest and request.method == "POST":
            body = request.json() or {}
            if body.get("author") != w.page or not isinstance(body.get("commentary"), str):
                return error(422, "UNPROCESSABLE_ENTITY", "author and commentary are required")
            ident = w.post(re.sub(r"\\(.)", r"\1", body["commentary"]))
            w.posts[ident]["commentary"] = body["commentary"]
            # Kept as sent, so a test sees what the post asked for (Posts API, "Create").
            for field_name in ("visibility", "lifecycleState"):
                del w.posts[ident][field_name]
            sharing = ("visibility", "distribution", "lifecycleState", "isReshareDisabledByAuthor")
            w.posts[ident].update({k: body[k] for k in sharing if k in body})
            return Response(201, b"", {"x-restli-id": ident})
        post = w.posts.get(rest[0]) if rest else None
        if post is None:
            return error(404, "NOT_FOUND", f"Post {rest[0] if rest else ''} does not exist")
        if request.method == "GET":
            return Response(200, post)
        if request.method == "DELETE":
            del w.posts[rest[0]]
            return Response(204, b"")
        if request.headers.get("x-restli-method", "").upper() != "PARTIAL_UPDATE":
            return error(400, "METHOD_NOT_ALLOWED", "Use X-RestLi-Method: PARTIAL_UPDATE")
        post["commentary"] = (
            ((request.json() or {}).get("patch") or {})
            .get("$set", {})
            .get("commentary", post["commentary"])
        )
        post["lastModifiedAt"] = w.ms()
        return Response(204, b"")

    def _with_summary(self, comment: dict) -> dict:
        replies = sum(
            1
            for c in self.world.comments.values()
            if c.get("parentComment") == comment["commentUrn"]
        )
        return {
            **comment,
            "commentsSummary": {
                "totalFirstLevelComments": replies,
                "aggregatedTotalComments": replies,
            },
        }

    def _comments(self, request: Request, target: str, rest: list[str]) -> Response:
        w = self.world
        if not rest:
            under = [
                c
                for c in w.comments.values()
                if (c.get("parentComment") == target)
                or (c["object"] == target and "parentComment" not in c)
            ]
            if request.method == "GET":
                return self._page(
                    request,
                    [
                        self._with_summary(c)
                        for c in sorted(under, key=lambda c: c["created"]["time"])
                    ],
                )
            return self._create_comment(request, target)
        matches = [c for c in w.comments.values() if c["id"] == rest[0]]
        if not matches:
            return error(404, "NOT_FOUND", f"Comment {rest[0]} does not exist")
        comment = matches[0]
        if request.method == "GET":
            return Response(200, self._with_summary(comment))
        if request.query.get("actor") != comment["actor"]:
            return error(403, "ACCESS_DENIED", "Only the comment's actor may change it")
        if request.method == "DELETE":
            del w.comments[comment["commentUrn"]]
            return Response(204, b"")
        text = (
            ((request.json() or {}).get("patch") or {})
            .get("message", {})
            .get("$set", {})
            .get("text")
        )
        if isinstance(text, str):
            comment["message"] = {"text": text}
            comment["lastModified"] = {"actor": comment["actor"], "time": w.ms()}
        return Response(204, b"")

    def _create_comment(self, request: Request, target: str) -> Response:
        w = self.world
        body = request.json() or {}
        text = (body.get("message") or {}).get("text")
        if body.get("actor") != w.page or not isinstance(text, str) or not text:
            return error(422, "UNPROCESSABLE_ENTITY", "actor and message.text are required")
        if len(text) > 1250:
            return error(422, "UNPROCESSABLE_ENTITY", "Comment text is longer than 1250 characters")
        post = body.get("object")
        if post not in w.posts:
            return error(404, "NOT_FOUND", f"Post {post} does not exist")
        parent = body.get("parentComment")
        if parent is not None:
            top = w.comments.get(parent)
            if top is None:
                return error(404, "NOT_FOUND", f"Comment {parent} does not exist")
            if "parentComment" in top:
                return error(
                    400, "PARAM_INVALID", "Nested comments are only allowed one level deep"
                )
        ident = w.comment(w.page, post, text, parent)
        return Response(201, self._with_summary(w.comments[ident]))
