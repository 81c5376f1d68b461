"""Saved replies (snippets) in the shared document: typed reads and writes of two maps,
``snippets`` (one header per snippet, keyed by the id every device knows it by) and
``snippet_versions`` (every name-and-text a device saved, or a delete, naming the versions
it builds on). Nothing is overwritten, so two devices changing one snippet offline leave
two heads, both kept.

``settle`` turns such heads back into one, the same way on every device (its ids and
values are derived from the heads, so two devices settling at once write the same thing):
an edit outlives a delete; a rename on one side and a new text on the other both land;
two different texts keep the newer one under the snippet's name and the older one as a
snippet of its own, "Name (from Sam)", so no word is lost and each stays ready to insert
(one text holding both, as reply conflicts show, would go out to people as it is). Twins,
snippets of the same name and text that two devices each kept (before joining), become
one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pycrdt

from app.domain.library import SNIPPET_NAME_CHARS, SnippetContent
from app.workspace.model import SharedSnippet, SnippetVersion
from app.workspace.stamps import derived_id, new_id, stamp

HEADERS = "snippets"
VERSIONS = "snippet_versions"


class SharedSnippets:
    def __init__(self, headers: pycrdt.Map[Any], versions: pycrdt.Map[Any]) -> None:
        self._headers = headers
        self._versions = versions

    def new(self, snippet_id: str, content: SnippetContent, by: str) -> SnippetVersion:
        """Share a snippet under the id it has on this device."""
        version = self.add_version(snippet_id, content, (), by)
        self._headers[snippet_id] = {"by": by, "at": version.at}
        return version

    def add_version(
        self,
        snippet_id: str,
        content: SnippetContent | None,
        bases: tuple[str, ...],
        by: str,
        *,
        at: str = "",
        version_id: str = "",
    ) -> SnippetVersion:
        """A new name and text (``content`` None: a delete) built on ``bases``; ``at`` and
        ``version_id`` are now and a new id unless given (``settle`` derives them)."""
        version = SnippetVersion(
            version_id or new_id(), snippet_id, content, bases, by, at or stamp()
        )
        self._versions[version.id] = {
            "snippet": snippet_id,
            "name": content.name if content else "",
            "body": content.body if content else "",
            "deleted": content is None,
            "bases": list(bases),
            "by": by,
            "at": version.at,
        }
        return version

    def all(self) -> list[SharedSnippet]:
        """Every snippet ever shared (deleted ones too: ``content`` None), by id."""
        versions: dict[str, list[SnippetVersion]] = defaultdict(list)
        for version_id, v in self._versions.items():
            content = None if v["deleted"] else SnippetContent(v["name"], v["body"])
            versions[v["snippet"]].append(
                SnippetVersion(
                    version_id, v["snippet"], content, tuple(v["bases"]), v["by"], v["at"]
                )
            )
        found = []
        for snippet_id, header in sorted(self._headers.items()):
            mine = sorted(versions[snippet_id], key=lambda v: (v.at, v.id))
            if not mine:  # its first version has not arrived yet
                continue
            built_on = {base for v in mine for base in v.bases}
            heads = tuple(v for v in mine if v.id not in built_on)
            found.append(SharedSnippet(snippet_id, header["by"], tuple(mine), heads))
        return found

    def get(self, snippet_id: str) -> SharedSnippet | None:
        return next((s for s in self.all() if s.id == snippet_id), None)

    def settle(self, member_name: Callable[[str], str]) -> int:
        """One head again for every snippet changed on two devices, and one snippet for
        twins (see the module doc); returns how many were settled."""
        settled = 0
        for snippet in self.all():
            if len(snippet.heads) > 1:
                self._settle(snippet, member_name)
                settled += 1
        return settled + self._drop_twins()

    def _drop_twins(self) -> int:
        """Two devices that each kept a snippet of the same name and text (before they
        shared, or written twice) keep one: the one with the smallest id."""
        twins: dict[SnippetContent, list[SharedSnippet]] = defaultdict(list)
        for snippet in self.all():
            if snippet.content is not None:
                twins[snippet.content].append(snippet)
        dropped = 0
        for same in twins.values():
            if len({s.created_by for s in same}) < 2:
                continue
            for twin in same[1:]:  # ``all`` is in id order
                head_ids = tuple(sorted(h.id for h in twin.heads))
                self.add_version(
                    twin.id,
                    None,
                    head_ids,
                    twin.heads[-1].by,
                    at=twin.heads[-1].at,
                    version_id=derived_id("twin", twin.id, *head_ids),
                )
                dropped += 1
        return dropped

    def _settle(self, snippet: SharedSnippet, member_name: Callable[[str], str]) -> None:
        by_id = {v.id: v for v in snippet.versions}
        kept = [h for h in snippet.heads if h.content is not None]
        newest = kept[-1] if kept else snippet.heads[-1]
        content = newest.content
        for older in kept[:-1]:
            assert content is not None and older.content is not None
            merged = _merged(_common_base(by_id, newest, older), content, older.content)
            if merged is not None:
                content = merged
            else:
                self._fork(older, older.content, member_name)
        head_ids = tuple(sorted(h.id for h in snippet.heads))
        self.add_version(
            snippet.id,
            content,
            head_ids,
            newest.by,
            at=max(h.at for h in snippet.heads),
            version_id=derived_id("settled", snippet.id, *head_ids),
        )

    def _fork(
        self, version: SnippetVersion, content: SnippetContent, member_name: Callable[[str], str]
    ) -> None:
        """The older of two texts, kept as a snippet of its own named for its writer."""
        fork_id = derived_id("fork", version.id)
        name = _fork_name(content.name, member_name(version.by))
        self._headers[fork_id] = {"by": version.by, "at": version.at}
        self.add_version(
            fork_id,
            SnippetContent(name, content.body),
            (),
            version.by,
            at=version.at,
            version_id=derived_id("fork-version", version.id),
        )


def _fork_name(name: str, writer: str) -> str:
    """ "Name (from Sam)", the name shortened to keep within the names people can save."""
    suffix = f" (from {writer})"
    room = SNIPPET_NAME_CHARS - len(suffix)
    return (name if len(name) <= room else f"{name[: max(room - 1, 1)]}…") + suffix


def _common_base(
    by_id: dict[str, SnippetVersion], one: SnippetVersion, other: SnippetVersion
) -> SnippetContent | None:
    """What both heads were written over, when they build on the same one version."""
    common = set(one.bases) & set(other.bases)
    if len(common) != 1:
        return None
    base = by_id.get(common.pop())
    return base.content if base is not None else None


def _merged(
    base: SnippetContent | None, newer: SnippetContent, older: SnippetContent
) -> SnippetContent | None:
    """Both changes when they touch different fields (or agree); None when they clash."""
    if newer == older:
        return newer
    if base is None:
        return None
    name = _field(base.name, newer.name, older.name)
    body = _field(base.body, newer.body, older.body)
    return SnippetContent(name, body) if name is not None and body is not None else None


def _field(base: str, newer: str, older: str) -> str | None:
    if older in (newer, base):
        return newer
    if newer == base:
        return older
    return None
