"""The X API v2 as the connector uses it, over HTTPS on 127.0.0.1 (``ApiServer``).

Each endpoint follows its page on docs.x.com, and every request body and answer is
checked by ``contracts.checker`` against X's OpenAPI description
(``tests/contracts/descriptions/x-openapi.json``, extracted from
xdevplatform/twitter-api-typescript-sdk by ``tests/contracts/extract_x.py``): what does not
validate is recorded in the contract's ``violations``, which the tests require to stay
empty.

- OAuth 2.0 with PKCE (fundamentals/authentication/oauth-2-0/user-access-token):
  ``GET /i/oauth2/authorize`` (302 back to the loopback), ``POST /2/oauth2/token``
  (authorization_code with code_verifier; refresh_token); access tokens live 2 hours.
- ``GET /2/users/me`` (x-api/users/lookup/api-reference/get-users-me).
- ``GET /2/users/:id/tweets`` (x-api/posts/timelines/api-reference/get-users-id-tweets):
  ``max_results`` 5..100, ``pagination_token``, ``exclude``, ``start_time``.
- ``GET /2/tweets/search/recent`` (x-api/posts/search/api-reference/get-tweets-search-recent):
  the last 7 days (an earlier ``start_time`` is 400 Invalid Request), newest first,
  ``conversation_id:`` and ``from:`` operators,
  ``max_results`` 10..100, ``since_id``, ``start_time``, ``next_token``;
  ``meta.newest_id/oldest_id/result_count/next_token``; ``includes.users``.
- ``GET /2/tweets/:id`` (x-api/posts/lookup/api-reference/get-tweets-id): a missing post
  is HTTP 200 with ``errors`` of type resource-not-found.
- ``POST /2/tweets`` (x-api/posts/manage-tweets/api-reference/post-tweets): 201;
  ``reply.in_reply_to_tweet_id`` must exist; 280 weighted characters; the same text twice
  in a row is 403 "duplicate content".
- ``DELETE /2/tweets/:id`` (…/delete-tweets-id): only one's own post.
- Rate limits (fundamentals/rate-limits): per user and endpoint, 15-minute windows;
  every answer carries ``x-rate-limit-limit/-remaining/-reset``; over it, 429 with a
  problem body and no Retry-After. Errors are RFC 7807 problems
  (fundamentals/response-codes-and-errors); scopes are enforced; an endpoint the app's
  access level lacks (``XWorld.not_enrolled``) is 403 client-forbidden, naming the client
  the token was issued to.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from contracts.checker import Contract

from emulators.microsoft.apiserver import Request, Response
from emulators.oauth.authority import Authority, OAuthRefusal
from emulators.x.weighted import MAX_WEIGHTED_LENGTH, weighted_length

WINDOW_S = 15 * 60
READ = frozenset({"tweet.read", "users.read"})
WRITE = frozenset({"tweet.write"})
#: Requests per 15 minutes per user (X's published per-user limits vary by access level;
#: these are the emulator's, small enough for tests to reach).
LIMITS = {
    "GET /2/users/me": 75,
    "GET /2/users/:id/tweets": 900,
    "GET /2/tweets/search/recent": 300,
    "GET /2/tweets/:id": 900,
    "POST /2/tweets": 100,
    "DELETE /2/tweets/:id": 50,
}
_SEARCH_TERM = re.compile(r"(conversation_id|from):(\S+)")


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> Response:
    return Response(status, {"title": title, "detail": detail, "type": kind, "status": status})


def invalid(message: str) -> Response:
    return Response(
        400,
        {
            "errors": [{"parameters": {}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
    )


def not_enrolled(client_id: str) -> Response:
    """403 client-forbidden: the access level of the app ``client_id`` (the one the token
    was issued to) does not include the endpoint."""
    return Response(
        403,
        {
            "client_id": client_id,
            "detail": "When authenticating requests to the Twitter API v2 endpoints, "
            "you must use keys and tokens from a Twitter developer App that is "
            "attached to a Project.",
            "registration_url": "https://developer.x.com/en/portal/dashboard",
            "title": "Client Forbidden",
            "required_enrollment": "Appropriate Level of API Access",
            "reason": "client-not-enrolled",
            "type": "https://api.twitter.com/2/problems/client-forbidden",
        },
    )


def stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class XUser:
    id: str
    username: str
    name: str
    description: str = ""


@dataclass
class XWorld:
    """The emulated X: people (by username), posts, and who may do what."""

    clock: Callable[[], float]
    authority: Authority
    users: dict[str, XUser] = field(default_factory=dict)
    tweets: dict[str, dict[str, Any]] = field(default_factory=dict)
    limits: dict[str, int] = field(default_factory=lambda: dict(LIMITS))
    #: Endpoints the app's access level does not include (403 client-forbidden).
    not_enrolled: set[str] = field(default_factory=set)
    _ids: Any = field(default_factory=lambda: itertools.count(1_800_000_000_000_000_000, 7919))
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def add_user(self, username: str, name: str, description: str = "") -> XUser:
        user = XUser(str(next(self._ids)), username, name, description)
        self.users[username] = user
        return user

    def post(self, author: str, text: str, reply_to: str | None = None, age_s: float = 0) -> str:
        """A post by ``author`` (a username), as if made ``age_s`` ago."""
        with self._lock:
            ident = str(next(self._ids))
            parent = self.tweets[reply_to] if reply_to else None
            self.tweets[ident] = {
                "id": ident,
                "text": text,
                "author_id": self.users[author].id,
                "conversation_id": parent["conversation_id"] if parent else ident,
                "created_at": stamp(self.clock() - age_s),
                "edit_history_tweet_ids": [ident],
                **(
                    {"referenced_tweets": [{"type": "replied_to", "id": reply_to}]}
                    if reply_to
                    else {}
                ),
            }
            return ident


class XEmulator:
    def __init__(self, world: XWorld, contract: Contract) -> None:
        self.world = world
        self.contract = contract
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    def handle(self, request: Request) -> Response:
        if request.path == "/i/oauth2/authorize":
            try:
                return Response(
                    302, b"", {"Location": self.world.authority.authorize(request.query)}
                )
            except OAuthRefusal as refusal:
                return Response(refusal.status, {"error": refusal.error})
        if request.path == "/2/oauth2/token" and request.method == "POST":
            return self._token(request)
        endpoint = _endpoint(request)
        if endpoint is None:
            return problem(
                404, "Not Found Error", f"{request.method} {request.path} does not exist"
            )
        try:
            grant = self.world.authority.check(request.headers.get("authorization"))
        except OAuthRefusal:
            return problem(401, "Unauthorized", "Unauthorized")
        user = next(u for u in self.world.users.values() if u.username == grant.user)
        needed = WRITE if request.method in ("POST", "DELETE") else READ
        if not needed <= grant.scopes:
            return problem(
                403, "Forbidden", f"Missing scopes: {' '.join(sorted(needed - grant.scopes))}"
            )
        self.contract.check_request(
            request.method, request.path, request.query, request.headers, request.body
        )
        if endpoint in self.world.not_enrolled:
            response = not_enrolled(grant.client_id)
        else:
            limited, headers = self._count(user.id, endpoint)
            response = limited or self._route(endpoint, request, user)
            response.headers.update(headers)
        self.contract.check_response(request.method, request.path, response.status, response.body)
        return response

    def _token(self, request: Request) -> Response:
        form = dict(parse_qsl(request.body.decode()))
        try:
            issued = self.world.authority.token(form)
        except OAuthRefusal as refusal:
            return Response(
                refusal.status, {"error": refusal.error, "error_description": refusal.description}
            )
        body: dict[str, Any] = {
            "token_type": "bearer",
            "access_token": issued.access_token,
            "scope": " ".join(sorted(issued.grant.scopes)),
        }
        if issued.expires_in is not None:
            body["expires_in"] = issued.expires_in
        if issued.refresh_token:
            body["refresh_token"] = issued.refresh_token
        return Response(200, body)

    def _count(self, user: str, endpoint: str) -> tuple[Response | None, dict[str, str]]:
        now = self.world.clock()
        start, used = self._windows.get((user, endpoint), (now, 0))
        if now >= start + WINDOW_S:
            start, used = now, 0
        limit = self.world.limits[endpoint]
        headers = {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-reset": str(int(start + WINDOW_S)),
        }
        if used >= limit:
            headers["x-rate-limit-remaining"] = "0"
            return problem(429, "Too Many Requests", "Too Many Requests"), headers
        self._windows[(user, endpoint)] = (start, used + 1)
        headers["x-rate-limit-remaining"] = str(limit - used - 1)
        return None, headers

    def _route(self, endpoint: str, request: Request, user: XUser) -> Response:
        with self.world._lock:
            if endpoint == "GET /2/users/me":
                return Response(
                    200, {"data": {"id": user.id, "name": user.name, "username": user.username}}
                )
            if endpoint == "GET /2/users/:id/tweets":
                return self._timeline(request)
            if endpoint == "GET /2/tweets/search/recent":
                return self._search(request)
            if endpoint == "GET /2/tweets/:id":
                return self._lookup(request.path.rsplit("/", 1)[1])
            if endpoint == "POST /2/tweets":
                return self._create(request, user)
            return self._delete(request.path.rsplit("/", 1)[1], user)

    def _page(
        self, found: list[dict], query: dict[str, str], token_name: str, low: int
    ) -> Response:
        size = int(query.get("max_results", "10"))
        if not low <= size <= 100:
            return invalid(
                f"The `max_results` query parameter value [{size}] is not between {low} and 100"
            )
        start = int(query.get(token_name, "0") or 0)
        page = found[start : start + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta |= {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
        if start + size < len(found):
            meta["next_token"] = str(start + size)
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = page
            if "author_id" in query.get("expansions", "").split(","):
                authors = {t["author_id"] for t in page}
                body["includes"] = {
                    "users": [
                        self._user_json(u) for u in self.world.users.values() if u.id in authors
                    ]
                }
        return Response(200, body)

    def _user_json(self, user: XUser) -> dict[str, str]:
        return {
            "id": user.id,
            "name": user.name,
            "username": user.username,
            "description": user.description,
        }

    def _newest_first(self, keep: Callable[[dict], bool]) -> list[dict]:
        return sorted(
            (t for t in self.world.tweets.values() if keep(t)),
            key=lambda t: int(t["id"]),
            reverse=True,
        )

    def _timeline(self, request: Request) -> Response:
        owner = request.path.split("/")[3]
        q = request.query
        no_replies = "replies" in q.get("exclude", "").split(",")
        since = q.get("start_time", "").replace("Z", ".000Z")

        def keep(t: dict) -> bool:
            return (
                t["author_id"] == owner
                and not (no_replies and "referenced_tweets" in t)
                and t["created_at"] >= since
            )

        return self._page(self._newest_first(keep), q, "pagination_token", 5)

    def _search(self, request: Request) -> Response:
        q = request.query
        terms = dict(_SEARCH_TERM.findall(q.get("query", "")))
        if not terms:
            return invalid(
                "There were errors processing your request: no operator Fireside's emulator knows"
            )
        week_ago = stamp(self.world.clock() - 7 * 86400)
        since_id = int(q.get("since_id") or 0)
        start = q.get("start_time", "").replace("Z", ".000Z")
        if start and start < week_ago:
            return invalid(
                f"Invalid 'start_time':'{q['start_time']}'. 'start_time' must be on or after "
                f"{week_ago}"
            )
        author = self.world.users.get(terms.get("from", ""))

        def keep(t: dict) -> bool:
            return (
                t["created_at"] >= week_ago
                and int(t["id"]) > since_id
                and t["created_at"] >= start
                and (
                    "conversation_id" not in terms
                    or t["conversation_id"] == terms["conversation_id"]
                )
                and ("from" not in terms or (author is not None and t["author_id"] == author.id))
            )

        return self._page(self._newest_first(keep), q, "next_token", 10)

    def _lookup(self, ident: str) -> Response:
        tweet = self.world.tweets.get(ident)
        if tweet is None:
            return Response(
                200,
                {
                    "errors": [
                        {
                            "value": ident,
                            "detail": f"Could not find tweet with id: [{ident}].",
                            "title": "Not Found Error",
                            "resource_type": "tweet",
                            "parameter": "id",
                            "resource_id": ident,
                            "type": "https://api.twitter.com/2/problems/resource-not-found",
                        }
                    ]
                },
            )
        author = next(u for u in self.world.users.values() if u.id == tweet["author_id"])
        return Response(200, {"data": tweet, "includes": {"users": [self._user_json(author)]}})

    def _create(self, request: Request, user: XUser) -> Response:
        body = request.json() or {}
        text = body.get("text")
        if not isinstance(text, str) or not text:
            return invalid("text must be given")
        if weighted_length(text) > MAX_WEIGHTED_LENGTH:
            return problem(403, "Forbidden", "Your Tweet text is too long.")
        mine = self._newest_first(lambda t: t["author_id"] == user.id)
        if mine and mine[0]["text"] == text:
            return problem(
                403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
            )
        parent = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        if parent is not None and parent not in self.world.tweets:
            return invalid("The reply target does not exist or is not visible to you")
        ident = self.world.post(user.username, text, parent)
        return Response(
            201, {"data": {"id": ident, "text": text, "edit_history_tweet_ids": [ident]}}
        )

    def _delete(self, ident: str, user: XUser) -> Response:
        tweet = self.world.tweets.get(ident)
        if tweet is None:
            return problem(
                404,
                "Not Found Error",
                f"Could not find tweet with id: [{ident}].",
                "https://api.twitter.com/2/problems/resource-not-found",
            )
        if tweet["author_id"] != user.id:
            return problem(403, "Forbidden", "You are not authorized to delete this Tweet.")
        del self.world.tweets[ident]
        return Response(200, {"data": {"deleted": True}})


def _endpoint(request: Request) -> str | None:
    parts = request.path.strip("/").split("/")
    if request.path == "/2/users/me" and request.method == "GET":
        return "GET /2/users/me"
    if (
        len(parts) == 4
        and parts[:2] == ["2", "users"]
        and parts[3] == "tweets"
        and request.method == "GET"
    ):
        return "GET /2/users/:id/tweets"
    if request.path == "/2/tweets/search/recent" and request.method == "GET":
        return "GET /2/tweets/search/recent"
    if request.path == "/2/tweets" and request.method == "POST":
        return "POST /2/tweets"
    if len(parts) == 3 and parts[:2] == ["2", "tweets"]:
        return {"GET": "GET /2/tweets/:id", "DELETE": "DELETE /2/tweets/:id"}.get(request.method)
    return None
