"""The workspace core without processes: pairing codes, sealed files, a replica that
applies files arriving out of order or half written, offline edits that conflict, and
an undo that never reverts another person's triage."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain import TriageState
from app.workspace import pairing, sealing
from app.workspace.errors import WorkspaceError, WorkspaceKeyError
from app.workspace.model import ReplyStatus, SharedComment, VersionKind
from app.workspace.replica import Replica
from app.workspace.shared import SharedDoc
from app.workspace.transport import FolderStore

KEY = bytes(32)


def test_pairing_code_round_trips_and_catches_a_typo() -> None:
    code = pairing.PairingCode.new("0a1b2c3d", 3, "https://dav.example/ws")
    assert pairing.parse(code.uri()) == code
    spoken = code.text().lower().replace("-", " ")
    assert pairing.parse(spoken).secret == code.secret
    typo = code.text()[:-1] + ("A" if code.text()[-1] != "A" else "B")
    with pytest.raises(WorkspaceError, match="typo"):
        pairing.parse(typo)
    assert b"<svg" in code.qr_svg()


def test_sealed_file_needs_its_key_and_its_name() -> None:
    blob = sealing.seal(KEY, 1, "ws/u-1", b"secret words")
    assert b"secret" not in blob
    assert sealing.open_sealed({1: KEY}, "ws/u-1", blob) == b"secret words"
    with pytest.raises(WorkspaceKeyError):
        sealing.open_sealed({1: b"\x01" * 32}, "ws/u-1", blob)
    with pytest.raises(WorkspaceKeyError):
        sealing.open_sealed({1: KEY}, "ws/u-2", blob)  # moved to another name
    with pytest.raises(WorkspaceKeyError, match="removed"):
        sealing.open_sealed({2: KEY}, "ws/u-1", blob)  # an epoch this device lacks
    with pytest.raises(sealing.Incomplete):
        sealing.open_sealed({1: KEY}, "ws/u-1", blob[:-5])


def _replica(tmp_path: Path, name: str) -> tuple[Replica, SharedDoc]:
    replica = Replica(tmp_path / name, "ws", name)
    return replica, SharedDoc(replica.doc)


def _comment(key: str) -> SharedComment:
    return SharedComment(key, "a", key, "sandbox", "Post", "Ann Lee", "body", "2026-01-01", 1)


def test_files_out_of_order_or_half_written_wait_then_apply(tmp_path: Path) -> None:
    shared = FolderStore(tmp_path / "shared")
    shared.folder.mkdir()
    writer, doc = _replica(tmp_path, "aaaaaaaa")
    for n in range(3):
        with writer.local_change():
            doc.put_comment(_comment(f"k{n}"))
            doc.set_triage([f"k{n - 1}"] if n else [], TriageState.DONE, None, "aaaaaaaa")
        writer.push(shared, 1, KEY)
    names = sorted(shared.list_files())
    held = {name: (shared.folder / name).read_bytes() for name in names[:2]}
    (shared.folder / names[0]).unlink()
    (shared.folder / names[1]).write_bytes(held[names[1]][:-7])  # still arriving
    reader, read_doc = _replica(tmp_path, "bbbbbbbb")
    report = reader.pull(shared, {1: KEY})
    assert report.applied == 0 and report.waiting == 2
    for name, blob in held.items():
        (shared.folder / name).write_bytes(blob)
    assert reader.pull(shared, {1: KEY}).applied == 3
    assert read_doc.digest() == doc.digest()
    reader.close()
    _again, again_doc = _replica(tmp_path, "bbbbbbbb")  # reopened: nothing lost
    assert again_doc.digest() == doc.digest()


def test_offline_edits_keep_both_texts_until_one_is_picked(tmp_path: Path) -> None:
    shared = FolderStore(tmp_path / "shared")
    shared.folder.mkdir()
    (a, doc_a), (b, doc_b) = _replica(tmp_path, "aaaaaaaa"), _replica(tmp_path, "bbbbbbbb")
    with a.local_change():
        doc_a.put_comment(_comment("k"))
        reply_id = doc_a.new_reply("k", "first", "aaaaaaaa", VersionKind.DRAFT)
    a.push(shared, 1, KEY)
    b.pull(shared, {1: KEY})
    base = doc_b.reply(reply_id).heads[0].id  # type: ignore[union-attr]
    with a.local_change():
        doc_a.add_version(reply_id, "text by A", (base,), "aaaaaaaa", VersionKind.SUBMITTED)
    with b.local_change():
        doc_b.add_version(reply_id, "text by B", (base,), "bbbbbbbb", VersionKind.DRAFT)
    for replica in (a, b):
        replica.push(shared, 1, KEY)
    a.pull(shared, {1: KEY})
    b.pull(shared, {1: KEY})
    reply = doc_a.reply(reply_id)
    assert reply is not None and reply.in_conflict
    assert {h.text for h in reply.heads} == {"text by A", "text by B"}
    assert reply.status is ReplyStatus.FOR_APPROVAL
    with b.local_change():
        heads = tuple(h.id for h in reply.heads)
        doc_b.add_version(reply_id, "merged", heads, "bbbbbbbb", VersionKind.MERGED)
    b.push(shared, 1, KEY)
    a.pull(shared, {1: KEY})
    merged = doc_a.reply(reply_id)
    assert merged is not None and not merged.in_conflict and merged.text == "merged"


def test_undo_reverts_only_my_own_triage(tmp_path: Path) -> None:
    shared = FolderStore(tmp_path / "shared")
    shared.folder.mkdir()
    (a, doc_a), (b, doc_b) = _replica(tmp_path, "aaaaaaaa"), _replica(tmp_path, "bbbbbbbb")
    with a.local_change():
        for key in ("k1", "k2"):
            doc_a.put_comment(_comment(key))
        mine = doc_a.set_triage(["k1", "k2"], TriageState.DONE, None, "aaaaaaaa")
    a.push(shared, 1, KEY)
    b.pull(shared, {1: KEY})
    with b.local_change():
        doc_b.set_triage(["k2"], TriageState.SNOOZED, "2099-01-01", "bbbbbbbb")
    b.push(shared, 1, KEY)
    a.pull(shared, {1: KEY})
    with a.local_change():
        assert doc_a.undo_triage(mine) == 1
    states = {c.key: c.triage for c in doc_a.comments()}
    assert states == {"k1": TriageState.OPEN, "k2": TriageState.SNOOZED}


def test_a_write_once_file_keeps_its_first_writer(tmp_path: Path) -> None:
    store = FolderStore(tmp_path)
    assert store.write("check-e0001.fws", b"first", once=True)
    assert not store.write("check-e0001.fws", b"second", once=True)
    assert store.read("check-e0001.fws") == b"first"
    assert store.list_files() == {"check-e0001.fws": 5}
