"""Saved replies (snippets) between one device's database and the workspace. A snippet
has the same id (``uid``) in every device's database and in the shared document, so
each sync compares three things per snippet: what it holds here, what the document holds,
and what the two last agreed on (a ``Link``, kept in the replica's ``bridged`` table under
``snippet:<uid>``: the document's heads then and a digest of the name and text here).

- Saved or deleted here since: a new version (or a delete) built on the heads last seen,
  so a change made on the other device meanwhile leaves two heads for
  ``SharedSnippets.settle``.
- Changed in the document since, and not here: written into this device's database.
- Never shared (kept before joining): shared once; one holding the same name and text as
  a snippet already shared (the other device kept it too) becomes that one, not a second.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping

import msgspec

from app.domain.library import Snippet, SnippetContent
from app.workspace.model import SharedSnippet
from app.workspace.shared_snippets import SharedSnippets

PREFIX = "snippet:"
#: A link's digest when the snippet was deleted on this device (or arrived deleted).
DELETED = ""


class Link(msgspec.Struct, frozen=True):
    heads: tuple[str, ...]
    digest: str


class Incoming(msgspec.Struct, frozen=True):
    """A snippet others changed: its name and text now (None: deleted) and its heads."""

    uid: str
    content: SnippetContent | None
    heads: tuple[str, ...]


def content_of(snippet: Snippet) -> SnippetContent:
    return SnippetContent(snippet.name, snippet.body)


def digest(content: SnippetContent | None) -> str:
    if content is None:
        return DELETED
    raw = json.dumps([content.name, content.body])
    return hashlib.sha256(raw.encode()).hexdigest()


def links(bridged: Mapping[str, str]) -> dict[str, Link]:
    found = {}
    for key, value in bridged.items():
        if key.startswith(PREFIX):
            raw = json.loads(value)
            found[key[len(PREFIX) :]] = Link(tuple(raw["heads"]), raw["digest"])
    return found


def encoded(moved: Mapping[str, Link]) -> dict[str, str]:
    return {
        f"{PREFIX}{uid}": json.dumps({"heads": list(link.heads), "digest": link.digest})
        for uid, link in moved.items()
    }


def same_as_shared(
    shared: SharedSnippets, local: Iterable[Snippet], known: Mapping[str, Link]
) -> dict[str, str]:
    """Snippets kept here before joining that the workspace holds already, under another
    id, with the same name and text: this device's uid -> the shared one's."""
    everything = shared.all()
    shared_ids = {s.id for s in everything}
    here = {s.uid for s in local}
    waiting: dict[SnippetContent, list[str]] = {}
    for there in everything:
        if there.content is not None and there.id not in here | set(known):
            waiting.setdefault(there.content, []).append(there.id)
    found = {}
    for snippet in local:
        if snippet.uid in known or snippet.uid in shared_ids:
            continue
        same = waiting.get(content_of(snippet))
        if same:
            found[snippet.uid] = same.pop(0)
    return found


def share_local(
    shared: SharedSnippets, local: list[Snippet], known: Mapping[str, Link], me: str
) -> dict[str, Link]:
    """Write what was saved or deleted here since the last sync; returns the links that
    moved."""
    moved = {}
    for snippet in local:
        content = content_of(snippet)
        link = known.get(snippet.uid)
        if link is None:
            there = shared.get(snippet.uid)
            if there is None:
                version = shared.new(snippet.uid, content, me)
            elif there.content == content:  # shared already (a sync stopped half way)
                moved[snippet.uid] = Link(_ids(there), digest(content))
                continue
            else:  # the shared one's history is unknown here: a head of its own
                version = shared.add_version(snippet.uid, content, (), me)
        elif link.digest != digest(content):
            version = shared.add_version(snippet.uid, content, link.heads, me)
        else:
            continue
        moved[snippet.uid] = Link((version.id,), digest(content))
    present = {s.uid for s in local}
    for uid, link in known.items():
        if uid not in present and link.digest != DELETED:
            version = shared.add_version(uid, None, link.heads, me)
            moved[uid] = Link((version.id,), DELETED)
    return moved


def incoming(shared: SharedSnippets, known: Mapping[str, Link]) -> list[Incoming]:
    """Snippets whose heads moved since this device last agreed with them (or new here)."""
    found = []
    for snippet in shared.all():
        link = known.get(snippet.id)
        if link is None or link.heads != _ids(snippet):
            found.append(Incoming(snippet.id, snippet.content, _ids(snippet)))
    return found


def _ids(snippet: SharedSnippet) -> tuple[str, ...]:
    return tuple(h.id for h in snippet.heads)
