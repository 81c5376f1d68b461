"""The workspace core without Fireside processes: pairing codes, sealed files, a replica
that applies files arriving out of order or half written, offline edits that conflict,
an undo that never reverts another person's triage, and the two shared stores (a folder,
and a real WsgiDAV server on 127.0.0.1) with the errors they give in plain words."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pycrdt
import pytest
from pair import serving_webdav

from app.domain import TriageState
from app.workspace import envelopes, pairing, sealing
from app.workspace.errors import SharedStoreError, WorkspaceError, WorkspaceKeyError
from app.workspace.model import ReplyStatus, SharedComment, VersionKind
from app.workspace.replica import MAX_UPDATES_PER_FILE, PullReport, Replica
from app.workspace.shared import SharedDoc
from app.workspace.transport import FolderStore, WebDavStore

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


#: Written by Fireside when the file format was fixed: a device on a later version must
#: derive the same key from the same pairing code and open what an older one sealed.
DERIVED = "8707407ecfb8568c1d05afc7642273de60af80edac2efb15a55c962410b3093f"
SEALED = (
    "46575331000000030000001b34b8b526e842a2aa1d514356e9345116b20957f17a639e6c47a1d78ecf3ff7"
    "2b55f4a37fb52122"
)
ENVELOPE = (
    "b94440dcbec9833df271cd322b0959ac25a3efd27228c90ff8603c02bf7b5e58580d16e442f7771b06ba61fa"
    "2aaa176742f43a89cfa4ffb3a62ca55cfc2b6443a7f1cd5b56b0ac2883f2768674"
)
UPDATE = "0a0b0c0d/u-aaaaaaaa-000000001-000000001.fws"


def test_keys_and_files_of_an_earlier_version_still_open() -> None:
    assert sealing.derive_key(b"fireside test secret", "0a0b0c0d").hex() == DERIVED
    assert sealing.derive_key(b"fireside test secret", "0a0b0c0e").hex() != DERIVED
    blob = bytes.fromhex(SEALED)
    assert sealing.epoch_of(blob) == 3
    assert sealing.open_sealed({3: bytes(range(32))}, UPDATE, blob) == b"Thanks, Sam"
    mine = bytes(range(1, 33))
    envelope = bytes.fromhex(ENVELOPE)
    assert envelopes.unwrap(mine, envelope, "0a0b0c0d/key-e0002-bbbb0002.fws") == (
        b"the new epoch key"
    )


def test_a_sealed_file_tells_arriving_from_damaged() -> None:
    blob = sealing.seal(KEY, 7, "ws/u-1", b"words")
    assert sealing.epoch_of(blob[:24]) == 7  # the header alone tells the epoch
    for cut, arriving in (
        (blob[:23], "only 23 bytes so far"),
        (blob[:24], "ws/u-1 is still arriving (0 of 21 bytes)"),
        (blob[:-1], "ws/u-1 is still arriving (20 of 21 bytes)"),
    ):
        with pytest.raises(sealing.Incomplete) as incomplete:
            sealing.open_sealed({7: KEY}, "ws/u-1", cut)
        assert str(incomplete.value) == arriving
    with pytest.raises(sealing.Unreadable) as longer:
        sealing.open_sealed({7: KEY}, "ws/u-1", blob + b"!")
    assert str(longer.value) == "ws/u-1 is damaged (longer than it says)"
    for other in (b"PK\x03\x04" + blob[4:], b"FWS2" + blob[4:]):
        with pytest.raises(sealing.Unreadable) as foreign:
            sealing.open_sealed({7: KEY}, "ws/u-1", other)
        assert str(foreign.value) == "not a Fireside workspace file"
    tampered = bytearray(blob)
    tampered[-1] ^= 1
    with pytest.raises(WorkspaceKeyError) as refused:
        sealing.open_sealed({7: KEY}, "ws/u-1", bytes(tampered))
    assert str(refused.value) == (
        "This device's workspace key does not open the shared files: the pairing code was "
        "wrong, or the files were changed by someone without the key. Nothing was read."
    )
    with pytest.raises(WorkspaceKeyError) as lacking:
        sealing.open_sealed({6: KEY}, "ws/u-1", blob)
    assert str(lacking.value) == (
        "This device has no key for the workspace's newer files: it was removed from the "
        "workspace, or has not yet received the new key. Ask the principal for a new "
        "pairing code."
    )


def test_a_new_key_is_handed_only_to_the_device_it_was_sealed_for() -> None:
    private, public = envelopes.new_device_key()
    other, _ = envelopes.new_device_key()
    assert len(private) == len(public) == 32 and private != public
    envelope = envelopes.wrap(public, b"k" * 32, "ws/key-e0002-d1.fws")
    assert envelopes.wrap(public, b"k" * 32, "ws/key-e0002-d1.fws") != envelope  # one-time
    assert envelopes.unwrap(private, envelope, "ws/key-e0002-d1.fws") == b"k" * 32
    refusal = (
        "The workspace's new key was not sealed for this device; ask the principal for a "
        "new pairing code."
    )
    for holder, sealed, context in (
        (other, envelope, "ws/key-e0002-d1.fws"),  # another device
        (private, envelope, "ws/key-e0002-d2.fws"),  # moved to another name
        (private, envelope[:20], "ws/key-e0002-d1.fws"),  # cut short
    ):
        with pytest.raises(WorkspaceKeyError) as refused:
            envelopes.unwrap(holder, sealed, context)
        assert str(refused.value) == refusal


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


def test_a_folder_lists_only_its_own_visible_files_and_writes_whole_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.fws").write_bytes(b"x")
    (tmp_path / ".u-aaaaaaaa-000000001-000000001.fws.41.part").write_bytes(b"half")
    store = FolderStore(tmp_path)
    assert store.describe() == str(tmp_path)

    assert store.write("u.fws", b"first") and store.write("u.fws", b"second!")

    assert store.read("u.fws") == b"second!"
    assert store.list_files() == {"u.fws": 7}  # no folder, no hidden file, no leftover
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".u-aaaaaaaa-000000001-000000001.fws.41.part",
        "sub",
        "u.fws",
    ]
    assert store.read("missing.fws") is None


def _says(error: pytest.ExceptionInfo[SharedStoreError], pattern: str) -> None:
    """The whole sentence the person reads (``pattern`` a regular expression)."""
    assert re.fullmatch(pattern, str(error.value)), str(error.value)


def test_a_missing_or_unusable_folder_is_named_with_what_to_check(tmp_path: Path) -> None:
    gone = FolderStore(tmp_path / "gone")
    advice = (
        r"\. Check that it exists, that your sync client is running and that you may write to it\."
    )
    where = re.escape(str(tmp_path / "gone"))
    with pytest.raises(SharedStoreError) as listed:
        gone.list_files()
    _says(
        listed, rf"The shared folder {where} cannot be used \(No such file or directory\){advice}"
    )
    for once in (False, True):
        with pytest.raises(SharedStoreError) as written:
            gone.write("u.fws", b"data", once=once)
        _says(
            written,
            rf"The shared folder {where} cannot be used \(No such file or directory\){advice}",
        )
    assert gone.read("u.fws") is None  # nothing there yet: not an error
    (tmp_path / "dir.fws").mkdir()
    with pytest.raises(SharedStoreError) as read:
        FolderStore(tmp_path).read("dir.fws")
    _says(
        read,
        rf"The shared folder {re.escape(str(tmp_path))} cannot be used \(Is a directory\){advice}",
    )


def test_a_webdav_folder_lists_reads_and_writes_only_its_own_files(tmp_path: Path) -> None:
    with serving_webdav(tmp_path) as (url, root), httpx.Client() as client:
        (root / "DROPBOX" / "sub").mkdir(parents=True)
        (root / "DROPBOX" / "sub" / "inner.fws").write_bytes(b"x")
        (root / "DROPBOX" / ".hidden.fws").write_bytes(b"x")
        (root / "DROPBOX" / "Notes.DOCX").write_bytes(b"by hand")
        (root / "elsewhere.fws").write_bytes(b"x")
        store = WebDavStore(url + "DROPBOX", client)  # no trailing slash: the same folder
        assert store.describe() == url + "DROPBOX/"

        assert store.write("u two.fws", b"first") and store.write("u two.fws", b"second!")
        assert store.write("check.fws", b"one", once=True)
        assert not store.write("check.fws", b"two", once=True)  # written once, kept

        assert store.list_files() == {"u two.fws": 7, "check.fws": 3, "Notes.DOCX": 7}
        assert (store.read("u two.fws"), store.read("check.fws")) == (b"second!", b"one")
        assert store.read("missing.fws") is None
        assert WebDavStore(url, client).list_files() == {"elsewhere.fws": 1}


def test_webdav_errors_say_what_to_do(tmp_path: Path) -> None:
    login = {
        "http_authenticator": {
            "domain_controller": None,
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
        },
        "simple_dc": {"user_mapping": {"*": {"dana": {"password": "right"}}}},
        "provider_mapping": {"/ro": {"root": str(tmp_path / "ro"), "readonly": True}},
    }
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "theirs.fws").write_bytes(b"shared")
    with serving_webdav(tmp_path, login) as (url, _), httpx.Client() as client:
        client.auth = ("dana", "wrong")
        wrong = WebDavStore(url, client)
        for call in (
            wrong.list_files,
            lambda: wrong.read("u.fws"),
            lambda: wrong.write("u.fws", b""),
        ):
            with pytest.raises(SharedStoreError) as refused:
                call()
            _says(
                refused,
                rf"The WebDAV server at {re.escape(url)} refused the user name or password "
                r"\(HTTP 401\)\. Enter them again in the workspace set-up\.",
            )
        client.auth = ("dana", "right")
        assert WebDavStore(url, client).write("u.fws", b"data")
        read_only = WebDavStore(url + "ro/", client)
        assert read_only.list_files() == {"theirs.fws": 6}  # reading works
        assert read_only.read("theirs.fws") == b"shared"
        with pytest.raises(SharedStoreError) as forbidden:
            read_only.write("u.fws", b"data")
        _says(
            forbidden,
            rf"The WebDAV share at {re.escape(url)}ro/ is read-only for this account: you "
            r"may read it but not write to it \(HTTP 403\)\. Ask whoever shares it for "
            r"write access\.",
        )
        missing = WebDavStore(url + "nowhere", client)
        with pytest.raises(SharedStoreError) as listed:
            missing.list_files()
        _says(
            listed,
            rf"There is no folder at {re.escape(url)}nowhere/ on the WebDAV server; create it, "
            r"or check the address\.",
        )
        assert missing.read("u.fws") is None
        with pytest.raises(SharedStoreError) as written:
            missing.write("u.fws", b"data")
        _says(
            written,
            rf"The WebDAV server at {re.escape(url)}nowhere/ could not write u\.fws \(HTTP 409\)\.",
        )
    with httpx.Client() as client, pytest.raises(SharedStoreError) as unreachable:
        WebDavStore(url, client).list_files()  # the server has stopped
    _says(
        unreachable,
        rf"The WebDAV server at {re.escape(url)} cannot be reached \(.+\)\. Check the address "
        r"and your connection; Fireside tries again at the next sync\.",
    )


def _answering(status: int, body: bytes = b"") -> httpx.Client:
    """A client whose every request gets this answer (a server unlike WsgiDAV)."""
    return httpx.Client(
        transport=httpx.MockTransport(lambda _: httpx.Response(status, content=body))
    )


def test_webdav_answers_other_servers_give_are_understood() -> None:
    url = "https://dav.example/INBOX/"
    assert WebDavStore(url, _answering(200)).write("u.fws", b"data")  # 200, not 201 or 204
    listing = (
        b'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">'
        b"<d:response><d:href>/INBOX/</d:href><d:propstat><d:prop/></d:propstat></d:response>"
        b"<d:response><d:propstat><d:prop/></d:propstat></d:response>"
        b"<d:response><d:href>https://dav.example/INBOX/a%20b.fws</d:href></d:response>"
        b"<d:response><d:href>/INBOX/c.fws</d:href><d:propstat><d:prop>"
        b"<d:getcontentlength>12</d:getcontentlength></d:prop></d:propstat></d:response>"
        b"<d:response><d:href>/INBOX/d.fws</d:href><d:propstat><d:prop>"
        b"<d:getcontentlength>unknown</d:getcontentlength></d:prop></d:propstat></d:response>"
        b"</d:multistatus>"
    )
    # The folder itself without a resource type, an entry without an address, files
    # without a length or with one that is no number.
    assert WebDavStore(url, _answering(207, listing)).list_files() == {
        "a b.fws": 0,
        "c.fws": 12,
        "d.fws": 0,
    }
    with pytest.raises(SharedStoreError) as plain_web:
        WebDavStore(url, _answering(405)).list_files()  # a web server without WebDAV
    _says(
        plain_web,
        rf"The WebDAV server at {re.escape(url)} could not list the folder \(HTTP 405\)\.",
    )
    with pytest.raises(SharedStoreError) as unreadable:
        WebDavStore(url, _answering(403)).read("u.fws")  # a folder it may not even read
    _says(
        unreadable,
        rf"The WebDAV server at {re.escape(url)} accepted the user name and password but "
        r"does not let this account read u\.fws \(HTTP 403\)\. Ask whoever shares it for "
        r"access\.",
    )
    with pytest.raises(SharedStoreError) as garbled:
        WebDavStore(url, _answering(207, b"<html>Welcome")).list_files()
    _says(garbled, r"The WebDAV server sent a listing that is not XML \(.+\)\.")
    with pytest.raises(SharedStoreError) as odd:
        WebDavStore(url, _answering(500)).read("u.fws")
    _says(odd, rf"The WebDAV server at {re.escape(url)} could not read u\.fws \(HTTP 500\)\.")


def test_a_pull_names_damaged_files_and_missing_keys_and_skips_what_is_not_for_it(
    tmp_path: Path,
) -> None:
    shared = FolderStore(tmp_path / "shared")
    shared.folder.mkdir()
    writer, doc = _replica(tmp_path, "aaaaaaaa")
    with writer.local_change():
        doc.put_comment(_comment("k1"))
    assert writer.unpushed() == 1
    assert writer.push(shared, 1, KEY) == 1 and writer.push(shared, 1, KEY) == 0
    assert writer.unpushed() == 0
    assert writer.pull(shared, {1: KEY}) == PullReport()  # its own file is not for it
    damaged = "u-cccccccc-000000001-000000001.fws"
    shared.write(damaged, b"a file a sync client mangled on the way, complete but no header")
    newer = "u-dddddddd-000000001-000000001.fws"
    shared.write(newer, sealing.seal(b"\x02" * 32, 2, f"ws/{newer}", b"after a rotation"))
    shared.write("u-eeeeeeee-1-1.fws", b"not one of ours")  # no update file's name
    shared.write("check-e0001.fws", b"neither")

    reader, read_doc = _replica(tmp_path, "bbbbbbbb")
    report = reader.pull(shared, {1: KEY})

    assert report == PullReport(
        applied=1,
        waiting=0,
        unreadable=(damaged,),
        key_problem=(
            "This device has no key for the workspace's newer files: it was removed from the "
            "workspace, or has not yet received the new key. Ask the principal for a new "
            "pairing code."
        ),
    )
    assert [c.key for c in read_doc.comments()] == ["k1"]
    again = reader.pull(shared, {1: KEY})  # the applied file is not applied twice
    assert (again.applied, again.unreadable) == (0, (damaged,))


def test_what_a_replica_was_told_survives_closing_it(tmp_path: Path) -> None:
    replica, doc = _replica(tmp_path, "aaaaaaaa")
    with replica.local_change():
        doc.put_comment(_comment("k1"))
        replica.mark_approved_here("decision-1")
    replica.set_bridged({"post:1": "one", "post:2": "two"})
    replica.set_bridged({"post:2": "two, later"})
    replica.close()

    again, again_doc = _replica(tmp_path, "aaaaaaaa")

    assert [c.key for c in again_doc.comments()] == ["k1"] and again.unpushed() == 1
    assert again.approved_here() == {"decision-1"}
    assert again.bridged() == {"post:1": "one", "post:2": "two, later"}


def test_a_full_state_lets_a_member_who_joins_later_read_everything(tmp_path: Path) -> None:
    shared = FolderStore(tmp_path / "shared")
    shared.folder.mkdir()
    writer, doc = _replica(tmp_path, "aaaaaaaa")
    for key in ("k1", "k2"):
        with writer.local_change():
            doc.put_comment(_comment(key))
        writer.push(shared, 1, KEY)
    with writer.local_change():
        doc.put_comment(_comment("k3"))  # not pushed yet when the key changes
    new_key = b"\x07" * 32

    writer.write_full_state(shared, 2, new_key)

    later, later_doc = _replica(tmp_path, "cccccccc")
    report = later.pull(shared, {2: new_key})  # it has only the new key
    assert (report.applied, report.key_problem) == (2, "")
    assert later_doc.digest() == doc.digest()
    assert later.pull(shared, {2: new_key}).applied == 0  # the older files are settled


class _Vanishing:
    """A shared folder in which some listed files are gone by the time they are read (a
    sync client moved them away), counting what is read."""

    def __init__(self, store: FolderStore, gone: set[str]) -> None:
        self.store, self.gone, self.reads = store, gone, []

    def describe(self) -> str:
        return self.store.describe()

    def list_files(self) -> dict[str, int]:
        return {**self.store.list_files(), **dict.fromkeys(self.gone, 1)}

    def read(self, name: str) -> bytes | None:
        self.reads.append(name)
        return None if name in self.gone else self.store.read(name)

    def write(self, name: str, data: bytes, *, once: bool = False) -> bool:
        return self.store.write(name, data, once=once)


def test_files_that_vanish_or_wait_are_counted_and_old_ones_are_not_read_again(
    tmp_path: Path,
) -> None:
    folder = FolderStore(tmp_path / "shared")
    folder.folder.mkdir()
    old, doc = _replica(tmp_path, "aaaaaaaa")
    with old.local_change():
        doc.put_comment(_comment("k1"))
    old.push(folder, 1, KEY)  # before the rotation: this device never had that key
    with old.local_change():
        doc.put_comment(_comment("k2"))
    old.write_full_state(folder, 2, KEY)
    half = sealing.seal(KEY, 2, "ws/u-cccccccc-000000001-000000001.fws", b"x" * 40)
    for device in ("cccccccc", "dddddddd"):
        folder.write(f"u-{device}-000000001-000000001.fws", half[:-3])
    gone = {"u-00000000-000000001-000000001.fws", "u-00000001-000000001-000000001.fws"}
    store = _Vanishing(folder, gone)
    reader, _ = _replica(tmp_path, "bbbbbbbb")

    first = reader.pull(store, {2: KEY})

    assert (first.applied, first.waiting) == (2, 4)  # two vanished, two half written
    store.reads.clear()
    assert reader.pull(store, {2: KEY}).applied == 0
    assert "u-aaaaaaaa-000000001-000000001.fws" not in store.reads  # settled: not read


def test_a_file_from_another_workspace_does_not_open_even_under_the_same_key(
    tmp_path: Path,
) -> None:
    shared = FolderStore(tmp_path / "shared")
    shared.folder.mkdir()
    writer = Replica(tmp_path / "a", "workspace-a", "aaaaaaaa")
    with writer.local_change():
        SharedDoc(writer.doc).put_comment(_comment("k1"))
    writer.push(shared, 1, KEY)
    reader = Replica(tmp_path / "nested" / "b", "workspace-b", "bbbbbbbb")  # made with parents

    report = reader.pull(shared, {1: KEY})

    assert report.applied == 0 and "does not open" in report.key_problem
    assert (tmp_path / "nested" / "b" / "replica.db").exists()  # where the module says


def test_a_change_made_on_what_another_device_wrote_waits_for_that_file(tmp_path: Path) -> None:
    """B edits what A wrote; C gets B's file first: it waits for A's, then both apply.
    What C applied is not sent back out as C's own."""
    shared = FolderStore(tmp_path / "shared")
    shared.folder.mkdir()
    (a, _), (b, _), (c, _) = (_replica(tmp_path, n) for n in ("aaaaaaaa", "bbbbbbbb", "cccccccc"))
    with a.local_change():
        a.doc.get("m", type=pycrdt.Map)["x"] = 1  # one item: A's clock is 1
    a.push(shared, 1, KEY)
    b.pull(shared, {1: KEY})
    with b.local_change():
        b.doc.get("m", type=pycrdt.Map)["x"] = 2
    b.push(shared, 1, KEY)
    (a_file,) = [n for n in shared.list_files() if n.startswith("u-aaaaaaaa")]
    held = (shared.folder / a_file).read_bytes()
    (shared.folder / a_file).unlink()

    early = c.pull(shared, {1: KEY})
    assert (early.applied, early.waiting) == (0, 1)
    (shared.folder / a_file).write_bytes(held)
    assert c.pull(shared, {1: KEY}).applied == 2
    assert c.doc.get("m", type=pycrdt.Map)["x"] == 2
    with c.local_change():
        SharedDoc(c.doc).put_comment(_comment("k1"))
    assert c.unpushed() == 1  # only its own change


def test_a_long_offline_session_goes_out_in_files_of_at_most_5000_updates(tmp_path: Path) -> None:
    shared = FolderStore(tmp_path / "shared")
    shared.folder.mkdir()
    writer, _ = _replica(tmp_path, "aaaaaaaa")
    several = pycrdt.Map()
    with writer.local_change():
        writer.doc["m"] = several
    for n in range(MAX_UPDATES_PER_FILE + 1):  # one more than a file holds
        with writer.local_change():
            several[str(n % 7)] = n
        with writer.local_change():
            pass  # no change, nothing kept

    assert writer.unpushed() == MAX_UPDATES_PER_FILE + 1
    assert writer.push(shared, 1, KEY) == 2
    assert sorted(shared.list_files()) == [
        "u-aaaaaaaa-000000001-000005000.fws",
        "u-aaaaaaaa-000005001-000005001.fws",
    ]
    reader, _ = _replica(tmp_path, "bbbbbbbb")
    assert reader.pull(shared, {1: KEY}).applied == 2
    assert reader.doc.get("m", type=pycrdt.Map).to_py() == several.to_py()


def test_webdav_requests_say_what_their_bodies_are() -> None:
    """WsgiDAV ignores Content-Type, but servers that check it need the listing request
    marked as XML and an envelope as opaque bytes (not guessed as text)."""
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(207 if request.method == "PROPFIND" else 201, content=b"<a/>")

    store = WebDavStore(
        "https://dav.example/INBOX/", httpx.Client(transport=httpx.MockTransport(server))
    )
    store.list_files()
    store.write("u.fws", b"\x00sealed")
    store.write("v.fws", b"\x00sealed", once=True)
    assert [(r.method, r.headers.get("Content-Type")) for r in seen] == [
        ("PROPFIND", "application/xml"),
        ("PUT", "application/octet-stream"),
        ("PUT", "application/octet-stream"),
    ]
    assert seen[0].headers["Depth"] == "1" and seen[2].headers["If-None-Match"] == "*"
