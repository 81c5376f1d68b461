"""A Mastodon server as its documentation describes it, for the connector's tests.

Every request is checked against the community OpenAPI description (tests/contracts/descriptions,
abraham/mastodon-openapi) before it is answered, and every answer after: the contract's
``violations`` must stay empty. Endpoints (Mastodon documentation, mastodon/documentation
``content/en/``):

POST /api/v1/apps                       methods/apps.md "Create an application"
GET  /oauth/authorize                   methods/oauth.md "Authorize a user" (PKCE S256)
POST /oauth/token                       methods/oauth.md "Obtain a token" (code_verifier)
POST /oauth/revoke                      methods/oauth.md "Revoke a token"
GET  /api/v1/accounts/verify_credentials methods/accounts.md "Verify account credentials"
GET  /api/v2/instance                   methods/instance.md "View server information"
                                        (configuration.statuses.max_characters)
GET  /api/v1/accounts/:id/statuses      methods/accounts.md "Get account's statuses"
                                        (max_id/since_id/min_id/limit, Link header)
GET  /api/v1/notifications              methods/notifications.md (types[], since_id, Link)
GET  /api/v1/statuses/:id               methods/statuses.md "View a single status"
GET  /api/v1/statuses/:id/context       methods/statuses.md "Get parent and child statuses"
POST /api/v1/statuses                   methods/statuses.md "Post a new status"
                                        (Idempotency-Key kept 1 hour, per account; without
                                        ``visibility``, the account's default privacy,
                                        entities/Account.md ``source[privacy]``)
PUT  /api/v1/statuses/:id               methods/statuses.md "Edit a status"
DELETE /api/v1/statuses/:id             methods/statuses.md "Delete a status" (source text)

Errors are ``{"error": "..."}`` with the HTTP status (entities/Error.md). Rate limits
(api/rate-limits.md): 300 requests per 5 minutes per account, and 30 deletions per 30
minutes; every answer carries ``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (an ISO
8601 time) for the closest limit; over it, 429. Text counts as Mastodon counts it
(a URL is 23 characters, ``@user@domain`` counts as ``@user``) against ``max_characters``.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from contracts.checker import Contract

from emulators.microsoft.apiserver import Request, Response
from emulators.oauth.authority import Authority, Client, OAuthRefusal

SCOPES = frozenset(
    {"read", "write", "profile", "read:statuses", "write:statuses", "read:notifications",
     "read:accounts"}
)  # fmt: skip
IDEMPOTENCY_S = 3600
#: The documentation's example server key for Web Push (entities/Application.md).
VAPID_KEY = (
    "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M="
)
BUDGET = (300, 300.0)  # requests, seconds
DELETE_BUDGET = (30, 1800.0)
_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"(?<![\w/])@(\w+)(?:@[\w.-]+)?")


def counted_length(text: str) -> int:
    """Mastodon's count: a URL is 23 characters, a remote mention only its local part."""
    text = _URL.sub("x" * 23, text)
    return len(_MENTION.sub(lambda m: "@" + m.group(1), text))


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Person:
    id: str
    username: str
    display_name: str
    #: the visibility of a status posted without one (``source[privacy]``)
    privacy: str = "public"


@dataclass
class Status:
    id: str
    account: Person
    text: str
    created_at: float
    in_reply_to_id: str | None = None
    in_reply_to_account_id: str | None = None
    edited_at: float | None = None
    deleted: bool = False
    visibility: str = "public"


@dataclass
class Notification:
    id: str
    type: str
    account: Person
    status: Status
    created_at: float
    to: Person


@dataclass
class MastodonServer:
    clock: Any
    contract: Contract
    domain: str = "social.example"
    max_characters: int = 500
    authority: Authority = field(init=False)
    people: dict[str, Person] = field(default_factory=dict)
    statuses: dict[str, Status] = field(default_factory=dict)
    notifications: list[Notification] = field(default_factory=list)
    apps: list[dict] = field(default_factory=list)
    _next: int = 100000
    _keys: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)
    _spent: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.authority = Authority(
            self.clock, access_ttl_s=None, issue_refresh=False, token_prefix="mast-"
        )

    # -- the world the tests set up ---------------------------------------------------------

    def person(self, username: str, display_name: str) -> Person:
        made = Person(self._id(), username, display_name)
        self.people[made.id] = made
        return made

    def post(self, author: Person, text: str, reply_to: Status | None = None) -> Status:
        """A status written through the web by someone (not through the API under test)."""
        with self._lock:
            return self._create(author, text, reply_to.id if reply_to else None, "public")

    def edit_status(self, status: Status, text: str) -> None:
        with self._lock:
            status.text, status.edited_at = text, self.clock()

    def delete_status(self, status: Status) -> None:
        with self._lock:
            status.deleted = True

    def mine(self, author: Person) -> list[Status]:
        return [s for s in self.statuses.values() if s.account is author and not s.deleted]

    # -- HTTP ----------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        self.contract.check_request(
            request.method, request.path, request.query, request.headers, request.body
        )
        with self._lock:
            response = self._route(request)
        body = response.body
        if isinstance(body, bytes) or response.status in (302, 410):
            return response
        self.contract.check_response(request.method, request.path, response.status, body)
        return response

    def _route(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")
        try:
            if request.path == "/oauth/authorize" and request.method == "GET":
                return Response(302, b"", {"Location": self.authority.authorize(request.query)})
            if request.path == "/oauth/token" and request.method == "POST":
                return self._token(request)
            if request.path == "/api/v1/apps" and request.method == "POST":
                return self._register(request)
            if request.path == "/api/v2/instance":  # public: no token needed
                return Response(200, self._instance())
            if request.path == "/oauth/revoke" and request.method == "POST":
                return self._revoke(_form(request))
            who = self.authority.check(request.headers.get("authorization"))
        except OAuthRefusal as refusal:
            if request.path.startswith("/oauth/"):
                body = {"error": refusal.error, "error_description": refusal.description}
                return Response(refusal.status, body)
            return Response(401, {"error": "The access token is invalid"})
        me = next(p for p in self.people.values() if p.username == who.user)
        limited = self._spend(me, request)
        if limited is not None:
            return limited
        response = self._api(request, parts, me, who.scopes)
        response.headers.update(self._budget_headers(me, request))
        return response

    def _api(self, request: Request, parts: list[str], me: Person, scopes: frozenset) -> Response:
        path = request.path
        if path == "/api/v1/accounts/verify_credentials":
            return Response(200, self._account(me, credential=True))
        if path == "/api/v1/notifications":
            return self._notifications(request, me)
        if parts[:3] == ["api", "v1", "accounts"] and parts[4:] == ["statuses"]:
            return self._account_statuses(request, parts[3])
        if path == "/api/v1/statuses" and request.method == "POST":
            if not scopes & {"write", "write:statuses"}:
                return Response(403, {"error": "This action is outside the authorized scopes"})
            return self._create_from(request, me)
        if parts[:3] == ["api", "v1", "statuses"] and len(parts) >= 4:
            return self._one_status(request, parts, me)
        return Response(404, {"error": "Record not found"})

    def _one_status(self, request: Request, parts: list[str], me: Person) -> Response:
        status = self.statuses.get(parts[3])
        if status is None or status.deleted:
            return Response(404, {"error": "Record not found"})
        if parts[4:] == ["context"]:
            return Response(200, self._context(status))
        if request.method == "GET":
            return Response(200, self._status(status))
        if status.account is not me:
            return Response(404, {"error": "Record not found"})
        if request.method == "PUT":
            return self._edit(request, status)
        if request.method == "DELETE":
            status.deleted = True
            return Response(200, {**self._status(status), "text": status.text})
        return Response(404, {"error": "Record not found"})

    # -- OAuth and apps -------------------------------------------------------------------

    def _register(self, request: Request) -> Response:
        data = request.json() or {}
        uris = data.get("redirect_uris")
        uris = [uris] if isinstance(uris, str) else list(uris or [])
        if not data.get("client_name") or not uris:
            return Response(422, {"error": "Validation failed: Name can't be blank"})
        scopes = str(data.get("scopes") or "read").split()
        client = self.authority.register(
            Client(f"cid-{self._id()}", tuple(uris), frozenset(scopes), f"secret-{self._id()}")
        )
        app = {
            "id": self._id(),
            "name": data["client_name"],
            "website": data.get("website"),
            "scopes": scopes,
            "redirect_uri": "\n".join(uris),
            "redirect_uris": uris,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "client_secret_expires_at": 0,
            "vapid_key": VAPID_KEY,
        }
        self.apps.append(app)
        return Response(200, app)

    def _revoke(self, form: dict[str, str]) -> Response:
        """RFC 7009 as Doorkeeper does it: the client authenticates; a token of another
        client is not revoked; an unknown token is no error."""
        client = self.authority.clients.get(form.get("client_id", ""))
        if client is None or client.client_secret != form.get("client_secret"):
            body = {"error": "invalid_client", "error_description": "Client authentication failed."}
            return Response(401, body)
        self.authority.revoke_token(form.get("token", ""), client.client_id)
        return Response(200, {})

    def _token(self, request: Request) -> Response:
        try:
            issued = self.authority.token(_form(request))
        except OAuthRefusal as refusal:
            body = {"error": refusal.error, "error_description": refusal.description}
            return Response(refusal.status, body)
        return Response(
            200,
            {
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "scope": " ".join(sorted(issued.grant.scopes)),
                "created_at": int(self.clock()),
            },
        )

    # -- rate limits ------------------------------------------------------------------------

    def _spend(self, me: Person, request: Request) -> Response | None:
        now = self.clock()
        for bucket, (limit, window) in self._buckets(request):
            spent = [t for t in self._spent.get((me.id, bucket), []) if t > now - window]
            self._spent[(me.id, bucket)] = spent
            if len(spent) >= limit:
                headers = self._budget_headers(me, request)
                return Response(429, {"error": "Too many requests"}, headers)
        for bucket, _ in self._buckets(request):
            self._spent[(me.id, bucket)].append(now)
        return None

    @staticmethod
    def _buckets(request: Request) -> list[tuple[str, tuple[int, float]]]:
        buckets = [("all", BUDGET)]
        if request.method == "DELETE":
            buckets.append(("delete", DELETE_BUDGET))
        return buckets

    def _budget_headers(self, me: Person, request: Request) -> dict[str, str]:
        """The closest limit: the one with the fewest requests left."""
        now = self.clock()
        closest = None
        for bucket, (limit, window) in self._buckets(request):
            spent = [t for t in self._spent.get((me.id, bucket), []) if t > now - window]
            left = max(0, limit - len(spent))
            reset = (min(spent) + window) if spent else now + window
            if closest is None or left < closest[1]:
                closest = (limit, left, reset)
        assert closest is not None
        return {
            "X-RateLimit-Limit": str(closest[0]),
            "X-RateLimit-Remaining": str(closest[1]),
            "X-RateLimit-Reset": iso(closest[2]),
        }

    # -- statuses -----------------------------------------------------------------------------

    def _create_from(self, request: Request, me: Person) -> Response:
        data = request.json() or {}
        key = request.headers.get("idempotency-key")
        now = self.clock()
        if key:
            kept = self._keys.get((me.id, key))
            if kept is not None and now - kept[1] < IDEMPOTENCY_S:
                return Response(200, self._status(self.statuses[kept[0]]))
        text = str(data.get("status") or "")
        if not text.strip():
            return Response(422, {"error": "Validation failed: Text can't be blank"})
        if counted_length(text) > self.max_characters:
            return self._too_long()
        reply_to = data.get("in_reply_to_id")
        if reply_to is not None:
            parent = self.statuses.get(str(reply_to))
            if parent is None or parent.deleted:
                return Response(404, {"error": "Record not found"})
        status = self._create(me, text, reply_to, str(data.get("visibility") or me.privacy))
        if key:
            self._keys[(me.id, key)] = (status.id, now)
        return Response(200, self._status(status))

    def _create(self, author: Person, text: str, reply_to: str | None, visibility: str) -> Status:
        parent = self.statuses.get(reply_to) if reply_to else None
        status = Status(
            self._id(),
            author,
            text,
            self.clock(),
            parent.id if parent else None,
            parent.account.id if parent else None,
            visibility=visibility,
        )
        self.statuses[status.id] = status
        for person in self._mentioned(text):
            if person is not author:
                self.notifications.append(
                    Notification(self._id(), "mention", author, status, self.clock(), person)
                )
        return status

    def _edit(self, request: Request, status: Status) -> Response:
        text = str((request.json() or {}).get("status") or "")
        if counted_length(text) > self.max_characters:
            return self._too_long()
        status.text, status.edited_at = text, self.clock()
        return Response(200, self._status(status))

    def _too_long(self) -> Response:
        limit = self.max_characters
        return Response(
            422, {"error": f"Validation failed: Text character limit of {limit} exceeded"}
        )

    def _mentioned(self, text: str) -> list[Person]:
        names = {m.group(1).lower() for m in _MENTION.finditer(text)}
        return [p for p in self.people.values() if p.username.lower() in names]

    def _context(self, status: Status) -> dict:
        ancestors = []
        parent = self.statuses.get(status.in_reply_to_id or "")
        while parent is not None:
            if not parent.deleted:
                ancestors.insert(0, parent)
            parent = self.statuses.get(parent.in_reply_to_id or "")
        descendants: list[Status] = []
        frontier = [status.id]
        while frontier:
            children = sorted(
                (s for s in self.statuses.values() if s.in_reply_to_id in frontier),
                key=lambda s: int(s.id),
            )
            descendants += [s for s in children if not s.deleted]
            frontier = [s.id for s in children]
        descendants.sort(key=lambda s: int(s.id))
        return {
            "ancestors": [self._status(s) for s in ancestors],
            "descendants": [self._status(s) for s in descendants],
        }

    # -- listings ---------------------------------------------------------------------------

    def _account_statuses(self, request: Request, account_id: str) -> Response:
        person = self.people.get(account_id)
        if person is None:
            return Response(404, {"error": "Record not found"})
        query = request.query
        found = [s for s in self.statuses.values() if s.account is person and not s.deleted]
        if query.get("exclude_replies") == "true":
            found = [s for s in found if s.in_reply_to_id is None]
        page, link = self._page(found, query, 20, 40, request.path)
        return Response(200, [self._status(s) for s in page], link)

    def _notifications(self, request: Request, me: Person) -> Response:
        types = {v for k, v in parse_qsl(_raw_query(request)) if k in ("types[]", "types")}
        found = [
            n
            for n in self.notifications
            if n.status.id in self.statuses
            and n.to is me
            and (not types or n.type in types)
            and not n.status.deleted
        ]
        page, link = self._page(found, request.query, 40, 80, request.path)
        return Response(200, [self._notification(n) for n in page], link)

    def _page(
        self, items: list, query: dict[str, str], default: int, most: int, path: str
    ) -> tuple[list, dict[str, str]]:
        """Newest first between since_id/min_id and max_id; Link next (older) and prev."""
        limit = min(int(query.get("limit") or default), most)
        items = sorted(items, key=lambda x: int(x.id), reverse=True)
        if query.get("max_id"):
            items = [x for x in items if int(x.id) < int(query["max_id"])]
        if query.get("since_id"):
            items = [x for x in items if int(x.id) > int(query["since_id"])]
        if query.get("min_id"):  # the oldest ones just above min_id, still newest first
            items = [x for x in items if int(x.id) > int(query["min_id"])][-limit:]
        page = items[:limit]
        if not page:
            return page, {}
        base = f"https://{self.domain}{path}"
        links = [
            f'<{base}?{urlencode({"max_id": page[-1].id})}>; rel="next"',
            f'<{base}?{urlencode({"min_id": page[0].id})}>; rel="prev"',
        ]
        return page, {"Link": ", ".join(links)}

    # -- entities -----------------------------------------------------------------------------

    def _account(self, person: Person, credential: bool = False) -> dict:
        made = {
            "id": person.id,
            "username": person.username,
            "acct": person.username,
            "display_name": person.display_name,
            "locked": False,
            "bot": False,
            "discoverable": True,
            "indexable": True,
            "group": False,
            "created_at": "2024-01-01T00:00:00.000Z",
            "note": "",
            "url": f"https://{self.domain}/@{person.username}",
            "uri": f"https://{self.domain}/users/{person.username}",
            "avatar": f"https://{self.domain}/avatars/original/missing.png",
            "avatar_static": f"https://{self.domain}/avatars/original/missing.png",
            "header": f"https://{self.domain}/headers/original/missing.png",
            "header_static": f"https://{self.domain}/headers/original/missing.png",
            "followers_count": 0,
            "following_count": 0,
            "statuses_count": len(self.mine(person)),
            "last_status_at": None,
            "emojis": [],
            "fields": [],
        }
        if credential:
            made["source"] = {
                "privacy": "public",
                "sensitive": False,
                "language": "en",
                "note": "",
                "fields": [],
                "follow_requests_count": 0,
                "indexable": True,
                "discoverable": True,
            }
            made["role"] = {
                "id": "-99",
                "name": "",
                "permissions": "0",
                "color": "",
                "highlighted": False,
            }
        return made

    def _status(self, status: Status) -> dict:
        mentions = [
            {
                "id": p.id,
                "username": p.username,
                "acct": p.username,
                "url": f"https://{self.domain}/@{p.username}",
            }
            for p in self._mentioned(status.text)
        ]
        replies = sum(
            1 for s in self.statuses.values() if s.in_reply_to_id == status.id and not s.deleted
        )
        return {
            "id": status.id,
            "uri": f"https://{self.domain}/users/{status.account.username}/statuses/{status.id}",
            "url": f"https://{self.domain}/@{status.account.username}/{status.id}",
            "created_at": iso(status.created_at),
            "edited_at": iso(status.edited_at) if status.edited_at else None,
            "account": self._account(status.account),
            "content": _html(status.text, self.domain),
            "visibility": status.visibility,
            "sensitive": False,
            "spoiler_text": "",
            "media_attachments": [],
            "application": {"name": "Web", "website": None},
            "mentions": mentions,
            "tags": [],
            "emojis": [],
            "reblogs_count": 0,
            "favourites_count": 0,
            "replies_count": replies,
            "in_reply_to_id": status.in_reply_to_id,
            "in_reply_to_account_id": status.in_reply_to_account_id,
            "reblog": None,
            "poll": None,
            "card": None,
            "language": "en",
        }

    def _notification(self, notification: Notification) -> dict:
        return {
            "id": notification.id,
            "type": notification.type,
            "group_key": f"ungrouped-{notification.id}",
            "created_at": iso(notification.created_at),
            "account": self._account(notification.account),
            "status": self._status(notification.status),
        }

    def _instance(self) -> dict:
        return {
            "domain": self.domain,
            "title": "Example Social",
            "version": "4.5.0",
            "source_url": "https://github.com/mastodon/mastodon",
            "description": "A Mastodon server for tests.",
            "usage": {"users": {"active_month": len(self.people)}},
            "thumbnail": {"url": f"https://{self.domain}/thumbnail.png"},
            "icon": [],
            "languages": ["en"],
            "configuration": {
                "urls": {"streaming": f"wss://{self.domain}"},
                "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
                "statuses": {
                    "max_characters": self.max_characters,
                    "max_media_attachments": 4,
                    "characters_reserved_per_url": 23,
                },
                "media_attachments": {
                    "supported_mime_types": ["image/png"],
                    "image_size_limit": 16777216,
                    "image_matrix_limit": 33177600,
                    "video_size_limit": 103809024,
                    "video_frame_rate_limit": 120,
                    "video_matrix_limit": 8294400,
                },
                "polls": {
                    "max_options": 4,
                    "max_characters_per_option": 50,
                    "min_expiration": 300,
                    "max_expiration": 2629746,
                },
                "translation": {"enabled": False},
            },
            "registrations": {"enabled": False, "approval_required": False, "message": None},
            "api_versions": {"mastodon": 6},
            "contact": {"email": f"admin@{self.domain}"},
            "rules": [],
        }

    def _id(self) -> str:
        self._next += 1
        return str(self._next)


def _form(request: Request) -> dict[str, str]:
    if "json" in request.headers.get("content-type", ""):
        data = request.json() or {}
        return {k: str(v) for k, v in data.items()}
    return dict(parse_qsl(request.body.decode()))


def _raw_query(request: Request) -> str:
    return urlencode(request.query)


def _html(text: str, domain: str) -> str:
    """Mastodon's rendering of plain text: paragraphs, line breaks, links and mentions."""
    paragraphs = []
    for block in text.split("\n\n"):
        escaped = html.escape(block)
        escaped = _MENTION.sub(
            lambda m: (
                f'<span class="h-card"><a href="https://{domain}/@{m.group(1)}" '
                f'class="u-url mention">@<span>{m.group(1)}</span></a></span>'
            ),
            escaped,
        )
        paragraphs.append("<p>" + escaped.replace("\n", "<br />") + "</p>")
    return "".join(paragraphs)
