"""Signing in to a real Synapse leaves no device behind (issue 10, item 2).

``POST /login`` makes a new device with a working token every time. Counted with the
admin API (``/_synapse/admin/v2/users/{user}/devices``, which makes no device itself):
"Test connection" (working, wrong password, unknown room), adding the account, signing in
again (right and wrong password) and removing it, through the core as the Accounts dialog
uses it; then sign-ins cancelled at the moment the server has made the device but
Fireside has not had the answer yet (the dialog closed), at the connector.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from servers.synapse import PASSWORD, MatrixWorld

from app.accounts import Problem, SignInFailed
from app.bootstrap import open_core
from app.networks.matrix import KIND

pytestmark = [pytest.mark.integration, pytest.mark.matrix]


def devices(world: MatrixWorld) -> set[str]:
    """Dana's devices, as the homeserver's admin sees them."""
    assert world.server.admin is not None
    path = f"/_synapse/admin/v2/users/{world.dana.user_id}/devices"
    return {d["device_id"] for d in world.server.admin.request("GET", path)["devices"]}


async def test_test_add_sign_in_again_and_remove_leave_no_device_behind(
    tmp_path: Path, matrix_world: MatrixWorld, memory_keyring
) -> None:
    world = matrix_world
    url, dana, room = world.server.url, world.dana.user_id, {"room": world.town_hall}
    before = devices(world)
    core = await open_core(tmp_path / "data", start_sandbox=False)
    try:
        works = await core.accounts.test("matrix", url, dana, PASSWORD, room)
        again = await core.accounts.test("matrix", url, dana, PASSWORD, room)
        wrong = await core.accounts.test("matrix", url, dana, "not it", room)
        nowhere = await core.accounts.test("matrix", url, dana, PASSWORD, {"room": "#no:where"})
        after_tests = devices(world)

        added = await core.accounts.add("matrix", url, dana, PASSWORD, room)
        with_account = devices(world)
        await core.accounts.reauthenticate(added.account_id, PASSWORD)
        with pytest.raises(SignInFailed) as refused:
            await core.accounts.reauthenticate(added.account_id, "not it")
        after_sign_ins = devices(world)
        await core.accounts.remove(added.account_id)
    finally:
        await core.close()

    assert works.ok and again.ok, (works, again)
    assert wrong.problem is Problem.WRONG_PASSWORD and not nowhere.ok
    assert refused.value.diagnosis.problem is Problem.WRONG_PASSWORD
    assert after_tests == before
    [kept] = with_account - before
    assert after_sign_ins == with_account  # signing in again reuses the account's device
    assert kept not in devices(world) and devices(world) == before


class HeldLogin:
    """A response hook that holds the answer to ``POST /login`` (the server has made the
    device) until released, and says when it has it."""

    def __init__(self) -> None:
        self.answered = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, response: httpx.Response) -> None:
        request = response.request
        if request.method == "POST" and request.url.path.endswith("/login"):
            self.answered.set()
            await self.release.wait()


@pytest.mark.parametrize("testing", [False, True], ids=["sign-in", "test connection"])
async def test_a_sign_in_cancelled_after_the_device_was_made_signs_it_out(
    matrix_world: MatrixWorld, testing: bool
) -> None:
    world = matrix_world
    room = {"room": world.town_hall}
    before = devices(world)
    held = HeldLogin()
    sign_in: Callable[..., Awaitable] = KIND.test_sign_in if testing else KIND.sign_in
    async with httpx.AsyncClient(timeout=10, event_hooks={"response": [held]}) as client:
        signing_in = sign_in(client, world.server.url, world.dana.user_id, PASSWORD, room)
        task = asyncio.create_task(signing_in)
        await held.answered.wait()
        made = devices(world) - before
        task.cancel()
        held.release.set()
        with pytest.raises(asyncio.CancelledError):
            await task

    assert len(made) == 1  # the device existed when the dialog closed
    assert devices(world) == before
