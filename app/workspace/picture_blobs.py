"""The pictures of shared post drafts on the shared store: one sealed file per picture,
apart from the document (a 10 MB picture would bloat every replica's CRDT history), which
names each picture by the sha256 of its bytes.

A picture's file is ``p-e<epoch>-<device>-<tag>.fws``: written by the device named, once,
sealed like every other workspace file under the key of its epoch with its name bound in.
The tag is the picture's sha256 keyed with that key (HMAC): content-addressed for the
members, while whoever hosts the folder cannot tell which picture a file holds (a plain
hash would let them check for one they know). After a key rotation the devices holding a
picture write it again under the new epoch, so a member who joined with the new key can
open it. Any device's file of a picture will do; a file is taken only when it opens with
this device's keys and its bytes hash to the picture's sha256, so a damaged, half-synced
or forged file is never taken for the picture (the picture stays "still coming").

Files no draft shows any more stay on the store: another device's draft, or a version
in a draft's history, may still show the picture, and no device deletes a file.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Iterable, Mapping

from app.pictures import MAX_IMAGE_BYTES
from app.workspace import sealing
from app.workspace.errors import WorkspaceKeyError
from app.workspace.transport import SharedStore

log = logging.getLogger(__name__)

PICTURE_FILE = re.compile(
    r"^p-e(?P<epoch>\d{4})-(?P<device>[0-9a-f]{8,32})-(?P<tag>[0-9a-f]{64})\.fws$"
)
#: A sealed picture is its bytes and the seal's header and tag; anything larger is refused
#: unread.
MAX_FILE_BYTES = MAX_IMAGE_BYTES + 64


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_tag(key: bytes, sha256: str) -> str:
    """The name a picture's files go by under one epoch's key."""
    return hmac.new(key, b"fireside-picture:" + sha256.encode(), hashlib.sha256).hexdigest()


def file_name(epoch: int, device_id: str, key: bytes, sha256: str) -> str:
    return f"p-e{epoch:04d}-{device_id}-{file_tag(key, sha256)}.fws"


def seal_picture(key: bytes, epoch: int, workspace_id: str, name: str, data: bytes) -> bytes:
    return sealing.seal(key, epoch, f"{workspace_id}/{name}", data)


def open_picture(
    keys: Mapping[int, bytes], workspace_id: str, name: str, sealed: bytes, sha256: str
) -> bytes:
    """The picture ``sha256`` names, from one of its files, or a WorkspaceError saying why
    it cannot be taken (still arriving, no key for it, damaged or changed, or bytes that
    are not that picture)."""
    data = sealing.open_sealed(keys, f"{workspace_id}/{name}", sealed)
    if sha256_of(data) != sha256:
        raise sealing.Unreadable(
            f"{name} opened but does not hold the picture it is named after (its bytes "
            "hash otherwise)"
        )
    return data


class PictureShelf:
    """One device's view of the picture files on a shared store, listed once."""

    def __init__(
        self,
        store: SharedStore,
        workspace_id: str,
        device_id: str,
        keys: Mapping[int, bytes],
        epoch: int,
    ) -> None:
        self._store = store
        self._workspace_id = workspace_id
        self._device_id = device_id
        self._keys = keys
        self._epoch = epoch
        #: (epoch, tag) -> [(file name, size)]
        self._files: dict[tuple[int, str], list[tuple[str, int]]] = {}
        for name, size in store.list_files().items():
            if found := PICTURE_FILE.match(name):
                key = (int(found["epoch"]), found["tag"])
                self._files.setdefault(key, []).append((name, size))

    def unshelved(self, hashes: Iterable[str]) -> list[str]:
        """The pictures no device has written a file of under the current key yet."""
        key = self._keys[self._epoch]
        return [
            sha256
            for sha256 in dict.fromkeys(hashes)
            if (self._epoch, file_tag(key, sha256)) not in self._files
        ]

    def put(self, data: bytes) -> str:
        """Write this device's file of a picture (under the current key); its name."""
        key, sha256 = self._keys[self._epoch], sha256_of(data)
        name = file_name(self._epoch, self._device_id, key, sha256)
        sealed = seal_picture(key, self._epoch, self._workspace_id, name, data)
        self._store.write(name, sealed, once=True)
        self._files.setdefault((self._epoch, file_tag(key, sha256)), []).append((name, len(sealed)))
        return name

    def take(self, sha256: str) -> bytes | None:
        """The picture's bytes from the first file of it that opens and matches its hash
        (newest key first); None while no such file is there."""
        for epoch, key in sorted(self._keys.items(), reverse=True):
            for name, size in self._files.get((epoch, file_tag(key, sha256)), ()):
                if size > MAX_FILE_BYTES:
                    log.warning("picture file %s skipped: %d bytes is too large", name, size)
                    continue
                sealed = self._store.read(name)
                if sealed is None:
                    continue
                try:
                    return open_picture(self._keys, self._workspace_id, name, sealed, sha256)
                except sealing.Incomplete:
                    continue  # still arriving: a later sync reads it whole
                except (sealing.Unreadable, WorkspaceKeyError) as exc:
                    log.warning("picture file %s refused: %s", name, exc)
        return None
