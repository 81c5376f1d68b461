"""Signing in to Matrix leaves no device behind (issue 10, item 2), against the fake
sign-in endpoints: "Test connection" signs its device out and never touches the
account's; a sign-in cancelled once ``POST /login`` may have made a device signs that
device out before the cancellation goes on; signing in again keeps the account's device.

On the real server: tests/integration/test_synapse_devices.py.
"""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

import httpx
import pytest
from fixtures.matrix_homeserver import ROOM, SignInServer

from app.errors import AuthError
from app.networks.matrix import KIND


async def test_test_connection_signs_its_device_out_and_never_uses_the_accounts() -> None:
    server = SignInServer()
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handle)) as client:
        signed = await KIND.test_sign_in(
            client, "https://hs.test", "dana", "right", {"room": ROOM, "device_id": "ACCOUNTS"}
        )
    assert signed.display_name == "Dana Whitfield" and signed.secret == ""
    assert "device_id" not in server.logins[0] and server.logged_out == 1
    with pytest.raises(AuthError):
        async with httpx.AsyncClient(transport=httpx.MockTransport(server.handle)) as client:
            await KIND.test_sign_in(client, "https://hs.test", "dana", "wrong", {"room": ROOM})
    assert server.logged_out == 1  # a refused password made no device


class Blocking:
    """SignInServer behind a transport that holds the answer to one path until released:
    the server has done the request (a device exists) but Fireside has no answer yet."""

    def __init__(self, server: SignInServer, path: str) -> None:
        self.server = server
        self.path = path
        self.answered = asyncio.Event()
        self.release = asyncio.Event()

    async def handle(self, request: httpx.Request) -> httpx.Response:
        response = self.server.handle(request)
        if unquote(request.url.path).endswith(self.path) and request.method != "GET":
            self.answered.set()
            await self.release.wait()
        return response


@pytest.mark.parametrize("path", ["/login", f"/join/{ROOM}"])
@pytest.mark.parametrize("testing", [False, True])
async def test_a_cancelled_sign_in_leaves_no_device(path: str, testing: bool) -> None:
    server = SignInServer()
    blocking = Blocking(server, path)
    sign_in = KIND.test_sign_in if testing else KIND.sign_in
    async with httpx.AsyncClient(transport=httpx.MockTransport(blocking.handle)) as client:
        task = asyncio.create_task(
            sign_in(client, "https://hs.test", "dana", "right", {"room": ROOM})
        )
        await blocking.answered.wait()
        task.cancel()
        blocking.release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert len(server.logins) == 1 and server.logged_out == 1


async def test_a_cancelled_sign_in_again_keeps_the_accounts_device() -> None:
    server = SignInServer()
    blocking = Blocking(server, "/login")
    async with httpx.AsyncClient(transport=httpx.MockTransport(blocking.handle)) as client:
        task = asyncio.create_task(
            KIND.sign_in(
                client, "https://hs.test", "dana", "right", {"room": ROOM, "device_id": "D1"}
            )
        )
        await blocking.answered.wait()
        task.cancel()
        blocking.release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert server.logins[0]["device_id"] == "D1" and server.logged_out == 0


def test_only_matrix_needs_a_test_sign_in_of_its_own() -> None:
    from app.networks.wordpress import KIND as WORDPRESS

    assert KIND.test_sign_in is not None and WORDPRESS.test_sign_in is None
