"""Which Entra ID app registration and tenant a Microsoft 365 sign-in uses, and where.

IT registers Fireside in its own tenant and sets the tenant and the app's client id by
policy (``Microsoft365TenantId``, ``Microsoft365ClientId``; README "For IT"). Without
policy a person may type what IT gave them; the tenant falls back to ``organizations``
(any work or school account), the client id to a placeholder that no tenant knows, which
Fireside refuses before contacting Microsoft: Fireside has no app id of its own to use.
``Microsoft365AuthorityHost`` points at a national cloud (or, in the tests, at the
emulated authority); every host goes through the same code path, with MSAL's instance
discovery off (the host is one IT or Fireside chose, never one a server suggested).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import msgspec

#: Not a real app id: the README tells IT to register Fireside and set its own.
PLACEHOLDER_CLIENT_ID = "00000000-0000-0000-0000-000000000000"
DEFAULT_TENANT = "organizations"
DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
GRAPH_URL = "https://graph.microsoft.com"
YAMMER_URL = "https://www.yammer.com"

_GUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_DOMAIN = re.compile(r"(?=.{1,253}$)([a-zA-Z0-9-]{1,63}\.)+[a-zA-Z]{2,63}")
_TENANT_WORDS = ("organizations", "common")


def tenant_problem(tenant: str) -> str | None:
    """Why ``tenant`` is not a tenant id, a verified domain or "organizations"; or None."""
    if tenant in _TENANT_WORDS or _GUID.fullmatch(tenant) or _DOMAIN.fullmatch(tenant):
        return None
    return (
        f"{tenant!r} is not a tenant: use the directory (tenant) ID, a domain of your "
        "organisation (contoso.com) or 'organizations'"
    )


def client_id_problem(client_id: str) -> str | None:
    if not _GUID.fullmatch(client_id):
        return f"{client_id!r} is not an application (client) ID (a GUID)"
    return None


def authority_host_problem(host: str) -> str | None:
    parts = urlsplit(host)
    if parts.scheme != "https" or not parts.hostname or parts.path not in ("", "/"):
        return f"{host!r} is not an https:// address without a path"
    return None


class EntraApp(msgspec.Struct, frozen=True):
    """One app registration in one tenant, and the services it reaches."""

    tenant: str = DEFAULT_TENANT
    client_id: str = PLACEHOLDER_CLIENT_ID
    authority_host: str = DEFAULT_AUTHORITY_HOST
    graph_url: str = GRAPH_URL
    yammer_url: str = YAMMER_URL

    @property
    def authority(self) -> str:
        return f"{self.authority_host.rstrip('/')}/{self.tenant}"

    @property
    def registered(self) -> bool:
        """Has IT (or the person) given a real client id?"""
        return self.client_id != PLACEHOLDER_CLIENT_ID

    def admin_consent_url(self) -> str:
        """Where a tenant admin grants every permission of the registration for the whole
        organisation (learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent,
        "Construct the URL for granting tenant-wide admin consent")."""
        tenant = self.tenant if self.tenant not in _TENANT_WORDS else "{tenant-id}"
        return f"{self.authority_host.rstrip('/')}/{tenant}/adminconsent?client_id={self.client_id}"
