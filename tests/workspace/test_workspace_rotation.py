"""Key rotation without processes: a delegate removed from the workspace reads nothing
new; one who joins after the rotation reads everything from the new epoch on without a
complaint about the older files it has no key for."""

from __future__ import annotations

from pathlib import Path

from app.domain import TriageState
from app.workspace import pairing
from app.workspace.model import Role, SharedComment, Transport
from app.workspace.session import Session
from app.workspace.settings import Membership


def _member(shared: Path, device: str, name: str, role: Role, epoch: int = 1) -> Membership:
    return Membership("0a0b0c0d", device, name, role, Transport.FOLDER, str(shared), epoch=epoch)


def test_rotation_cuts_off_the_removed_and_lets_a_new_delegate_in(
    tmp_path: Path, memory_keyring
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    principal = Session.create(tmp_path / "p", _member(shared, "aaaa0001", "Dana", Role.PRINCIPAL))
    with principal.change() as doc:
        doc.put_comment(SharedComment("w/1", "w", "1", "wordpress", "P", "Ann", "Hi?", "2026", 1))
    principal.sync()
    code = principal.pairing_code()
    first = Session.join(tmp_path / "d1", _member(shared, "bbbb0002", "Sam", Role.DELEGATE), code)
    assert [c.key for c in first.shared.comments()] == ["w/1"]

    principal.sync()  # learns of the delegate
    new_code = principal.remove_member("bbbb0002")
    assert new_code.epoch == 2 and new_code.secret != code.secret
    with principal.change() as doc:
        doc.set_triage(["w/1"], TriageState.DONE, None, "aaaa0001")
    principal.sync()

    cut_off = first.sync()
    assert "removed" in cut_off.problem and cut_off.pushed_files == 0
    assert first.shared.comments()[0].triage is TriageState.OPEN

    second = Session.join(
        tmp_path / "d2",
        _member(shared, "cccc0003", "Lee", Role.DELEGATE, epoch=2),
        pairing.parse(new_code.text()),
    )
    report = second.sync()
    assert report.problem == ""
    assert second.shared.comments()[0].triage is TriageState.DONE
    principal.sync()  # learns of the new delegate
    assert second.shared.digest() == principal.shared.digest()
    for session in (principal, first, second):
        session.close()
