"""Accounts on the real networks, through the core as the Accounts dialog uses it: a real
WordPress and a real Synapse on 127.0.0.1 (``tests/servers``), the in-memory keyring.

Each network: the wrong password and the wrong kind of server are diagnosed in plain
words; the right credentials add an account whose secret is in the keyring only, which
syncs, and which removal takes away again (secret included; signing out on the server is
tested in test_sign_out.py). WordPress also: a role that may not publish is a missing
permission, and an application password typed with the spaces WordPress shows it with
works.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app import bootstrap, doctor, secrets
from app.accounts import Problem, SignInFailed, State
from app.core import Core


async def open_core(tmp_path: Path) -> Core:
    return await bootstrap.open_core(tmp_path / "data", start_sandbox=False)


def files_holding(folder: Path, text: str) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


@pytest.mark.integration
@pytest.mark.wordpress
async def test_a_wordpress_account_from_test_to_removal(
    tmp_path, wordpress, sandbox_server, memory_keyring
) -> None:
    exec_password = wordpress.users["exec"].app_password
    grouped = " ".join(exec_password[i : i + 4] for i in range(0, len(exec_password), 4))
    core = await open_core(tmp_path)
    try:
        wrong = await core.accounts.test("wordpress", wordpress.url, "exec", "nope nope")
        author = await core.accounts.test(
            "wordpress", wordpress.url, "cory", wordpress.users["cory"].app_password
        )
        not_wordpress = await core.accounts.test(
            "wordpress", sandbox_server.url, "exec", exec_password
        )
        works = await core.accounts.test("wordpress", wordpress.url, "exec", grouped)

        added = await core.accounts.add("wordpress", wordpress.url, "exec", grouped)
        [report] = await core.engine.sync_all()
        check = await core.accounts.check(added.account_id)
        with pytest.raises(SignInFailed):
            await core.accounts.add("wordpress", wordpress.url + "/", "exec", exec_password)
        stored_secret = secrets.get_secret(added.account_id)
        leaks = files_holding(tmp_path / "data", exec_password)
        removed = await core.accounts.remove(added.account_id)
    finally:
        await core.close()

    assert wrong.problem is Problem.WRONG_PASSWORD, wrong
    assert "application password" in wrong.summary
    assert author.problem is Problem.PERMISSION, author
    assert "Author or Editor role" in author.detail
    assert not_wordpress.problem is Problem.WRONG_SERVICE, not_wordpress
    assert "it is not WordPress" in not_wordpress.summary
    assert works.ok and "Dana Chief" in works.summary, works
    assert added.state is State.CONNECTED and added.network_name == "WordPress"
    assert report.error is None, report
    assert check.ok, check
    assert stored_secret == exec_password, "kept without the spaces"
    assert leaks == []
    assert removed.startswith(f"Removed {added.name}:")
    assert memory_keyring.entries == {}


async def device_of(core: Core, account_id: str) -> str:
    [account] = [a for a in await core.accounts.list() if a.id == account_id]
    return account.settings["device_id"]


@pytest.mark.integration
@pytest.mark.matrix
async def test_a_matrix_account_from_test_to_removal(
    tmp_path, matrix_world, wordpress, memory_keyring
) -> None:
    from servers.synapse import PASSWORD

    server, dana = matrix_world.server, matrix_world.dana
    room = {"room": matrix_world.town_hall}
    core = await open_core(tmp_path)
    try:
        wrong = await core.accounts.test("matrix", server.url, dana.user_id, "nope", room)
        no_room = await core.accounts.test("matrix", server.url, dana.user_id, PASSWORD, {})
        not_matrix = await core.accounts.test("matrix", wordpress.url, dana.user_id, PASSWORD, room)
        works = await core.accounts.test("matrix", server.url, dana.user_id, PASSWORD, room)

        added = await core.accounts.add("matrix", server.url, dana.user_id, PASSWORD, room)
        [report] = await core.engine.sync_all()
        token = secrets.get_secret(added.account_id)
        leaks = [*files_holding(tmp_path / "data", PASSWORD), *files_holding(tmp_path, token)]
        device = await device_of(core, added.account_id)
        await core.accounts.reauthenticate(added.account_id, PASSWORD)
        device_after = await device_of(core, added.account_id)
        removed = await core.accounts.remove(added.account_id)
    finally:
        await core.close()

    assert wrong.problem is Problem.WRONG_PASSWORD, wrong
    assert no_room.problem is Problem.INVALID and "Room" in no_room.summary, no_room
    assert not_matrix.problem is Problem.WRONG_SERVICE, not_matrix
    assert "it is not Matrix" in not_matrix.summary
    assert works.ok, works
    assert added.state is State.CONNECTED and added.extra == room
    assert report.error is None, report
    assert token and token != PASSWORD, "the keyring keeps the access token, not the password"
    assert leaks == []
    # Signing in again keeps the device, so queued transaction ids stay deduplicated.
    assert device_after == device
    assert removed.startswith(f"Removed {added.name}:")
    assert memory_keyring.entries == {}


@pytest.mark.integration
@pytest.mark.wordpress
async def test_a_wordpress_account_replaces_the_running_sandbox_at_once(
    tmp_path, wordpress, memory_keyring
) -> None:
    """The built-in sandbox runs while there is no real account; adding one stops it being
    synced there and then (not at the next start), and doctor, reading what is stored,
    names both accounts with the states the Accounts dialog shows."""
    data_dir = tmp_path / "data"
    core = await bootstrap.open_core(data_dir)  # the in-process sandbox starts
    try:
        running = await status_of(core, "sandbox")
        added = await core.accounts.add(
            "wordpress", wordpress.url, "exec", wordpress.users["exec"].app_password
        )
        idle = await status_of(core, "sandbox")
        reports = await core.engine.sync_all()
    finally:
        await core.close()
    report = doctor.render_text(doctor.collect(data_dir))

    assert running.state is State.CONNECTED
    assert (idle.state, idle.label) == (State.IDLE, "Not running"), idle
    assert [r.account_id for r in reports] == [added.account_id]
    assert reports[0].error is None, reports[0]
    assert f"  {added.name}: Connected (WordPress, {wordpress.url}; last sync 20" in report
    assert "  Sandbox: Not running (Sandbox, http://127.0.0.1:" in report


async def status_of(core: Core, account_id: str):
    return next(s for s in await core.accounts.statuses() if s.account_id == account_id)
