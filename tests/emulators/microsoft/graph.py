"""An emulator of Microsoft Graph v1.0 for Teams channel messages, as the connector uses it.

Built from Microsoft's documented requests and answers (microsoftgraph/microsoft-graph-
docs-contrib, ``api-reference/v1.0/api/`` and ``concepts/``); each endpoint below names
its page. What Graph enforces, this enforces:

- auth: ``Authorization: Bearer`` with a TokenBook token for Graph's audience; unknown,
  revoked, expired or other-audience tokens get 401 ``InvalidAuthenticationToken``; a
  token without the endpoint's delegated permission gets 403 (concepts/errors.md).
- membership: a team or channel the user is not (or no longer) a member of answers 403
  ``Forbidden`` (the user left the channel).
- paging: ``$top`` at most 50 on messages and delta (channel-list-messages,
  chatmessage-delta: "The upper limit is 50"), 400 above; ``@odata.nextLink`` while more.
- threads are two levels (chatmessage-post-replies): ``messages/{id}`` names only a
  channel's top-level messages, so replying to a reply (``messages/{reply-id}/replies``)
  is 404 NotFound. Ambiguity: the docs do not say 404 or 400; 404 is what the URL shape
  implies, and the connector must never try either.
- mentions (chatmessage-post, "mentions"): every ``<at id="N">`` in an HTML body needs a
  ``mentions`` entry with that id and back, else 400.
- throttling (concepts/throttling-limits.md, Teams): "a maximum of 4 requests per second
  per app can be issued on a given team or channel"; more gets 429 with ``Retry-After``.
  Ambiguity: team or channel; counted per team (a channel's requests count for its
  team), the stricter reading. Tests can also inject 429 or 503 with Retry-After.
- delta (chatmessage-delta, concepts/delta-query-overview.md): a round of
  ``@odata.nextLink`` pages ending with an ``@odata.deltaLink``; ``$filter=
  lastModifiedDateTime gt`` and ``$expand=replies`` only in the first request, encoded
  into the tokens. A later round returns every top-level message whose reply chain
  changed (created, edited, soft-deleted, or a reply to it did so), with its replies
  when expanded (up to ``replies_page``, then ``replies@odata.nextLink``). Ambiguity:
  the docs say only that the filter "will fetch any reply chain created or changed";
  reading that a changed reply brings its whole chain back is what makes replies
  trackable at all. Tokens expire: after ``delta_ttl_s`` (no fixed lifetime is
  documented for channel messages) the answer is 410 Gone ``syncStateNotFound``; a
  tenant reset is 410 with a ``Location`` header and ``resyncRequired``.
- the directory (job titles, managers): ``emulators.microsoft.directory``, whose
  ``User.Read.All`` is not in ``ALL_SCOPES`` (an administrator grants it).
- writes: post (chatmessage-post, 201), reply (chatmessage-post-replies, 201), update
  (chatmessage-update: PATCH, delegated ChannelMessage.ReadWrite, 204; only the sender),
  soft delete (chatmessage-softdelete: POST .../softDelete, 204). A soft-deleted message
  stays listed with ``deletedDateTime`` set and an empty body.

Ids: teams are GUIDs, channels ``19:…@thread.tacv2``, messages the millisecond of their
creation as a string ("1616990171266").
"""

from __future__ import annotations

import itertools
import re
import secrets
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from emulators.microsoft.apiserver import Request, Response
from emulators.microsoft.directory import DIRECTORY_SCOPE, Directory
from emulators.microsoft.graph_errors import error
from emulators.microsoft.tokens import Audience, TokenBook, TokenProblem, TokenRefused

READ = "ChannelMessage.Read.All"
SEND = "ChannelMessage.Send"
WRITE = "ChannelMessage.ReadWrite"
TEAMS = "Team.ReadBasic.All"
CHANNELS = "Channel.ReadBasic.All"
ME = "User.Read"
ALL_SCOPES = frozenset({READ, SEND, WRITE, TEAMS, CHANNELS, ME})
TOP_MAX = 50
PER_TEAM, PER_TEAM_WINDOW = 4, 1.0
_AT = re.compile(r"<at\s+id=\"(\d+)\"\s*>", re.IGNORECASE)


@dataclass
class GraphUser:
    id: str
    name: str


@dataclass
class Msg:
    id: str
    team: str
    channel: str
    reply_to: str | None
    sender: str
    content: str
    content_type: str
    created: float
    modified: float
    edited: float | None = None
    deleted: float | None = None
    mentions: list = field(default_factory=list)
    subject: str | None = None
    raw: Any = None  # a malformed message, served as it is


@dataclass
class Channel:
    id: str
    name: str
    team: str
    members: set[str] = field(default_factory=set)  # empty: every team member
    roots: dict[str, Msg] = field(default_factory=dict)
    replies: dict[str, dict[str, Msg]] = field(default_factory=lambda: defaultdict(dict))
    changed: dict[str, int] = field(default_factory=dict)  # root id -> sequence of last change
    seq: int = 0


@dataclass
class Team:
    id: str
    name: str
    members: set[str]
    channels: dict[str, Channel] = field(default_factory=dict)


@dataclass
class DeltaState:
    team: str
    channel: str
    after: int  # changes after this sequence number
    upto: int  # ... up to this one (the round's snapshot)
    offset: int
    top: int
    expand: bool
    since: float | None
    issued: float


@dataclass
class Injected:
    status: int
    retry_after: str | None
    method: str
    path_part: str
    count: int
    skip: int = 0  # matching requests let through first


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return (
        datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


class GraphEmulator:
    """One tenant's Teams; tests add users, teams, channels and messages, then serve it."""

    def __init__(self, book: TokenBook, clock: Callable[[], float] = time.time) -> None:
        self.book = book
        self.clock = clock
        self.tenant = str(uuid.uuid4())
        self.users: dict[str, GraphUser] = {}
        #: job titles and managers (``GET /users/{id}``, ``/users/{id}/manager``)
        self.directory = Directory(self._name_of)
        self.teams: dict[str, Team] = {}
        self.delta_ttl_s = 7 * 24 * 3600.0
        self.replies_page = 1000
        self.base = ""  # set by the fixture: the server's URL (links are absolute)
        self._tokens: dict[str, DeltaState] = {}
        self._last_ms = 0
        self._lock = threading.RLock()
        self._sent: dict[str, deque[float]] = defaultdict(deque)
        self._injected: list[Injected] = []
        self._counter = itertools.count(1)
        self.writes: list[tuple[str, str]] = []  # (method, message id) applied through the API
        self.throttled = 0

    # -- the world ---------------------------------------------------------------------

    def _name_of(self, user_id: str) -> str | None:
        user = self.users.get(user_id)
        return None if user is None else user.name

    def add_user(self, name: str, user_id: str = "") -> GraphUser:
        """A person; ``user_id``: their Entra object id (a new one when not given)."""
        user = GraphUser(user_id or str(uuid.uuid4()), name)
        self.users[user.id] = user
        return user

    def add_team(self, name: str, members: list[GraphUser]) -> Team:
        team = Team(str(uuid.uuid4()), name, {m.id for m in members})
        self.teams[team.id] = team
        return team

    def add_channel(self, team: Team, name: str) -> Channel:
        channel = Channel(f"19:{secrets.token_hex(16)}@thread.tacv2", name, team.id)
        team.channels[channel.id] = channel
        return channel

    def leave(self, user: GraphUser, team: Team, channel: Channel | None = None) -> None:
        """The user leaves a channel (a private one's members) or the whole team."""
        with self._lock:
            if channel is None:
                team.members.discard(user.id)
            else:
                channel.members = (channel.members or set(team.members)) - {user.id}

    def post(self, user: GraphUser, channel: Channel, text: str) -> Msg:
        with self._lock:
            msg = self._new(user, channel, None, f"<p>{text}</p>", "html")
            channel.roots[msg.id] = msg
            self._touch(channel, msg.id)
            return msg

    def reply(
        self, user: GraphUser, channel: Channel, root: Msg, text: str, mentions: list | None = None
    ) -> Msg:
        with self._lock:
            msg = self._new(user, channel, root.id, text, "html", mentions=mentions or [])
            channel.replies[root.id][msg.id] = msg
            self._touch(channel, root.id)
            return msg

    def add_raw_reply(self, channel: Channel, root: Msg, raw: Any) -> None:
        """A malformed reply in ``root``'s chain, served as given."""
        with self._lock:
            msg = self._new(None, channel, root.id, "", "html")
            msg.raw = raw
            channel.replies[root.id][msg.id] = msg
            self._touch(channel, root.id)

    def edit(self, channel: Channel, msg: Msg, text: str) -> None:
        with self._lock:
            msg.content, msg.edited, msg.modified = text, self.clock(), self.clock()
            self._touch(channel, msg.reply_to or msg.id)

    def soft_delete(self, channel: Channel, msg: Msg) -> None:
        with self._lock:
            msg.deleted = msg.modified = self.clock()
            msg.content = ""
            self._touch(channel, msg.reply_to or msg.id)

    def expire_delta_tokens(self, reset: bool = False) -> None:
        """Every delta token issued so far stops working (``reset``: as a tenant reset)."""
        with self._lock:
            for state in self._tokens.values():
                state.issued = -1.0 if reset else -1e18

    def inject(
        self,
        status: int,
        method: str,
        path_part: str,
        *,
        retry_after: str | None = "2",
        count: int = 1,
        skip: int = 0,
    ) -> None:
        """Answer ``count`` matching requests with ``status`` (429, 503) unapplied, after
        letting ``skip`` of them through."""
        with self._lock:
            self._injected.append(Injected(status, retry_after, method, path_part, count, skip))

    def token(
        self, user: GraphUser, scopes: frozenset[str] = ALL_SCOPES, ttl_s: float = 3600.0
    ) -> str:
        return self.book.issue(Audience.GRAPH, scopes, user.id, ttl_s).value

    def mine(self, user: GraphUser, channel: Channel) -> list[Msg]:
        """Every live message ``user`` wrote in ``channel`` (the server's truth)."""
        with self._lock:
            found = [m for m in channel.roots.values() if m.sender == user.id]
            found += [
                m
                for chain in channel.replies.values()
                for m in chain.values()
                if m.sender == user.id
            ]
            return [m for m in found if m.deleted is None and m.raw is None]

    def _new(
        self,
        user: GraphUser | None,
        channel: Channel,
        reply_to: str | None,
        content: str,
        kind: str,
        *,
        mentions: list | None = None,
    ) -> Msg:
        ms = max(int(self.clock() * 1000), self._last_ms + 1)
        self._last_ms = ms
        now = ms / 1000
        return Msg(
            str(ms),
            channel.team,
            channel.id,
            reply_to,
            user.id if user else "",
            content,
            kind,
            now,
            now,
            mentions=list(mentions or []),
        )

    def _touch(self, channel: Channel, root_id: str) -> None:
        channel.seq += 1
        channel.changed[root_id] = channel.seq

    # -- serving -----------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        with self._lock:
            path = unquote(request.path)
            if not path.startswith("/v1.0/"):
                return error(404, "NotFound", "Resource not found.")
            parts = path.removeprefix("/v1.0/").strip("/").split("/")
            scope = self._scope(request.method, parts)
            try:
                token = self.book.check(request.headers.get("authorization"), Audience.GRAPH, scope)
            except TokenRefused as refused:
                if refused.problem is TokenProblem.MISSING_SCOPE and parts[:1] == ["users"]:
                    return error(
                        403,
                        "Authorization_RequestDenied",
                        "Insufficient privileges to complete the operation.",
                    )
                if refused.problem is TokenProblem.MISSING_SCOPE:
                    return error(
                        403,
                        "Forbidden",
                        f"Missing scope permissions on the request. API requires one of '{scope}'.",
                    )
                return error(
                    401,
                    "InvalidAuthenticationToken",
                    "Access token has expired or is not yet valid.",
                )
            me = self.users[token.user_id]
            injected = self._take_injected(request, path)
            if injected is not None:
                return injected
            team = self.teams.get(parts[1]) if len(parts) > 1 and parts[0] == "teams" else None
            if team is not None and self._throttled(team.id):
                self.throttled += 1
                return error(
                    429, "TooManyRequests", "Please retry again later.", {"Retry-After": "1"}
                )
            return self._route(me, request, parts, team)

    def _scope(self, method: str, parts: list[str]) -> str:
        if parts[:1] == ["users"]:
            return DIRECTORY_SCOPE
        if parts[:1] == ["me"]:
            return TEAMS if parts[1:2] == ["joinedTeams"] else ME
        if len(parts) == 3 and parts[2] == "channels":
            return CHANNELS
        if method == "GET":
            return READ
        if method == "PATCH" or parts[-1] == "softDelete":
            return WRITE
        return SEND

    def _take_injected(self, request: Request, path: str) -> Response | None:
        for injected in self._injected:
            if (
                injected.count > 0
                and injected.method == request.method
                and injected.path_part in path
            ):
                if injected.skip > 0:
                    injected.skip -= 1
                    continue
                injected.count -= 1
                headers = {"Retry-After": injected.retry_after} if injected.retry_after else {}
                code = "TooManyRequests" if injected.status == 429 else "ServiceUnavailable"
                return error(injected.status, code, "Please retry again later.", headers)
        return None

    def _throttled(self, team_id: str) -> bool:
        now = self.clock()
        sent = self._sent[team_id]
        sent.append(now)
        while sent and sent[0] <= now - PER_TEAM_WINDOW:
            sent.popleft()
        return len(sent) > PER_TEAM

    def _route(
        self, me: GraphUser, request: Request, parts: list[str], team: Team | None
    ) -> Response:
        if parts[0] == "me" and request.method == "GET":
            return self._me(me, parts)
        if parts[0] == "users":
            return self.directory.serve(request, parts)
        if team is None or me.id not in team.members:
            return error(403, "Forbidden", "User is not a member of this team.")
        if len(parts) == 3 and parts[2] == "channels" and request.method == "GET":
            return self._channels(me, team)
        channel = team.channels.get(parts[3]) if len(parts) > 3 and parts[2] == "channels" else None
        if channel is None:
            return error(404, "NotFound", "Channel not found.")
        if channel.members and me.id not in channel.members:
            return error(403, "Forbidden", "User is not a member of this channel.")
        return self._in_channel(me, request, channel, parts[4:])

    def _me(self, me: GraphUser, parts: list[str]) -> Response:
        """user-get (User.Read) and user-list-joinedteams (Team.ReadBasic.All)."""
        if parts == ["me"]:
            upn = f"{me.id[:8]}@contoso.example"
            return Response(200, {"id": me.id, "displayName": me.name, "userPrincipalName": upn})
        if parts == ["me", "joinedTeams"]:
            joined = [t for t in self.teams.values() if me.id in t.members]
            teams = [{"id": t.id, "displayName": t.name, "description": None} for t in joined]
            return Response(200, {"value": teams})
        return error(404, "NotFound", "Resource not found.")

    def _channels(self, me: GraphUser, team: Team) -> Response:
        """channel-list (Channel.ReadBasic.All): the channels this user can see."""
        seen = [c for c in team.channels.values() if not c.members or me.id in c.members]
        listed = [
            {
                "id": c.id,
                "displayName": c.name,
                "description": None,
                "membershipType": "private" if c.members else "standard",
            }
            for c in seen
        ]
        return Response(200, {"value": listed})

    def _in_channel(
        self, me: GraphUser, request: Request, channel: Channel, rest: list[str]
    ) -> Response:
        method = request.method
        if rest == ["messages"]:
            if method == "GET":
                return self._list_roots(request, channel)
            return self._create(me, request, channel, None)
        if rest == ["messages", "delta"] and method == "GET":
            return self._delta(request, channel)
        if len(rest) < 2 or rest[0] != "messages":
            return error(404, "NotFound", "Resource not found.")
        root = channel.roots.get(rest[1])
        if root is None:
            return error(404, "NotFound", "Message not found.")
        tail = rest[2:]
        if tail == ["replies"]:
            if method == "GET":
                return self._list_replies(request, channel, root)
            return self._create(me, request, channel, root)
        if len(tail) >= 2 and tail[0] == "replies":
            reply = channel.replies[root.id].get(tail[1])
            if reply is None or reply.raw is not None:
                return error(404, "NotFound", "Message not found.")
            return self._on_message(me, request, channel, reply, tail[2:])
        return self._on_message(me, request, channel, root, tail)

    def _on_message(
        self, me: GraphUser, request: Request, channel: Channel, msg: Msg, tail: list[str]
    ) -> Response:
        """chatmessage-get, chatmessage-update (PATCH), chatmessage-softdelete."""
        action = (request.method, tuple(tail))
        if action == ("GET", ()):
            return Response(200, self._json(msg))
        if action == ("PATCH", ()):
            return self._update(me, request, channel, msg)
        if action == ("POST", ("softDelete",)):
            return self._soft_delete(me, channel, msg)
        return error(405, "MethodNotAllowed", "Not supported.")

    # -- reads -------------------------------------------------------------------------

    def _top(self, request: Request, default: int = 20) -> int | Response:
        top = request.query.get("$top")
        if top is None:
            return default
        if not top.isdigit() or not 1 <= int(top) <= TOP_MAX:
            return error(
                400,
                "BadRequest",
                f"Invalid page size specified: '{top}'. Must be between 1 and {TOP_MAX}.",
            )
        return int(top)

    def _list_roots(self, request: Request, channel: Channel) -> Response:
        """channel-list-messages: top-level messages, newest first, ``$top`` <= 50."""
        top = self._top(request)
        if isinstance(top, Response):
            return top
        offset = int(request.query.get("$skiptoken", "0") or 0)
        roots = sorted(channel.roots.values(), key=lambda m: int(m.id), reverse=True)
        page = roots[offset : offset + top]
        expand = request.query.get("$expand") == "replies"
        body: dict[str, Any] = {"value": [self._json(m, expand) for m in page]}
        if offset + top < len(roots):
            body["@odata.nextLink"] = self._link(
                channel,
                "messages",
                {
                    "$top": top,
                    "$skiptoken": offset + top,
                    **({"$expand": "replies"} if expand else {}),
                },
            )
        return Response(200, body)

    def _list_replies(self, request: Request, channel: Channel, root: Msg) -> Response:
        """chatmessage-list-replies: a chain's replies, newest first, ``$top`` <= 50."""
        top = self._top(request, self.replies_page if "$skiptoken" in request.query else 20)
        if isinstance(top, Response):
            return top
        offset = int(request.query.get("$skiptoken", "0") or 0)
        replies = sorted(channel.replies[root.id].values(), key=lambda m: int(m.id), reverse=True)
        page = replies[offset : offset + top]
        body: dict[str, Any] = {"value": [self._json(m) for m in page]}
        if offset + top < len(replies):
            body["@odata.nextLink"] = self._link(
                channel, f"messages/{root.id}/replies", {"$top": top, "$skiptoken": offset + top}
            )
        return Response(200, body)

    def _delta(self, request: Request, channel: Channel) -> Response:
        """chatmessage-delta: rounds of pages of changed reply chains."""
        token = request.query.get("$skiptoken") or request.query.get("$deltatoken")
        state = (
            self._resumed(request, channel, token)
            if token is not None
            else self._first_round(request, channel)
        )
        if isinstance(state, Response):
            return state
        changed = sorted(
            (
                root
                for rid, root in channel.roots.items()
                if state.after < channel.changed.get(rid, 0) <= state.upto
            ),
            key=lambda m: channel.changed[m.id],
        )
        if state.since is not None:
            changed = [r for r in changed if self._chain_modified(channel, r) > state.since]
        page = changed[state.offset : state.offset + state.top]
        body: dict[str, Any] = {"value": [self._json(m, state.expand) for m in page]}
        following = replace(state, offset=state.offset + state.top, issued=self.clock())
        key = secrets.token_urlsafe(24)
        if following.offset < len(changed):
            self._tokens[key] = following
            body["@odata.nextLink"] = self._link(channel, "messages/delta", {"$skiptoken": key})
        else:
            self._tokens[key] = replace(following, offset=0)
            body["@odata.deltaLink"] = self._link(channel, "messages/delta", {"$deltatoken": key})
        return Response(200, body)

    def _resumed(self, request: Request, channel: Channel, token: str) -> DeltaState | Response:
        """The state a skip or delta token names; 410 when it expired or was reset."""
        state = self._tokens.get(token)
        if state is None or state.channel != channel.id:
            return error(400, "BadRequest", "Invalid state token.")
        if state.issued == -1.0:
            location = self._link(channel, "messages/delta", {"$deltatoken": ""})
            return error(
                410,
                "resyncRequired",
                "The delta token requires a full resync.",
                {"Location": location},
            )
        if self.clock() - state.issued > self.delta_ttl_s:
            return error(410, "syncStateNotFound", "The sync state generation is not found.")
        if "$deltatoken" in request.query:  # a new round: what changed since the last one
            return replace(state, after=state.upto, upto=channel.seq, offset=0, since=None)
        return state

    def _first_round(self, request: Request, channel: Channel) -> DeltaState | Response:
        """A first request: ``$top``, ``$expand=replies`` and the date range it may name."""
        top = self._top(request)
        if isinstance(top, Response):
            return top
        since = None
        flt = request.query.get("$filter")
        if flt:
            match = re.fullmatch(r"lastModifiedDateTime gt (\S+)", flt.strip())
            if match is None:
                return error(400, "BadRequest", "Only lastModifiedDateTime gt is supported.")
            since = datetime.fromisoformat(match.group(1).replace("Z", "+00:00")).timestamp()
        expand = request.query.get("$expand") == "replies"
        return DeltaState(
            channel.team, channel.id, 0, channel.seq, 0, top, expand, since, self.clock()
        )

    def _chain_modified(self, channel: Channel, root: Msg) -> float:
        return max([root.modified, *(r.modified for r in channel.replies[root.id].values())])

    # -- writes ------------------------------------------------------------------------

    def _create(
        self, me: GraphUser, request: Request, channel: Channel, root: Msg | None
    ) -> Response:
        fields = request.json()
        body = fields.get("body") if isinstance(fields, dict) else None
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("content"), str)
            or not body["content"].strip()
        ):
            return error(400, "BadRequest", "Missing body content.")
        kind = body.get("contentType", "text")
        mentions = fields.get("mentions") or []
        if kind == "html":
            tags = {int(n) for n in _AT.findall(body["content"])}
            named = {m.get("id") for m in mentions if isinstance(m, dict)}
            if tags != named or not all(
                isinstance(m, dict) and m.get("mentioned", {}).get("user", {}).get("id")
                for m in mentions
            ):
                return error(
                    400,
                    "BadRequest",
                    "Mentions in the body and in the mentions array do not match.",
                )
        msg = self._new(
            me, channel, root.id if root else None, body["content"], kind, mentions=mentions
        )
        if root is None:
            subject = fields.get("subject")
            msg.subject = subject if isinstance(subject, str) else None
            channel.roots[msg.id] = msg
        else:
            channel.replies[root.id][msg.id] = msg
        self._touch(channel, root.id if root else msg.id)
        self.writes.append(("POST", msg.id))
        return Response(201, self._json(msg))

    def _update(self, me: GraphUser, request: Request, channel: Channel, msg: Msg) -> Response:
        if msg.sender != me.id:
            return error(403, "Forbidden", "Only the sender may update a message.")
        fields = request.json()
        body = fields.get("body") if isinstance(fields, dict) else None
        if not isinstance(body, dict) or not isinstance(body.get("content"), str):
            return error(400, "BadRequest", "Missing body content.")
        msg.content, msg.content_type = body["content"], body.get("contentType", "text")
        msg.mentions = fields.get("mentions") or []
        msg.edited = msg.modified = self.clock()
        self._touch(channel, msg.reply_to or msg.id)
        self.writes.append(("PATCH", msg.id))
        return Response(204)

    def _soft_delete(self, me: GraphUser, channel: Channel, msg: Msg) -> Response:
        if msg.sender != me.id:
            return error(403, "Forbidden", "Only the sender may delete a message.")
        if msg.deleted is None:
            self.soft_delete(channel, msg)
        self.writes.append(("DELETE", msg.id))
        return Response(204)

    # -- shapes ------------------------------------------------------------------------

    def _link(self, channel: Channel, tail: str, query: dict) -> str:
        params = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in query.items())
        where = f"/v1.0/teams/{channel.team}/channels/{quote(channel.id, safe='')}"
        return f"{self.base}{where}/{tail}?{params}"

    def _json(self, m: Msg, expand: bool = False) -> Any:
        if m.raw is not None:
            return m.raw
        user = self.users.get(m.sender)
        data: dict[str, Any] = {
            "@odata.type": "#microsoft.graph.chatMessage",
            "id": m.id,
            "replyToId": m.reply_to,
            "etag": str(int(m.modified * 1000)),
            "messageType": "message",
            "createdDateTime": _iso(m.created),
            "lastModifiedDateTime": _iso(m.modified),
            "lastEditedDateTime": _iso(m.edited),
            "deletedDateTime": _iso(m.deleted),
            "subject": m.subject,
            "summary": None,
            "chatId": None,
            "importance": "normal",
            "locale": "en-us",
            "webUrl": (
                f"https://teams.microsoft.com/l/message/{quote(m.channel, safe='')}/{m.id}"
                f"?groupId={m.team}&tenantId={self.tenant}&createdTime={m.id}"
                f"&parentMessageId={m.reply_to or m.id}"
            ),
            "policyViolation": None,
            "eventDetail": None,
            "from": {
                "application": None,
                "device": None,
                "user": {
                    "@odata.type": "#microsoft.graph.teamworkUserIdentity",
                    "id": m.sender,
                    "displayName": user.name if user else None,
                    "userIdentityType": "aadUser",
                    "tenantId": self.tenant,
                },
            },
            "body": {"contentType": m.content_type, "content": m.content},
            "channelIdentity": {"teamId": m.team, "channelId": m.channel},
            "attachments": [],
            "mentions": m.mentions,
            "reactions": [],
        }
        if expand and m.reply_to is None:
            team = self.teams[m.team]
            channel = team.channels[m.channel]
            replies = sorted(channel.replies[m.id].values(), key=lambda r: int(r.id), reverse=True)
            data["replies"] = [self._json(r) for r in replies[: self.replies_page]]
            if len(replies) > self.replies_page:
                data["replies@odata.nextLink"] = self._link(
                    channel, f"messages/{m.id}/replies", {"$skiptoken": self.replies_page}
                )
        return data
