"""Removing an account signs it out on the real servers (``tests/servers``), through the
core as the Accounts dialog uses it, with the in-memory keyring.

WordPress: the application password Fireside signed in with is found by introspection and
revoked, so it gets 401 afterwards. Matrix: ``/logout`` deletes Fireside's device, so its
access token gets 401 and the device is gone from the user's sessions. When the server
cannot be reached (the account was added through a ``FaultProxy`` that is then stopped),
the account is removed all the same, the credential still works on the server, and the
summary says how to revoke it by hand. One canned site (no server) stands for a WordPress
older than 5.7, which cannot say which application password is in use.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from reliability.tcp_proxy import FaultProxy

from app import bootstrap, secrets
from app.core import Core
from app.domain import Account
from app.errors import Rejected
from app.networks.wordpress import KIND as WORDPRESS

NOT_SIGNED_OUT = "Fireside could not sign out of {} on the server (the server could not be reached)"


async def open_core(tmp_path: Path) -> Core:
    return await bootstrap.open_core(tmp_path / "data", start_sandbox=False)


async def added_then_removed(tmp_path: Path, network: str, url: str, *sign_in) -> tuple[str, str]:
    """Add an account, remove it; (the secret it had in the keyring, the removal's summary)."""
    core = await open_core(tmp_path)
    try:
        added = await core.accounts.add(network, url, *sign_in)
        secret = secrets.get_secret(added.account_id)
        removed = await core.accounts.remove(added.account_id)
        assert await core.accounts.list() == []
    finally:
        await core.close()
    assert secret, "the account had a secret to sign out with"
    assert secret not in removed
    return secret, removed


async def wordpress_status(wordpress, login: str, app_password: str) -> int:
    """The HTTP status of ``/users/me`` signed in with that application password."""
    async with httpx.AsyncClient(auth=(login, app_password)) as client:
        return (await client.get(f"{wordpress.api}/users/me")).status_code


async def matrix_status(server_url: str, token: str) -> int:
    """The HTTP status of ``/account/whoami`` with that access token."""
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:
        return (await client.get(f"{server_url}/_matrix/client/v3/account/whoami")).status_code


@pytest.mark.integration
@pytest.mark.wordpress
async def test_removing_a_wordpress_account_revokes_its_application_password(
    tmp_path, wordpress, memory_keyring
) -> None:
    exec_password = wordpress.users["exec"].app_password
    assert await wordpress_status(wordpress, "exec", exec_password) == 200

    _, removed = await added_then_removed(
        tmp_path, "wordpress", wordpress.url, "exec", exec_password, {}
    )

    assert "Signed out of WordPress: the sign-in Fireside saved no longer works there." in removed
    assert await wordpress_status(wordpress, "exec", exec_password) == 401
    assert memory_keyring.entries == {}


@pytest.mark.integration
@pytest.mark.wordpress
async def test_a_wordpress_site_out_of_reach_does_not_stop_the_removal(
    tmp_path, wordpress, memory_keyring
) -> None:
    exec_password = wordpress.users["exec"].app_password
    core = await open_core(tmp_path)
    try:
        with FaultProxy(wordpress.url) as proxy:
            added = await core.accounts.add("wordpress", proxy.url, "exec", exec_password)
        removed = await core.accounts.remove(added.account_id)  # the proxy is gone now
        assert await core.accounts.list() == []
    finally:
        await core.close()

    assert NOT_SIGNED_OUT.format("WordPress") in removed
    assert "open Users → Profile → Application Passwords in WordPress" in removed
    assert exec_password not in removed
    assert await wordpress_status(wordpress, "exec", exec_password) == 200, "not revoked"
    assert memory_keyring.entries == {}


@pytest.mark.integration
@pytest.mark.matrix
async def test_removing_a_matrix_account_signs_its_device_out(
    tmp_path, matrix_world, memory_keyring
) -> None:
    from servers.synapse import PASSWORD

    server, dana = matrix_world.server, matrix_world.dana
    before = {d["device_id"] for d in dana.request("GET", "/_matrix/client/v3/devices")["devices"]}

    token, removed = await added_then_removed(
        tmp_path, "matrix", server.url, dana.user_id, PASSWORD, {"room": matrix_world.town_hall}
    )

    after = {d["device_id"] for d in dana.request("GET", "/_matrix/client/v3/devices")["devices"]}
    assert "Signed out of Matrix: the sign-in Fireside saved no longer works there." in removed
    assert await matrix_status(server.url, token) == 401
    assert after == before, "Fireside's device is gone from Dana's sessions"
    assert memory_keyring.entries == {}


@pytest.mark.integration
@pytest.mark.matrix
async def test_a_homeserver_out_of_reach_does_not_stop_the_removal(
    tmp_path, matrix_world, memory_keyring
) -> None:
    from servers.synapse import PASSWORD

    server, dana = matrix_world.server, matrix_world.dana
    core = await open_core(tmp_path)
    try:
        with FaultProxy(server.url) as proxy:
            added = await core.accounts.add(
                "matrix", proxy.url, dana.user_id, PASSWORD, {"room": matrix_world.town_hall}
            )
            token = secrets.get_secret(added.account_id)
        removed = await core.accounts.remove(added.account_id)  # the proxy is gone now
        assert await core.accounts.list() == []
    finally:
        await core.close()

    assert token and token not in removed
    assert NOT_SIGNED_OUT.format("Matrix") in removed
    assert "open Settings → Sessions in your Matrix client" in removed
    assert "sign out the session named Fireside." in removed
    assert await matrix_status(server.url, token) == 200, "still signed in: nothing revoked"
    assert memory_keyring.entries == {}


async def test_a_wordpress_that_cannot_introspect_says_so() -> None:
    """WordPress 5.6 has no introspect route: its uuid route answers "not found"."""

    def site(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/wp-json/":
            return httpx.Response(200, json={"namespaces": ["wp/v2"], "authentication": {}})
        assert request.method == "GET", "nothing is deleted when the site cannot say what"
        return httpx.Response(
            404,
            json={
                "code": "rest_application_password_not_found",
                "message": "Application password not found.",
                "data": {"status": 404},
            },
        )

    account = Account("wordpress-old", "wordpress", "Old blog", "https://old.example", "exec")
    async with httpx.AsyncClient(transport=httpx.MockTransport(site)) as client:
        assert WORDPRESS.sign_out is not None
        with pytest.raises(Rejected) as refused:
            await WORDPRESS.sign_out(client, account, "app-password-of-exec")
    assert str(refused.value) == (
        "WordPress site old.example cannot tell which application password Fireside signed in "
        "with (that needs WordPress 5.7 or later), so Fireside could not revoke it"
    )
