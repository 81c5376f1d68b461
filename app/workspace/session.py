"""A device's live workspace: its membership, keys, replica and shared store, and the
three things done with them: create or join, sync (keys, pull, push), and remove a
delegate (rotate the key). Blocking calls: ``app.core.workspace`` runs them on one worker
thread, the CLI directly.

Key epochs: the principal writes ``check-e<epoch>.fws`` (the workspace id sealed under
the epoch's key) once per epoch, so a device whose key is wrong learns it before reading
anything. Removing a delegate starts a new epoch: a new secret, sealed for each remaining
device in ``key-e<epoch>-<device>.fws`` (``envelopes``), and the whole document written
again under the new key. The removed device finds no envelope for itself: it reads
nothing written after its removal, and says why.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import msgspec

from app.workspace import envelopes, pairing, sealing
from app.workspace import settings as membership_store
from app.workspace.errors import SharedStoreError, WorkspaceError, WorkspaceKeyError
from app.workspace.model import Member, Role, Transport
from app.workspace.picture_blobs import PictureShelf
from app.workspace.replica import PullReport, Replica
from app.workspace.settings import Membership
from app.workspace.shared import SharedDoc
from app.workspace.transport import FolderStore, SharedStore, WebDavStore

log = logging.getLogger(__name__)

_CHECK = re.compile(r"^check-e(\d{4})\.fws$")
ClientFactory = Callable[[str, str], httpx.Client]


class SyncReport(msgspec.Struct, frozen=True):
    pulled: PullReport
    pushed_files: int
    #: Set when this device cannot read what is new (removed, or its key is wrong).
    problem: str = ""


def check_name(epoch: int) -> str:
    return f"check-e{epoch:04d}.fws"


def envelope_name(epoch: int, device_id: str) -> str:
    return f"key-e{epoch:04d}-{device_id}.fws"


def default_client(user: str, password: str) -> httpx.Client:
    auth = httpx.BasicAuth(user, password) if user else None
    return httpx.Client(auth=auth, timeout=httpx.Timeout(30.0, connect=10.0))


def open_store(membership: Membership, password: str, client: ClientFactory) -> SharedStore:
    if membership.transport is Transport.WEBDAV:
        return WebDavStore(membership.location, client(membership.webdav_user, password))
    return FolderStore(Path(membership.location))


class Session:
    def __init__(
        self, data_dir: Path, membership: Membership, store: SharedStore, keys: dict[int, bytes]
    ) -> None:
        self.data_dir = data_dir
        self.membership = membership
        self.store = store
        self.keys = keys
        self.replica = Replica(
            membership_store.folder(data_dir), membership.workspace_id, membership.device_id
        )
        self.shared = SharedDoc(self.replica.doc)

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, client: ClientFactory = default_client) -> Session:
        membership = membership_store.load(data_dir)
        password = membership_store.webdav_password(membership)
        keys = {}
        for epoch in range(1, membership.epoch + 1):
            secret = membership_store.epoch_secret(membership, epoch)
            if secret is not None:
                keys[epoch] = sealing.derive_key(secret, membership.workspace_id)
        return cls(data_dir, membership, open_store(membership, password, client), keys)

    @classmethod
    def create(
        cls,
        data_dir: Path,
        membership: Membership,
        password: str = "",
        client: ClientFactory = default_client,
    ) -> Session:
        """Start a workspace as its principal at ``membership.location``."""
        store = open_store(membership, password, client)
        if any(_CHECK.match(name) for name in store.list_files()):
            raise WorkspaceError(
                f"{store.describe()} already holds a workspace; choose an empty folder, or "
                "join that workspace with its pairing code."
            )
        secret = secrets.token_bytes(pairing.SECRET_BYTES)
        key = sealing.derive_key(secret, membership.workspace_id)
        _write_check(store, membership.workspace_id, membership.epoch, key)
        return cls._enrol(
            data_dir=data_dir,
            membership=membership,
            store=store,
            keys={membership.epoch: key},
            secret=secret,
            password=password,
        )

    @classmethod
    def join(
        cls,
        data_dir: Path,
        membership: Membership,
        code: pairing.PairingCode,
        password: str = "",
        client: ClientFactory = default_client,
    ) -> Session:
        """Join as a delegate; nothing is saved unless the code opens the workspace."""
        store = open_store(membership, password, client)
        key = sealing.derive_key(code.secret, code.workspace_id)
        _verify_check(store, code.workspace_id, code.epoch, key)
        return cls._enrol(
            data_dir=data_dir,
            membership=membership,
            store=store,
            keys={code.epoch: key},
            secret=code.secret,
            password=password,
        )

    @classmethod
    def _enrol(
        cls,
        *,
        data_dir: Path,
        membership: Membership,
        store: SharedStore,
        keys: dict[int, bytes],
        secret: bytes,
        password: str,
    ) -> Session:
        private, public = envelopes.new_device_key()
        membership_store.save_device_key(membership, private)
        membership_store.save_epoch_secret(membership, membership.epoch, secret)
        if password:
            membership_store.save_webdav_password(membership, password)
        membership_store.save(data_dir, membership)
        session = cls(data_dir, membership, store, keys)
        with session.change():
            session.shared.put_member(
                Member(membership.device_id, membership.device_name, membership.role, public)
            )
        try:
            session.sync()
        except SharedStoreError as exc:  # set up all the same: the next sync shares it
            log.warning("first workspace sync failed: %s", exc)
        return session

    # --- working ------------------------------------------------------------------------

    @contextmanager
    def change(self) -> Iterator[SharedDoc]:
        """One local change to the shared document, saved on exit."""
        with self.replica.local_change():
            yield self.shared

    @property
    def epoch_key(self) -> bytes:
        return self.keys[self.membership.epoch]

    def pairing_code(self) -> pairing.PairingCode:
        """The code a new delegate joins with (principal only)."""
        self._require_principal("show the pairing code")
        m = self.membership
        secret = membership_store.epoch_secret(m, m.epoch)
        if secret is None:
            raise WorkspaceError("The workspace secret is missing from the OS keyring.")
        location = m.location if m.transport is Transport.WEBDAV else ""
        return pairing.PairingCode(m.workspace_id, m.epoch, secret, location)

    def sync(self, put_pictures: Callable[[PictureShelf], object] | None = None) -> SyncReport:
        """Take any newer key meant for this device, apply what others wrote, then write
        what this device changed: its pictures first (``put_pictures``), so a draft that
        shows one seldom arrives before it. A device that cannot read what is new writes
        nothing."""
        problem = self._catch_up_keys()
        pulled = self.replica.pull(self.store, self.keys)
        problem = problem or pulled.key_problem
        if problem:
            return SyncReport(pulled, 0, problem)
        if put_pictures is not None:
            put_pictures(self.shelf())
        return SyncReport(
            pulled, self.replica.push(self.store, self.membership.epoch, self.epoch_key)
        )

    def shelf(self) -> PictureShelf:
        """The pictures' files on the shared store, as listed now."""
        m = self.membership
        return PictureShelf(self.store, m.workspace_id, m.device_id, self.keys, m.epoch)

    def _catch_up_keys(self) -> str:
        epochs = (_CHECK.match(name) for name in self.store.list_files())
        newest = max((int(found[1]) for found in epochs if found), default=0)
        m = self.membership
        while m.epoch < newest:
            envelope = self.store.read(envelope_name(m.epoch + 1, m.device_id))
            if envelope is None:
                return (
                    "This device was removed from the workspace: it reads nothing written "
                    "since. Ask the principal for a new pairing code to join again."
                )
            context = f"{m.workspace_id}/{envelope_name(m.epoch + 1, m.device_id)}"
            secret = envelopes.unwrap(membership_store.device_key(m), envelope, context)
            key = sealing.derive_key(secret, m.workspace_id)
            _verify_check(self.store, m.workspace_id, m.epoch + 1, key)
            membership_store.save_epoch_secret(m, m.epoch + 1, secret)
            m = m.with_epoch(m.epoch + 1)
            self.keys[m.epoch] = key
            membership_store.save(self.data_dir, m)
            self.membership = m
        return ""

    def remove_member(self, device_id: str) -> pairing.PairingCode:
        """Remove a delegate and rotate the key; returns the new epoch's pairing code."""
        self._require_principal("remove a delegate")
        members = {m.device_id: m for m in self.shared.members()}
        if device_id not in members or members[device_id].role is Role.PRINCIPAL:
            raise WorkspaceError(f"There is no delegate {device_id!r} in this workspace.")
        with self.change() as shared:
            gone = members[device_id]
            shared.put_member(Member(gone.device_id, gone.name, gone.role, gone.public_key, True))
        m = self.membership
        epoch = m.epoch + 1
        secret = secrets.token_bytes(pairing.SECRET_BYTES)
        key = sealing.derive_key(secret, m.workspace_id)
        for member in self.shared.members():
            if not member.removed and member.device_id != m.device_id:
                name = envelope_name(epoch, member.device_id)
                sealed = envelopes.wrap(member.public_key, secret, f"{m.workspace_id}/{name}")
                self.store.write(name, sealed, once=True)
        membership_store.save_epoch_secret(m, epoch, secret)
        self.keys[epoch] = key
        self.membership = m.with_epoch(epoch)
        membership_store.save(self.data_dir, self.membership)
        self.replica.write_full_state(self.store, epoch, key)
        _write_check(self.store, m.workspace_id, epoch, key)
        return self.pairing_code()

    def _require_principal(self, what: str) -> None:
        if self.membership.role is not Role.PRINCIPAL:
            raise WorkspaceError(f"Only the principal can {what}.")

    def close(self) -> None:
        self.replica.close()
        self.store.close()


def _write_check(store: SharedStore, workspace_id: str, epoch: int, key: bytes) -> None:
    name = check_name(epoch)
    store.write(
        name, sealing.seal(key, epoch, f"{workspace_id}/{name}", workspace_id.encode()), once=True
    )


def _verify_check(store: SharedStore, workspace_id: str, epoch: int, key: bytes) -> None:
    name = check_name(epoch)
    blob = store.read(name)
    if blob is None:
        raise WorkspaceError(
            f"No workspace for this pairing code was found at {store.describe()}: check the "
            "shared folder or WebDAV address (the principal's sync client may not have "
            "delivered it yet)."
        )
    try:
        opened = sealing.open_sealed({epoch: key}, f"{workspace_id}/{name}", blob)
    except sealing.Incomplete:
        raise WorkspaceError(
            "The workspace is still arriving in the shared folder; try again."
        ) from None
    if opened != workspace_id.encode():
        raise WorkspaceKeyError("The pairing code does not open this workspace.")
