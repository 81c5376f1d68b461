"""Post drafts (the editor's) between one device's database and the workspace: what was
saved here since the last sync becomes a new version built on the versions this device
last saw (so an offline edit on each side leaves two heads, both kept), and what others
wrote comes back into the local draft. Two heads come back as both texts, one under the
other (``conflicts``), for the next person who opens the draft to pick or merge; saving
that builds on both heads and so settles it.

The link of each local draft to its shared post is kept in the replica's ``bridged``
table under ``post:<local draft id>``. The database and the replica are two files, so a
draft made here for a post is announced first (``post-new:<post id>``, with what it will
hold): a device killed between making it and linking it adopts it at the next sync
instead of making a second one.

A draft's pictures travel by hash: its text names them ``image_refs.shared_image_url``
in the document and each version lists them (``SharedPicture``); their bytes go as files
of their own (``picture_blobs``). Each device turns the hashes back into its own pictures
when a post arrives (``app.store.drafts.put_shared``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence

import msgspec

from app.domain import Draft, DraftImage
from app.text.image_refs import shared_image_url, with_image_urls
from app.workspace.conflicts import Head, both_texts
from app.workspace.model import PostContent, SharedPicture, SharedPost
from app.workspace.shared import SharedDoc

PREFIX = "post:"
MAKING = "post-new:"


class Link(msgspec.Struct, frozen=True):
    """A local draft's shared post, the heads it last agreed with and what it held then."""

    post_id: str
    heads: tuple[str, ...]
    digest: str


class Incoming(msgspec.Struct, frozen=True):
    """What to write into the local draft (None: make one) for a post others changed."""

    draft_id: int | None
    post: SharedPost
    content: PostContent


def content_of(draft: Draft, shown: Sequence[DraftImage] = ()) -> PostContent:
    """What the draft shares; ``shown``: the pictures its text shows, in order."""
    if not shown:
        return PostContent(draft.title, draft.body, draft.state, tuple(draft.targets))
    body = with_image_urls(draft.body, {i.id: shared_image_url(i.sha256) for i in shown})
    pictures = {
        i.sha256: SharedPicture(i.sha256, i.name, i.mime_type, i.width, i.height) for i in shown
    }
    return PostContent(
        draft.title, body, draft.state, tuple(draft.targets), tuple(pictures.values())
    )


def digest(content: PostContent) -> str:
    raw = json.dumps(msgspec.to_builtins(content), sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def links(bridged: Mapping[str, str]) -> dict[int, Link]:
    found = {}
    for key, value in bridged.items():
        if key.startswith(PREFIX):
            raw = json.loads(value)
            found[int(key[len(PREFIX) :])] = Link(raw["post"], tuple(raw["heads"]), raw["digest"])
    return found


def encoded(new: Mapping[int, Link]) -> dict[str, str]:
    return {
        f"{PREFIX}{draft_id}": json.dumps(
            {"post": link.post_id, "heads": list(link.heads), "digest": link.digest}
        )
        for draft_id, link in new.items()
    }


def making(post_id: str, content: PostContent) -> dict[str, str]:
    """The announcement written before a local draft is made for ``post_id``."""
    return {f"{MAKING}{post_id}": digest(content)}


def adopt(
    bridged: Mapping[str, str],
    known: Mapping[int, Link],
    drafts: list[Draft],
    shown: Mapping[int, Sequence[DraftImage]] | None = None,
) -> dict[int, Link]:
    """Links for drafts made for a post but not linked (the device stopped in between):
    an unlinked draft holding what was announced for a post no draft links to. Their
    heads are left empty, so the post's text comes back into them."""
    linked = {link.post_id for link in known.values()}
    announced = {
        value: key[len(MAKING) :]
        for key, value in bridged.items()
        if key.startswith(MAKING) and key[len(MAKING) :] not in linked
    }
    found = {}
    for draft in drafts:
        held = digest(content_of(draft, (shown or {}).get(draft.id, ())))
        post_id = announced.pop(held, None)
        if draft.id not in known and post_id is not None:
            found[draft.id] = Link(post_id, (), held)
    return found


def share_local(
    shared: SharedDoc,
    drafts: list[Draft],
    known: Mapping[int, Link],
    me: str,
    shown: Mapping[int, Sequence[DraftImage]] | None = None,
) -> dict[int, Link]:
    """Write what changed here since the last sync (``shown``: each draft's pictures, by
    draft id); returns the links that moved."""
    moved = {}
    for draft in drafts:
        content = content_of(draft, (shown or {}).get(draft.id, ()))
        link = known.get(draft.id)
        if link is None:
            version = shared.new_post(content, me)
        elif link.digest != digest(content):
            version = shared.add_post_version(link.post_id, content, link.heads, me)
        else:
            continue
        moved[draft.id] = Link(version.post_id, (version.id,), digest(content))
    return moved


def incoming(
    shared: SharedDoc, known: Mapping[int, Link], name: Callable[[str], str]
) -> list[Incoming]:
    """Posts whose heads moved since this device last saw them (or new to it)."""
    by_post = {link.post_id: draft_id for draft_id, link in known.items()}
    found = []
    for post in shared.posts():
        draft_id = by_post.get(post.id)
        heads = tuple(h.id for h in post.heads)
        if draft_id is not None and known[draft_id].heads == heads:
            continue
        found.append(Incoming(draft_id, post, _shown(post, name)))
    return found


def _shown(post: SharedPost, name: Callable[[str], str]) -> PostContent:
    newest = post.heads[-1].content
    if not post.in_conflict:
        return newest
    body = both_texts([Head(name(h.by), h.at, h.content.body) for h in post.heads])
    titles = {h.content.title for h in post.heads}
    title = newest.title if len(titles) == 1 else " / ".join(sorted(titles))
    pictures = {p.sha256: p for h in post.heads for p in h.content.pictures}
    return PostContent(title, body, newest.state, newest.targets, tuple(pictures.values()))
