"""A Slack workspace as Slack documents it, for the connector's tests.

Every request is checked against Slack's OpenAPI description (tests/contracts/descriptions,
from slackapi/slack-api-specs, with what Slack documented since added by
tests/contracts/extract_openapi.py) before it is answered, and every answer after. Methods
(docs.slack.dev/reference/methods/<name>):

GET  /oauth/v2/authorize     authentication/installing-with-oauth, using-pkce: user_scope,
                             PKCE S256 (the app is a PKCE public client: no secret)
POST /api/oauth.v2.access    the code + code_verifier, or a refresh token (rotating: the
                             old one dies; refresh tokens of PKCE apps last 30 days)
GET  /api/auth.test, /api/auth.revoke, /api/users.info, /api/conversations.info
GET  /api/conversations.list  types (public_channel default, private_channel),
                             exclude_archived, limit (at most 1000), cursor paging
                             (response_metadata.next_cursor, "" on the last page);
                             ``is_member`` for the caller; a private channel only to
                             its members
GET  /api/conversations.history, /api/conversations.replies
                             cursor paging (response_metadata.next_cursor), oldest/latest,
                             include_all_metadata (metadata only when asked)
POST /api/chat.postMessage, /api/chat.update, /api/chat.delete  (JSON bodies)

Errors are HTTP 200 ``{"ok": false, "error": "<code>"}``; a token that is missing, wrong
or revoked is ``invalid_auth``/``token_revoked``, one past its 12 hours
``token_expired``. Rate limits: ``chat.postMessage`` one message a second per channel,
history and replies 50 a minute, conversations.list 20 a minute (Tier 2); past them
HTTP 429 ``{"ok": false, "error": "ratelimited"}`` with ``Retry-After`` in seconds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from contracts.checker import Contract

from emulators.microsoft.apiserver import Request, Response
from emulators.oauth.authority import Authority, Client, OAuthRefusal

USER_SCOPES = frozenset(
    {"chat:write", "channels:history", "groups:history", "channels:read", "groups:read",
     "users:read"}
)  # fmt: skip
TEAM_ID, TEAM_NAME = "T0FIRESIDE", "Contoso"
ACCESS_TTL_S = 12 * 3600
REFRESH_TTL_S = 30 * 86400
READ_LIMIT = (50, 60.0)
LIST_LIMIT = (20, 60.0)
POST_LIMIT = (1, 1.0)


@dataclass
class User:
    id: str
    name: str
    real_name: str


@dataclass
class Message:
    ts: str
    user: User
    text: str
    thread_ts: str | None = None
    metadata: dict | None = None
    edited_ts: str | None = None
    deleted: bool = False


@dataclass
class Channel:
    id: str
    name: str
    members: set[str] = field(default_factory=set)
    messages: list[Message] = field(default_factory=list)
    private: bool = False
    archived: bool = False


@dataclass
class SlackWorkspace:
    clock: Any
    contract: Contract
    authority: Authority = field(init=False)
    users: dict[str, User] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    #: (method, key) -> times of calls within the window, for rate limits
    _calls: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    _last_ts: float = 0.0
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.authority = Authority(
            self.clock,
            access_ttl_s=ACCESS_TTL_S,
            refresh_ttl_s=REFRESH_TTL_S,
            rotate=True,
            token_prefix="xoxe.xoxp-1-",
        )

    # -- the world the tests set up --------------------------------------------------------

    def app(self, client_id: str) -> Client:
        """The app the admin created: a PKCE public client, desktop (loopback) redirect."""
        return self.authority.register(
            Client(client_id, ("http://127.0.0.1/callback",), USER_SCOPES, None)
        )

    def user(self, name: str, real_name: str) -> User:
        made = User(f"U0{len(self.users) + 1:08d}", name, real_name)
        self.users[made.id] = made
        return made

    def channel(
        self, name: str, members: list[User], *, private: bool = False, archived: bool = False
    ) -> Channel:
        prefix = "G0" if private else "C0"
        made = Channel(
            f"{prefix}{len(self.channels) + 1:08d}",
            name,
            {u.id for u in members},
            private=private,
            archived=archived,
        )
        self.channels[made.id] = made
        return made

    def say(self, channel: Channel, user: User, text: str, thread: Message | None = None):
        with self._lock:
            message = Message(self._ts(), user, text, thread.ts if thread else None)
            channel.messages.append(message)
            return message

    def edit(self, message: Message, text: str) -> None:
        with self._lock:
            message.text, message.edited_ts = text, self._ts()

    def mine(self, channel: Channel, user: User) -> list[Message]:
        return [m for m in channel.messages if m.user is user and not m.deleted]

    # -- HTTP ----------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Web API methods are checked against the description; /oauth/v2/authorize is
        the browser's page, described only in the OAuth documentation."""
        if request.path.startswith("/api/"):
            self.contract.check_request(
                request.method,
                _api_path(request.path),
                request.query,
                request.headers,
                request.body,
            )
        with self._lock:
            response = self._route(request)
        if request.path.startswith("/api/") and not isinstance(response.body, bytes):
            self.contract.check_response(
                request.method, _api_path(request.path), 200, response.body
            )
        return response

    def _route(self, request: Request) -> Response:
        if request.path == "/oauth/v2/authorize":
            try:
                where = self.authority.authorize(request.query, "user_scope", ",")
            except OAuthRefusal as refusal:
                return Response(400, f"{refusal.error}: {refusal.description}".encode())
            return Response(302, b"", {"Location": where})
        method = request.path.removeprefix("/api/")
        if method == "oauth.v2.access":
            return self._access(dict(parse_qsl(request.body.decode())))
        try:
            grant = self.authority.check(request.headers.get("authorization"))
        except OAuthRefusal as refusal:
            code = "token_expired" if refusal.error == "token_expired" else "invalid_auth"
            return _error(code)
        me = next(u for u in self.users.values() if u.name == grant.user)
        limited = self._limit(method, request)
        if limited is not None:
            return limited
        body = request.json() if request.method == "POST" else request.query
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return _error("unknown_method")
        return handler(body or {}, me, grant)

    # -- OAuth ----------------------------------------------------------------------------

    def _access(self, form: dict[str, str]) -> Response:
        try:
            issued = self.authority.token(form)
        except OAuthRefusal as refusal:
            code = {
                "invalid_grant": "invalid_refresh_token"
                if form.get("grant_type") == "refresh_token"
                else "invalid_code",
                "invalid_client": "invalid_client_id",
            }.get(refusal.error, refusal.error)
            return _error(code)
        user = next(u for u in self.users.values() if u.name == issued.grant.user)
        token = {
            "access_token": issued.access_token,
            "token_type": "user",
            "scope": ",".join(sorted(issued.grant.scopes)),
            "expires_in": issued.expires_in,
            "refresh_token": issued.refresh_token,
        }
        if form.get("grant_type") == "refresh_token":  # using-token-rotation: flat
            return Response(200, {"ok": True, **token, "team": {"id": TEAM_ID}})
        return Response(
            200,
            {
                "ok": True,
                "app_id": "A0FIRESIDE",
                "authed_user": {"id": user.id, **token},
                "team": {"id": TEAM_ID, "name": TEAM_NAME},
                "enterprise": None,
                "is_enterprise_install": False,
            },
        )

    def _auth_test(self, _: dict, me: User, grant: Any) -> Response:
        return Response(
            200,
            {
                "ok": True,
                "url": "https://contoso.slack.com/",
                "team": TEAM_NAME,
                "user": me.name,
                "team_id": TEAM_ID,
                "user_id": me.id,
                "is_enterprise_install": False,
            },
        )

    def _auth_revoke(self, _: dict, me: User, grant: Any) -> Response:
        grant.revoked = True
        return Response(200, {"ok": True, "revoked": True})

    def _users_info(self, query: dict, me: User, grant: Any) -> Response:
        user = self.users.get(str(query.get("user")))
        if user is None:
            return _error("user_not_found")
        profile = {
            "real_name": user.real_name,
            "display_name": user.name,
            "avatar_hash": "g0000",
            "real_name_normalized": user.real_name,
            "display_name_normalized": user.name,
            "title": "",
            "phone": "",
            "skype": "",
            "status_text": "",
            "status_emoji": "",
            "fields": None,
            "team": TEAM_ID,
        }
        return Response(
            200,
            {
                "ok": True,
                "user": {
                    "id": user.id,
                    "team_id": TEAM_ID,
                    "name": user.name,
                    "real_name": user.real_name,
                    "deleted": False,
                    "profile": profile,
                },
            },
        )

    def _conversations_info(self, query: dict, me: User, grant: Any) -> Response:
        channel = self._visible(query, me)
        if isinstance(channel, Response):
            return channel
        return Response(
            200,
            {
                "ok": True,
                "channel": {
                    "id": channel.id,
                    "name": channel.name,
                    "is_channel": True,
                    "is_member": True,
                    "created": 1700000000,
                },
            },
        )

    def _conversations_list(self, query: dict, me: User, grant: Any) -> Response:
        types = set(str(query.get("types") or "public_channel").split(","))
        unknown = types - {"public_channel", "private_channel", "mpim", "im"}
        if unknown:
            return _error("invalid_types")
        skip_archived = str(query.get("exclude_archived")) in ("true", "1")
        listed = [
            c
            for c in self.channels.values()
            if ("private_channel" if c.private else "public_channel") in types
            and (not c.private or me.id in c.members)
            and not (skip_archived and c.archived)
        ]
        page, _more, following = _paged(listed, query, 1000)
        return Response(
            200,
            {
                "ok": True,
                "channels": [self._conversation(c, me) for c in page],
                "response_metadata": {"next_cursor": following},
            },
        )

    def _conversation(self, channel: Channel, me: User) -> dict:
        """A channel as conversations.list shows it to ``me``."""
        return {
            "id": channel.id,
            "name": channel.name,
            "name_normalized": channel.name,
            "created": 1700000000,
            "creator": next(iter(sorted(channel.members)), ""),
            "is_channel": not channel.private,
            "is_group": channel.private,
            "is_im": False,
            "is_mpim": False,
            "is_private": channel.private,
            "is_archived": channel.archived,
            "is_general": False,
            "is_shared": False,
            "is_org_shared": False,
            "is_member": me.id in channel.members,
            "num_members": len(channel.members),
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }

    # -- reading ---------------------------------------------------------------------------

    def _conversations_history(self, query: dict, me: User, grant: Any) -> Response:
        channel = self._visible(query, me)
        if isinstance(channel, Response):
            return channel
        found = [m for m in channel.messages if not m.deleted and m.thread_ts in (None, m.ts)]
        found.sort(key=lambda m: float(m.ts), reverse=True)  # newest first
        found = _window(found, query)
        page, more, following = _paged(found, query, 100)
        body = {
            "ok": True,
            "messages": [self._message(channel, m, query) for m in page],
            "has_more": more,
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": following},
        }
        return Response(200, body)

    def _conversations_replies(self, query: dict, me: User, grant: Any) -> Response:
        channel = self._visible(query, me)
        if isinstance(channel, Response):
            return channel
        root = next((m for m in channel.messages if m.ts == query.get("ts")), None)
        if root is not None and root.thread_ts not in (None, root.ts):
            # "ts: ... either a thread's parent message or a message in the thread": a
            # reply's ts names its whole thread (conversations.replies, Arguments).
            root = next((m for m in channel.messages if m.ts == root.thread_ts), None)
        if root is None or root.deleted:
            return _error("thread_not_found")
        replies = sorted(
            (m for m in channel.messages if m.thread_ts == root.ts and m is not root),
            key=lambda m: float(m.ts),
        )
        replies = [m for m in _window(replies, query) if not m.deleted]
        page, more, following = _paged([root, *replies], query, 1000)
        return Response(
            200,
            {
                "ok": True,
                "messages": [self._message(channel, m, query) for m in page],
                "has_more": more,
                "response_metadata": {"next_cursor": following},
            },
        )

    # -- writing ---------------------------------------------------------------------------

    def _chat_postMessage(self, body: dict, me: User, grant: Any) -> Response:
        channel = self._visible(body, me)
        if isinstance(channel, Response):
            return channel
        text = str(body.get("text") or "")
        if not text:
            return _error("no_text")
        if len(text) > 40_000:
            return _error("msg_too_long")
        thread = body.get("thread_ts")
        if thread is not None:
            root = next((m for m in channel.messages if m.ts == thread and not m.deleted), None)
            if root is None:
                return _error("thread_not_found")
        metadata = body.get("metadata")
        message = Message(self._ts(), me, text, thread, metadata if metadata else None)
        channel.messages.append(message)
        return Response(
            200,
            {
                "ok": True,
                "channel": channel.id,
                "ts": message.ts,
                "message": self._message(channel, message, {"include_all_metadata": "true"}),
            },
        )

    def _chat_update(self, body: dict, me: User, grant: Any) -> Response:
        found = self._own_message(body, me, "cant_update_message")
        if isinstance(found, Response):
            return found
        channel, message = found
        message.text, message.edited_ts = str(body.get("text") or ""), self._ts()
        if body.get("metadata"):
            message.metadata = body["metadata"]
        return Response(
            200,
            {
                "ok": True,
                "channel": channel.id,
                "ts": message.ts,
                "text": message.text,
                "message": {"text": message.text},
            },
        )

    def _chat_delete(self, body: dict, me: User, grant: Any) -> Response:
        found = self._own_message(body, me, "cant_delete_message")
        if isinstance(found, Response):
            return found
        channel, message = found
        message.deleted = True
        return Response(200, {"ok": True, "channel": channel.id, "ts": message.ts})

    # -- helpers ---------------------------------------------------------------------------

    def _own_message(
        self, body: dict, me: User, not_mine: str
    ) -> tuple[Channel, Message] | Response:
        """The live message ``body`` names, written by ``me``; else Slack's error."""
        channel = self._visible(body, me)
        if isinstance(channel, Response):
            return channel
        message = next((m for m in channel.messages if m.ts == body.get("ts")), None)
        if message is None or message.deleted:
            return _error("message_not_found")
        if message.user is not me:
            return _error(not_mine)
        return channel, message

    def _visible(self, args: dict, me: User) -> Channel | Response:
        channel = self.channels.get(str(args.get("channel")))
        if channel is None:
            return _error("channel_not_found")
        if me.id not in channel.members:
            return _error("not_in_channel")
        return channel

    def _message(self, channel: Channel, message: Message, query: dict) -> dict:
        made: dict[str, Any] = {
            "type": "message",
            "user": message.user.id,
            "text": message.text,
            "ts": message.ts,
            "team": TEAM_ID,
        }
        replies = [m for m in channel.messages if m.thread_ts == message.ts and m is not message]
        live = [m for m in replies if not m.deleted]
        if message.thread_ts and message.thread_ts != message.ts:
            made["thread_ts"] = message.thread_ts
            root = next(m for m in channel.messages if m.ts == message.thread_ts)
            made["parent_user_id"] = root.user.id
        elif live:
            made["thread_ts"] = message.ts
            made["reply_count"] = len(live)
            made["latest_reply"] = max(live, key=lambda m: float(m.ts)).ts
            made["reply_users"] = sorted({m.user.id for m in live})
            made["reply_users_count"] = len(made["reply_users"])
        if message.edited_ts:
            made["edited"] = {"user": message.user.id, "ts": message.edited_ts}
        if message.metadata and str(query.get("include_all_metadata")) in ("true", "1", "True"):
            made["metadata"] = message.metadata
        return made

    def _limit(self, method: str, request: Request) -> Response | None:
        if method in ("conversations.history", "conversations.replies"):
            key, (limit, window) = method, READ_LIMIT
        elif method == "conversations.list":
            key, (limit, window) = method, LIST_LIMIT
        elif method == "chat.postMessage":
            body = request.json() or {}
            key, (limit, window) = str(body.get("channel")), POST_LIMIT
        else:
            return None
        now = self.clock()
        calls = [t for t in self._calls.get((method, key), []) if t > now - window]
        if len(calls) >= limit:
            wait = max(1, int(calls[0] + window - now + 0.999))
            return Response(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)})
        self._calls[(method, key)] = [*calls, now]
        return None

    def _ts(self) -> str:
        """A message timestamp: seconds.microseconds, unique and increasing."""
        self._last_ts = max(self.clock(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"


def _api_path(path: str) -> str:
    return "/" + path.removeprefix("/api/") if path.startswith("/api/") else path


def _error(code: str) -> Response:
    return Response(200, {"ok": False, "error": code})


def _window(messages: list[Message], query: dict) -> list[Message]:
    """``oldest``/``latest`` (exclusive unless ``inclusive``)."""
    inclusive = str(query.get("inclusive")) in ("true", "1")
    oldest, latest = query.get("oldest"), query.get("latest")

    def inside(m: Message) -> bool:
        ts = float(m.ts)
        if oldest is not None and (ts < float(oldest) or (ts == float(oldest) and not inclusive)):
            return False
        return not (
            latest is not None and (ts > float(latest) or (ts == float(latest) and not inclusive))
        )

    return [m for m in messages if inside(m)]


def _paged(items: list, query: dict, most: int) -> tuple[list, bool, str]:
    """One page after the cursor (an offset, opaque to the client), and the next one."""
    limit = min(int(query.get("limit") or 100), most)
    start = int(str(query.get("cursor") or "0").removeprefix("off_") or 0)
    page = items[start : start + limit]
    more = start + limit < len(items)
    return page, more, f"off_{start + limit}" if more else ""
