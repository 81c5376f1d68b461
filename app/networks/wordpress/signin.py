"""Signing in to a WordPress site, saying exactly what is wrong when it fails.

In order, each step with its own error:

1. the address answers at all: OfflineError, or TlsError for a certificate Fireside does
   not trust (both from ``HttpTransport``);
2. it is a WordPress site with the REST API's wp/v2 routes (``Api.discover``): WrongService;
3. it offers Application Passwords (the REST index's ``authentication``): AuthError;
4. user name + application password sign in (``/users/me``): AuthError;
5. the user may write and publish posts (``capabilities`` with ``context=edit``: the
   ``edit_posts`` and ``publish_posts`` permissions): PermissionDenied, naming the role.

The application password is the secret (spaces, which WordPress shows it with, removed);
the user id is the account's only setting. ``sign_out`` (when the account is removed)
revokes that application password on the site.
"""

from __future__ import annotations

import re

import httpx

from app.domain import Account
from app.errors import AuthError, BadResponse, NotFound, PermissionDenied, Rejected, WrongService
from app.networks.registry import NetworkKind, SignIn
from app.networks.wordpress.api import Api
from app.networks.wordpress.network import WordPressNetwork
from app.networks.wordpress.parse import parse_person
from app.text.remote_text import display_text

#: Permissions Fireside needs, with what lacking each means.
REQUIRED = (
    ("edit_posts", "write posts"),
    ("publish_posts", "publish or schedule posts"),
)


def clean_password(app_password: str) -> str:
    """WordPress shows application passwords in groups ("abcd efgh ..."); it ignores the
    spaces, and so does Fireside."""
    return re.sub(r"\s+", "", app_password)


async def sign_in(
    client: httpx.AsyncClient, base_url: str, username: str, app_password: str, extra: dict
) -> SignIn:
    """Check address, site, credentials and permissions; the secret and settings to keep."""
    password = clean_password(app_password)
    api = Api(client, base_url, username.strip(), password)
    index = await api.discover()
    authentication = index.get("authentication")
    if not isinstance(authentication, dict) or "application-passwords" not in authentication:
        raise AuthError(
            f"{api.service} does not offer Application Passwords: they need WordPress 5.6 or "
            "later and HTTPS (a plugin may also turn them off). Use the site's https:// "
            "address, or ask its administrator."
        )
    me = await api.call(
        "GET",
        "/wp/v2/users/me",
        params={"context": "edit", "_fields": "id,name,roles,capabilities"},
    )
    person = api.parsed(me, parse_person, "user")  # so ``me`` is a dict with an id and name
    capabilities = me.get("capabilities")
    roles = me.get("roles")
    role = ", ".join(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else ""
    for permission, meaning in REQUIRED:
        if not isinstance(capabilities, dict) or capabilities.get(permission) is not True:
            raise PermissionDenied(
                f"{display_text(person.name, 80)} may not {meaning} on {api.service} (no "
                f"{permission} permission; role: {display_text(role, 80) or 'none'}). Ask the "
                "site's administrator for the Author or Editor role."
            )
    return SignIn(
        secret=password,
        username=username.strip(),
        display_name=person.name,
        settings={"user_id": int(person.remote_id)},
    )


async def sign_out(client: httpx.AsyncClient, account: Account, secret: str) -> None:
    """Revoke the application password Fireside signs in with: WordPress names the one in
    use (``/application-passwords/introspect``, WordPress 5.7 or later) and deletes it by
    its uuid. Rejected when the site cannot say which one it is; AuthError when the
    password no longer works."""
    api = Api(client, account.base_url, account.username, secret)
    await api.discover()
    route = "/wp/v2/users/me/application-passwords"
    try:
        used = await api.call("GET", route + "/introspect", params={"_fields": "uuid"})
    except (NotFound, WrongService) as exc:  # no such route (older WordPress, or a plugin)
        raise Rejected(
            f"{api.service} cannot tell which application password Fireside signed in with "
            "(that needs WordPress 5.7 or later), so Fireside could not revoke it"
        ) from exc
    uuid = used.get("uuid") if isinstance(used, dict) else None
    if not isinstance(uuid, str) or not re.fullmatch(r"[\w-]+", uuid):
        raise BadResponse(f"{api.service} named the application password in use unreadably.")
    await api.call("DELETE", f"{route}/{uuid}")


def build(account: Account, secret: str, client: httpx.AsyncClient) -> WordPressNetwork:
    return WordPressNetwork(client, account.base_url, account.username, secret)


KIND = NetworkKind(
    id="wordpress",
    display_name="WordPress",
    url_label="Site address",
    url_placeholder="https://blog.example.com",
    username_label="User name",
    password_label="Application password",
    help=(
        "Create an application password in WordPress under Users → Profile → Application "
        "Passwords (WordPress 5.6 or later, over HTTPS), then paste it here."
    ),
    sign_in=sign_in,
    build=build,
    sign_out=sign_out,
    revoke_by_hand=(
        "open Users → Profile → Application Passwords in WordPress and revoke the one you "
        "made for Fireside."
    ),
)
