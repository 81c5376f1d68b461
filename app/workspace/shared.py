"""The shared document's schema, and typed reads and writes of it.

One pycrdt ``Map`` per kind of thing, keyed by ids every device agrees on; values are
JSON-like records. The CRDT merges concurrent writes (the last writer of one key wins,
deterministically on every device); nothing here merges by hand. Reply texts are never
overwritten: every edit is a new version naming the versions it builds on, so two people
editing offline leave two heads, both kept, until someone picks or merges them. Saved
replies (snippets) have their own module, ``shared_snippets`` (``SharedDoc.snippets``).

Callers wrap writes in ``Replica.local_change()``; ``by`` is the writing device's id.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

import msgspec
import pycrdt
from msgspec.structs import replace

from app.domain import DraftState, TriageState, VipTier
from app.workspace import shared_snippets
from app.workspace.model import (
    Decision,
    DecisionKind,
    DirectSend,
    HandTier,
    Member,
    Note,
    PostContent,
    PostVersion,
    Reply,
    ReplyStatus,
    ReplyVersion,
    Role,
    SentRecord,
    SharedComment,
    SharedPicture,
    SharedPost,
    TriageChange,
    TriageEntry,
    VersionKind,
)
from app.workspace.stamps import new_id, stamp

ROOTS = (
    "members",
    "comments",
    "triage",
    "assignments",
    "notes",
    "replies",
    "versions",
    "decisions",
    "sent",
    "direct_send",
    "posts",
    "post_versions",
    "hand_tiers",
    shared_snippets.HEADERS,
    shared_snippets.VERSIONS,
)


class SharedDoc:
    def __init__(self, doc: pycrdt.Doc) -> None:
        self._maps = {name: doc.get(name, type=pycrdt.Map) for name in ROOTS}
        self.snippets = shared_snippets.SharedSnippets(
            self._maps[shared_snippets.HEADERS], self._maps[shared_snippets.VERSIONS]
        )

    def _map(self, name: str) -> pycrdt.Map[Any]:
        return self._maps[name]

    # --- members ------------------------------------------------------------------------

    def put_member(self, member: Member) -> None:
        self._map("members")[member.device_id] = {
            "name": member.name,
            "role": str(member.role),
            "public_key": member.public_key.hex(),
            "removed": member.removed,
        }

    def members(self) -> list[Member]:
        return [
            Member(d, v["name"], Role(v["role"]), bytes.fromhex(v["public_key"]), v["removed"])
            for d, v in sorted(self._map("members").items())
        ]

    def member_name(self, device_id: str) -> str:
        """A member's name as they gave it ("another device" for one not known here)."""
        record = self._map("members").get(device_id)
        return str(record["name"]) if record else "another device"

    def name_of(self, device_id: str) -> str:
        record = self._map("members").get(device_id)
        return f"{record['name']} ({record['role']})" if record else device_id

    # --- comments, triage, assignments, notes -------------------------------------------

    def put_comment(self, comment: SharedComment) -> bool:
        """Share a comment (or its newer version); False when it is already there."""
        known = self._map("comments").get(comment.key)
        if known is not None and int(known["version"]) >= comment.version:
            return False
        self._map("comments")[comment.key] = {
            "account_id": comment.account_id,
            "remote_id": comment.remote_id,
            "network": comment.network,
            "post_title": comment.post_title,
            "author": comment.author,
            "body": comment.body,
            "created_at": comment.created_at,
            "version": comment.version,
            "parent": comment.parent_key,
        }
        return True

    def comment_versions(self) -> dict[str, int]:
        return {k: int(v["version"]) for k, v in self._map("comments").items()}

    def comments(self) -> list[SharedComment]:
        """Every shared comment with its triage and assignment, oldest first."""
        triage = self._map("triage")
        assigned = self._map("assignments")
        rows = []
        for key, v in self._map("comments").items():
            entry = triage.get(key)
            to = assigned.get(key)
            rows.append(
                SharedComment(
                    key,
                    v["account_id"],
                    v["remote_id"],
                    v["network"],
                    v["post_title"],
                    v["author"],
                    v["body"],
                    v["created_at"],
                    int(v["version"]),
                    TriageState(entry["state"]) if entry else TriageState.OPEN,
                    entry.get("until") if entry else None,
                    Role(to["to"]) if to and to["to"] else None,
                    v.get("parent", ""),
                )
            )
        return sorted(rows, key=lambda c: (c.created_at, c.key))

    def triage_entry(self, key: str) -> TriageEntry | None:
        entry = self._map("triage").get(key)
        if entry is None:
            return None
        return TriageEntry(
            TriageState(entry["state"]), entry.get("until"), entry["by"], entry["at"]
        )

    def set_triage(
        self, keys: Iterable[str], state: TriageState, until: str | None, by: str
    ) -> TriageChange:
        at = stamp()
        entry = TriageEntry(state, until, by, at)
        written, before = [], []
        for key in keys:
            before.append((key, self.triage_entry(key)))
            self._write_triage(key, entry)
            written.append((key, entry))
        return TriageChange(tuple(written), tuple(before))

    def undo_triage(self, change: TriageChange) -> int:
        """Put back what one action replaced, only where nobody changed it since: undoing
        my action never reverts another person's. Returns how many were put back."""
        before = dict(change.before)
        restored = 0
        for key, written in change.written:
            if self.triage_entry(key) != written:
                continue
            previous = before[key]
            if previous is None:
                del self._map("triage")[key]
            else:
                self._write_triage(key, previous)
            restored += 1
        return restored

    def _write_triage(self, key: str, entry: TriageEntry) -> None:
        self._map("triage")[key] = {
            "state": str(entry.state),
            "until": entry.snoozed_until,
            "by": entry.by,
            "at": entry.at,
        }

    def assign(self, keys: Iterable[str], to: Role | None, by: str) -> None:
        for key in keys:
            self._map("assignments")[key] = {"to": str(to) if to else "", "by": by, "at": stamp()}

    def add_note(self, comment_key: str, text: str, by: str) -> Note:
        note = Note(new_id(), comment_key, text, by, stamp())
        self._map("notes")[note.id] = {
            "comment": comment_key,
            "text": text,
            "by": by,
            "at": note.at,
        }
        return note

    def notes(self, comment_key: str) -> list[Note]:
        found = [
            Note(i, v["comment"], v["text"], v["by"], v["at"])
            for i, v in self._map("notes").items()
            if v["comment"] == comment_key
        ]
        return sorted(found, key=lambda n: (n.at, n.id))

    # --- VIP tiers set by hand ------------------------------------------------------------

    def set_hand_tier(self, tier: HandTier, by: str) -> None:
        """One tier set by hand per person: of two set at once, the same one wins on every
        device (a choice: no text to keep)."""
        self._map("hand_tiers")[tier.key] = {
            "network": tier.network,
            "server": tier.server,
            "remote_id": tier.remote_id,
            "tier": int(tier.tier),
            "by": by,
            "at": stamp(),
        }

    def hand_tiers(self) -> dict[str, HandTier]:
        found = (
            HandTier(v["network"], v["server"], v["remote_id"], VipTier(int(v["tier"])))
            for v in self._map("hand_tiers").values()
        )
        return {t.key: t for t in found}

    # --- replies ------------------------------------------------------------------------

    def new_reply(
        self, comment_key: str, text: str, by: str, kind: VersionKind, sender: str = ""
    ) -> str:
        """A new reply; ``sender`` is the device that sends it without approval, if any."""
        reply_id = new_id()
        self._map("replies")[reply_id] = {
            "comment": comment_key,
            "by": by,
            "at": stamp(),
            "sender": sender,
        }
        self.add_version(reply_id, text, (), by, kind)
        return reply_id

    def send_as(self, reply_id: str, sender: str) -> None:
        """From now on ``sender``'s device sends this reply without approval."""
        header = dict(self._map("replies")[reply_id])
        self._map("replies")[reply_id] = {**header, "sender": sender}

    def add_version(
        self, reply_id: str, text: str, bases: tuple[str, ...], by: str, kind: VersionKind
    ) -> ReplyVersion:
        version = ReplyVersion(new_id(), reply_id, text, bases, by, stamp(), kind)
        self._map("versions")[version.id] = {
            "reply": reply_id,
            "text": text,
            "bases": list(bases),
            "by": by,
            "at": version.at,
            "kind": str(kind),
        }
        return version

    def decide(
        self, reply_id: str, kind: DecisionKind, version_id: str, note: str, by: str
    ) -> Decision:
        decision = Decision(new_id(), reply_id, kind, version_id, note, by, stamp())
        self._map("decisions")[decision.id] = {
            "reply": reply_id,
            "kind": str(kind),
            "version": version_id,
            "note": note,
            "by": by,
            "at": decision.at,
        }
        return decision

    def set_direct_send(self, network: str, allowed: bool, by: str) -> DirectSend:
        rule = DirectSend(network, allowed, by, stamp())
        self._map("direct_send")[network] = {"allowed": allowed, "by": by, "at": rule.at}
        return rule

    def direct_send(self) -> list[DirectSend]:
        return [
            DirectSend(n, bool(v["allowed"]), v["by"], v["at"])
            for n, v in sorted(self._map("direct_send").items())
        ]

    def direct_networks(self) -> set[str]:
        """The networks where delegates may send without approval."""
        return {rule.network for rule in self.direct_send() if rule.allowed}

    def record_sent(self, record: SentRecord) -> bool:
        known = self._map("sent").get(record.reply_id)
        value = {"state": record.state, "remote_id": record.remote_id, "at": record.at}
        if known == value:
            return False
        self._map("sent")[record.reply_id] = value
        return True

    def replies(self) -> list[Reply]:
        versions: dict[str, list[ReplyVersion]] = defaultdict(list)
        for i, v in self._map("versions").items():
            versions[v["reply"]].append(
                ReplyVersion(
                    i,
                    v["reply"],
                    v["text"],
                    tuple(v["bases"]),
                    v["by"],
                    v["at"],
                    VersionKind(v["kind"]),
                )
            )
        decisions: dict[str, list[Decision]] = defaultdict(list)
        for i, v in self._map("decisions").items():
            decisions[v["reply"]].append(
                Decision(
                    i,
                    v["reply"],
                    DecisionKind(v["kind"]),
                    v["version"],
                    v["note"],
                    v["by"],
                    v["at"],
                )
            )
        sent = self._map("sent")
        return [
            _reply(rid, v, versions[rid], decisions[rid], sent.get(rid))
            for rid, v in sorted(self._map("replies").items(), key=lambda kv: (kv[1]["at"], kv[0]))
        ]

    def reply(self, reply_id: str) -> Reply | None:
        return next((r for r in self.replies() if r.id == reply_id), None)

    # --- post drafts (the editor's) --------------------------------------------------------

    def new_post(self, content: PostContent, by: str) -> PostVersion:
        post_id = new_id()
        self._map("posts")[post_id] = {"by": by, "at": stamp()}
        return self.add_post_version(post_id, content, (), by)

    def add_post_version(
        self, post_id: str, content: PostContent, bases: tuple[str, ...], by: str
    ) -> PostVersion:
        version = PostVersion(new_id(), post_id, content, bases, by, stamp())
        self._map("post_versions")[version.id] = {
            "post": post_id,
            "title": content.title,
            "body": content.body,
            "state": str(content.state),
            "targets": list(content.targets),
            "pictures": [msgspec.to_builtins(p) for p in content.pictures],
            "bases": list(bases),
            "by": by,
            "at": version.at,
        }
        return version

    def posts(self) -> list[SharedPost]:
        versions: dict[str, list[PostVersion]] = defaultdict(list)
        for i, v in self._map("post_versions").items():
            content = PostContent(
                v["title"],
                v["body"],
                DraftState(v["state"]),
                tuple(v["targets"]),
                _pictures(v.get("pictures", ())),
            )
            versions[v["post"]].append(
                PostVersion(i, v["post"], content, tuple(v["bases"]), v["by"], v["at"])
            )
        found = []
        for post_id, header in sorted(self._map("posts").items()):
            mine = sorted(versions[post_id], key=_sort_key)
            found.append(SharedPost(post_id, header["by"], tuple(mine), heads_of(mine)))
        return found

    def digest(self) -> str:
        """A hash of everything shared: equal on two devices exactly when they converged."""
        state = {name: self._map(name).to_py() or {} for name in ROOTS}
        return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def _pictures(stored: list[dict[str, Any]]) -> tuple[SharedPicture, ...]:
    """A version's pictures as stored (Yjs keeps every number as a float)."""
    return tuple(msgspec.convert(p, SharedPicture, strict=False) for p in stored)


def _sort_key(item: ReplyVersion | Decision | PostVersion) -> tuple[str, str]:
    return (item.at, item.id)


class _Versioned(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def bases(self) -> tuple[str, ...]: ...


V = TypeVar("V", bound=_Versioned)


def heads_of(versions: list[V]) -> tuple[V, ...]:
    """The versions no later version builds on (in the given order)."""
    built_on = {base for v in versions for base in v.bases}
    return tuple(v for v in versions if v.id not in built_on)


def _reply(
    reply_id: str,
    header: dict[str, Any],
    versions: list[ReplyVersion],
    decisions: list[Decision],
    sent: dict[str, Any] | None,
) -> Reply:
    versions.sort(key=_sort_key)
    decisions.sort(key=_sort_key)
    heads = heads_of(versions)
    record = SentRecord(reply_id, sent["state"], sent["remote_id"], sent["at"]) if sent else None
    reply = Reply(
        reply_id,
        header["comment"],
        header["by"],
        header["at"],
        ReplyStatus.DRAFT,
        tuple(versions),
        heads,
        tuple(decisions),
        record,
        header.get("sender", ""),
    )
    return _with_status(reply)


def _with_status(reply: Reply) -> Reply:
    if reply.sent is not None and reply.sent.state == "sent":
        status = ReplyStatus.SENT
    elif reply.sender:
        status = ReplyStatus.QUEUED_BY_DRAFTER
    elif reply.approval is not None:
        status = ReplyStatus.APPROVED
    else:
        last = reply.versions[-1] if reply.versions else None
        back = reply.last_send_back
        if back is not None and (last is None or back.at >= last.at):
            status = ReplyStatus.SENT_BACK
        elif any(head.kind is VersionKind.SUBMITTED for head in reply.heads):
            status = ReplyStatus.FOR_APPROVAL
        else:
            status = ReplyStatus.DRAFT
    return replace(reply, status=status)
