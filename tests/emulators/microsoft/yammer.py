"""An emulator of Yammer REST v1 (Viva Engage), as the connector uses it.

Built from Microsoft's documented requests and answers; each endpoint in ``_route`` names
the page it follows (all under DOCS, learn.microsoft.com/rest/api/yammer/). Yammer REST
v1 has no published OpenAPI description, so these pages are the contract. What the real
service enforces, this enforces, so a connector that ignores a rule fails a test:

- auth: ``Authorization: Bearer`` with a token the ``TokenBook`` issued for Yammer's
  audience with the ``access_as_user`` scope (delegated only). An unknown, revoked,
  expired or other-audience token gets 401 with Yammer's own body ``{"response":
  {"message": "Token not found.", "code": 16, "stat": "fail"}}`` (api-requests-1). A
  token without the scope gets 403 (not documented; the safer reading is a refusal).
- rate limits (rest-api-rate-limits), per user: message endpoints 10 requests in 30 s,
  all others 10 in 10 s; over any limit, every endpoint answers 429. No Retry-After is
  documented, so none is sent. Ambiguities, read strictly: everything under
  ``/messages`` counts as a message endpoint; refused requests count too.
- polling: "do not exceed one poll per minute; apps that poll excessively will be
  blocked". A poll is a GET of a feed with ``newer_than`` and no ``older_than``; a
  second poll of the same feed within 60 s is answered 429.
- paging (messagesjson): newest first, ``older_than``/``newer_than`` by message id,
  ``limit`` honoured up to 20 (the documented default page; never more), and
  ``meta.older_available`` while older messages remain.
- posting (messages-json-post): ``body`` and one of ``replied_to_id`` (group and
  network inferred) or ``group_id``; neither gives the native-mode refusal
  ``400 {"error": {"body": ["Please include a message"], "code": "body_blank"}}``
  (pnp/cli-microsoft365#2557). There is no edit endpoint.
- deleting (messagesid): ``DELETE /messages/{id}``, by the poster or an admin of the
  group; others get 403, a message already gone 404.

Messages carry numeric ids only (v1), ``created_at`` as "2013/06/25 18:14:45 +0000",
and ``references`` with each sender (full_name, job_title, department), group and thread.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from emulators.microsoft.apiserver import Request, Response
from emulators.microsoft.tokens import Audience, TokenBook, TokenProblem, TokenRefused

DOCS = "https://learn.microsoft.com/rest/api/yammer/"
SCOPE = "access_as_user"
PREFIX = "/api/v1"
PAGE = 20
MESSAGES_LIMIT, MESSAGES_WINDOW = 10, 30.0
OTHER_LIMIT, OTHER_WINDOW = 10, 10.0
POLL_EVERY = 60.0
TOKEN_NOT_FOUND = {"response": {"message": "Token not found.", "code": 16, "stat": "fail"}}
#: The body of a 429 is not documented; this one follows the 401's shape.
RATE_LIMITED = {
    "response": {"message": "Rate limited due to excessive requests.", "code": 33, "stat": "fail"}
}
BODY_BLANK = {"error": {"body": ["Please include a message"], "code": "body_blank"}}


@dataclass
class User:
    id: int
    full_name: str
    job_title: str = ""
    department: str = ""
    email: str = ""
    oid: str = ""  # the Entra object id an Entra token names the user by


@dataclass
class Group:
    id: int
    full_name: str
    admins: set[int] = field(default_factory=set)
    members: set[int] = field(default_factory=set)


@dataclass
class Message:
    id: int
    sender_id: int
    group_id: int
    thread_id: int
    replied_to_id: int | None
    plain: str
    created_at: float
    raw: dict | None = None  # a malformed message, served as it is


def _stamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y/%m/%d %H:%M:%S +0000")


class YammerEmulator:
    """One Yammer network; tests add users, groups and messages, then serve it."""

    def __init__(self, book: TokenBook, clock: Callable[[], float] = time.time) -> None:
        self.book = book
        self.clock = clock
        self.network_id = 5897756673
        self.users: dict[int, User] = {}
        self.groups: dict[int, Group] = {}
        self.messages: dict[int, Message] = {}
        self._next_user = 1_500_000_000
        self._next_message = 2_000_000_000_000
        self._lock = threading.RLock()
        self._sent: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._polled: dict[tuple[str, str], float] = {}
        self.writes: list[int] = []  # ids of messages created through the API

    # -- the world ---------------------------------------------------------------------

    def add_user(self, name: str, job_title: str = "", department: str = "", oid: str = "") -> User:
        """A person; ``oid``: their Entra object id, as tokens from the emulated Entra
        authority name them (Viva Engage maps Entra users to its own numeric ids)."""
        with self._lock:
            self._next_user += 1
            email = f"u{self._next_user}@x"
            user = User(self._next_user, name, job_title, department, email, oid)
            self.users[user.id] = user
            return user

    def add_group(
        self, name: str, admins: tuple[User, ...] = (), members: tuple[User, ...] = ()
    ) -> Group:
        """A community; its admins are members too."""
        with self._lock:
            self._next_user += 1
            ids = {a.id for a in admins}
            group = Group(self._next_user, name, ids, ids | {m.id for m in members})
            self.groups[group.id] = group
            return group

    def post(
        self, user: User, text: str, group: Group | None = None, replied_to: int | None = None
    ) -> Message:
        """A message as the web app would make it."""
        with self._lock:
            self._next_message += 1
            if replied_to is not None:
                parent = self.messages[replied_to]
                thread, group_id = parent.thread_id, parent.group_id
            else:
                assert group is not None
                thread, group_id = self._next_message, group.id
            message = Message(
                self._next_message, user.id, group_id, thread, replied_to, text, self.clock()
            )
            self.messages[message.id] = message
            return message

    def add_raw(self, thread: Message, raw: Any) -> None:
        """A malformed message in ``thread`` (served as given)."""
        with self._lock:
            self._next_message += 1
            self.messages[self._next_message] = Message(
                self._next_message,
                0,
                thread.group_id,
                thread.thread_id,
                thread.id,
                "",
                self.clock(),
                raw,
            )

    def delete(self, message_id: int) -> None:
        with self._lock:
            self.messages.pop(message_id, None)

    def token(
        self, user: User, ttl_s: float = 3600.0, scopes: frozenset[str] = frozenset({SCOPE})
    ) -> str:
        return self.book.issue(Audience.YAMMER, scopes, str(user.id), ttl_s).value

    def other_app_requests(self, user: User, count: int) -> None:
        """Another app of the same user spends ``count`` message requests now."""
        with self._lock:
            self._sent[str(user.id), "messages"].extend([self.clock()] * count)

    def replies_by(self, user: User) -> list[Message]:
        with self._lock:
            return [m for m in self.messages.values() if m.sender_id == user.id and m.raw is None]

    # -- serving -----------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        with self._lock:
            if not request.path.startswith(PREFIX):
                return Response(404, {"response": {"message": "Not found", "stat": "fail"}})
            path = request.path.removeprefix(PREFIX)
            try:
                token = self.book.check(
                    request.headers.get("authorization"), Audience.YAMMER, SCOPE
                )
            except TokenRefused as refused:
                if refused.problem is TokenProblem.MISSING_SCOPE:
                    return Response(403, {"response": {"message": "Forbidden", "stat": "fail"}})
                return Response(401, TOKEN_NOT_FOUND)
            me = self._user_for(token.user_id)
            if self._over_budget(me, path, request):
                return Response(429, RATE_LIMITED)
            return self._route(me, request, path)

    def _user_for(self, token_user: str) -> User:
        """The user a token names: by numeric id, or by Entra object id."""
        if token_user.isdigit() and int(token_user) in self.users:
            return self.users[int(token_user)]
        return next(u for u in self.users.values() if u.oid == token_user)

    def _over_budget(self, me: User, path: str, request: Request) -> bool:
        now = self.clock()
        kind = "messages" if path.startswith("/messages") else "other"
        self._sent[str(me.id), kind].append(now)
        over = False
        for (user, which), times in self._sent.items():
            if user != str(me.id):
                continue
            window = MESSAGES_WINDOW if which == "messages" else OTHER_WINDOW
            limit = MESSAGES_LIMIT if which == "messages" else OTHER_LIMIT
            while times and times[0] <= now - window:
                times.popleft()
            over = over or len(times) > limit
        if (
            request.method == "GET"
            and "newer_than" in request.query
            and "older_than" not in request.query
        ):
            feed = (str(me.id), path)
            last = self._polled.get(feed)
            self._polled[feed] = now
            over = over or (last is not None and now - last < POLL_EVERY)
        return over

    def _route(self, me: User, request: Request, path: str) -> Response:
        """One endpoint per branch; the comment names its page under DOCS."""
        parts = path.strip("/").split("/")
        if request.method == "GET" and parts[0] in ("users", "groups"):
            return self._directory(me, path, parts)
        # messagesjson (messages/sent.json)
        if request.method == "GET" and path == "/messages/sent.json":
            return self._page(request, [m for m in self._live() if m.sender_id == me.id], me)
        # messagesin_threadthreadidjson; in_group: messagesjson (the same feed shape)
        if request.method == "GET" and len(parts) == 3 and parts[1] in ("in_thread", "in_group"):
            ident = (
                int(parts[2].removesuffix(".json"))
                if parts[2].removesuffix(".json").isdigit()
                else -1
            )
            key = "thread_id" if parts[1] == "in_thread" else "group_id"
            chosen = [m for m in self._live(raw=True) if getattr(m, key) == ident]
            if parts[1] == "in_thread" and not chosen:
                return Response(404, {"response": {"message": "Thread not found", "stat": "fail"}})
            return self._page(request, chosen, me)
        # messagesid (GET one message; DELETE, or POST with _method=DELETE)
        if len(parts) == 2 and parts[0] == "messages" and parts[1] != "sent.json":
            ident = parts[1].removesuffix(".json")
            found = self.messages.get(int(ident)) if ident.isdigit() else None
            if found is None or found.raw is not None:
                return Response(404, {"response": {"message": "Message not found", "stat": "fail"}})
            if request.method == "GET":
                return Response(200, self._message(found))
            if request.method == "DELETE" or (
                request.method == "POST" and request.query.get("_method") == "DELETE"
            ):
                return self._delete(me, found)
        # messages-json-post
        if request.method == "POST" and path == "/messages.json":
            return self._create(me, request)
        return Response(404, {"response": {"message": "No such endpoint", "stat": "fail"}})

    def _directory(self, me: User, path: str, parts: list[str]) -> Response:
        """People and communities; the comment names each endpoint's page under DOCS."""
        # userscurrentjson
        if path == "/users/current.json":
            return Response(200, self._user(me))
        # groupsfor_useruser_idjson: a JSON list of the groups the user is a member of
        if len(parts) == 3 and parts[:2] == ["groups", "for_user"]:
            ident = parts[2].removesuffix(".json")
            if not ident.isdigit() or int(ident) not in self.users:
                return Response(404, {"response": {"message": "User not found", "stat": "fail"}})
            member = [g for g in self.groups.values() if int(ident) in g.members]
            return Response(200, [self._group(g) for g in member])
        return Response(404, {"response": {"message": "No such endpoint", "stat": "fail"}})

    def _create(self, me: User, request: Request) -> Response:
        fields = request.json() or {}
        body = fields.get("body")
        replied = fields.get("replied_to_id")
        group = fields.get("group_id")
        if not isinstance(body, str) or not body.strip():
            return Response(400, BODY_BLANK)
        if replied not in (None, ""):
            parent = self.messages.get(int(replied))
            if parent is None or parent.raw is not None:
                return Response(404, {"response": {"message": "Message not found", "stat": "fail"}})
            made = self.post(me, body, replied_to=parent.id)
        elif group not in (None, "") and int(group) in self.groups:
            made = self.post(me, body, group=self.groups[int(group)])
        else:
            return Response(400, BODY_BLANK)
        self.writes.append(made.id)
        return Response(
            201, {"messages": [self._message(made)], "references": self._refs([made]), "meta": {}}
        )

    def _delete(self, me: User, message: Message) -> Response:
        group = self.groups.get(message.group_id)
        if message.sender_id != me.id and (group is None or me.id not in group.admins):
            return Response(403, {"response": {"message": "Forbidden", "stat": "fail"}})
        self.delete(message.id)
        return Response(200)

    def _live(self, raw: bool = False) -> list[Message]:
        return [m for m in self.messages.values() if raw or m.raw is None]

    def _page(self, request: Request, chosen: list[Message], me: User) -> Response:
        older = request.query.get("older_than")
        newer = request.query.get("newer_than")
        limit = min(int(request.query.get("limit") or PAGE), PAGE)
        rows = sorted(chosen, key=lambda m: m.id, reverse=True)
        if older is not None:
            rows = [m for m in rows if m.id < int(older)]
        if newer is not None:
            rows = [m for m in rows if m.id > int(newer)]
        page, rest = rows[:limit], rows[limit:]
        meta = {
            "older_available": bool(rest),
            "requested_poll_interval": 60,
            "current_user_id": me.id,
        }
        return Response(
            200,
            {
                "messages": [m.raw if m.raw is not None else self._message(m) for m in page],
                "references": self._refs([m for m in page if m.raw is None]),
                "meta": meta,
            },
        )

    def _message(self, m: Message) -> dict:
        return {
            "id": m.id,
            "sender_id": m.sender_id,
            "delegate_id": None,
            "replied_to_id": m.replied_to_id,
            "created_at": _stamp(m.created_at),
            "network_id": self.network_id,
            "message_type": "update",
            "sender_type": "user",
            "url": f"https://www.yammer.com/api/v1/messages/{m.id}",
            "web_url": f"https://www.yammer.com/contoso.example/messages/{m.id}",
            "group_id": m.group_id,
            "body": {"parsed": m.plain, "plain": m.plain, "rich": m.plain},
            "thread_id": m.thread_id,
            "client_type": "O365 Api Auth",
            "system_message": False,
            "direct_message": False,
            "privacy": "public",
            "notified_user_ids": [],
            "liked_by": {"count": 0, "names": []},
            "content_excerpt": m.plain[:200],
        }

    def _user(self, user: User) -> dict:
        return {
            "type": "user",
            "id": user.id,
            "network_id": self.network_id,
            "state": "active",
            "full_name": user.full_name,
            "name": user.full_name.split()[0].lower(),
            "job_title": user.job_title,
            "department": user.department,
            "email": user.email,
            "url": f"https://www.yammer.com/api/v1/users/{user.id}",
            "web_url": f"https://www.yammer.com/contoso.example/users/{user.id}",
        }

    def _group(self, group: Group) -> dict:
        """A group as groupsfor_useruser_idjson lists it."""
        return {
            "type": "group",
            "id": group.id,
            "full_name": group.full_name,
            "name": group.full_name.lower().replace(" ", ""),
            "network_id": self.network_id,
            "privacy": "public",
            "url": f"https://www.yammer.com/api/v1/groups/{group.id}",
            "web_url": f"https://www.yammer.com/contoso.example/groups/{group.id}",
        }

    def _refs(self, messages: list[Message]) -> list[dict]:
        refs: dict[tuple[str, int], dict] = {}
        for m in messages:
            if m.sender_id in self.users:
                refs["user", m.sender_id] = self._user(self.users[m.sender_id])
            group = self.groups.get(m.group_id)
            if group is not None:
                refs["group", group.id] = {
                    "type": "group",
                    "id": group.id,
                    "full_name": group.full_name,
                    "name": group.full_name.lower(),
                }
            refs["thread", m.thread_id] = {
                "type": "thread",
                "id": m.thread_id,
                "thread_starter_id": m.thread_id,
                "group_id": m.group_id,
            }
        return list(refs.values())
