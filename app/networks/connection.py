"""How Fireside's HTTP clients reach networks: the OS trust store, extra CAs, proxies.

Every connector gets its ``httpx.AsyncClient`` from :func:`make_client`. Certificates are
checked against the operating system's trust store through ``truststore`` (so a corporate
root CA that IT installed on the machine just works), plus any extra CA bundles the user
or policy configured. Proxies: "system" (the default) honours the environment and the
platform's proxy settings (httpx reads ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` and
``NO_PROXY``, and through urllib the Windows registry and macOS System Configuration);
"none" ignores them; a URL forces that proxy for every request. httpx treats 127.0.0.1
like any other host: under "system" it goes through the proxy unless ``NO_PROXY`` names
it. httpx never retries a request by itself, so there are no hidden retries.

:func:`proxy_problem` and :func:`ca_file_problem` are the one definition of a valid proxy
setting and CA bundle: policy, the user's settings and the Settings dialog all ask them.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import msgspec

from app.errors import UserError

if TYPE_CHECKING:  # httpx and truststore load with the first client, not with every start
    import httpx

#: Timeouts for every network call (seconds): connecting is quick or offline; reads may be
#: slow. httpx's read timeout restarts with every byte, so connectors also bound each
#: request as a whole and cap the size of an answer (``app.networks.http.HttpTransport``).
TIMEOUT_S, CONNECT_TIMEOUT_S = 20.0, 5.0

#: The proxy settings that are not a URL.
PROXY_WORDS = ("system", "none")


class ConnectionSettings(msgspec.Struct, frozen=True):
    """``proxy``: "system", "none" or a proxy URL; ``extra_ca_files``: PEM bundles trusted
    in addition to the OS store."""

    proxy: str = "system"
    extra_ca_files: tuple[str, ...] = ()


SYSTEM_DEFAULTS = ConnectionSettings()


def proxy_problem(proxy: str) -> str | None:
    """Why ``proxy`` is not a usable proxy setting, or None when it is."""
    if proxy in PROXY_WORDS:
        return None
    shown = repr(proxy)
    try:
        parts = urlsplit(proxy)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return f"{shown} is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{shown} is not a proxy URL: use http://host:port, 'system' or 'none'"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"{shown} has a path; a proxy URL is only http://host:port"
    return None


def ca_file_problem(path: str) -> str | None:
    """Why ``path`` cannot be used as a bundle of PEM CA certificates, or None."""
    if not Path(path).is_absolute():
        return f"the CA certificate file {path!r} is not an absolute path"
    if not Path(path).is_file():
        return f"the CA certificate file {path!r} does not exist"
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=path)
    except (ssl.SSLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or str(exc)
        return f"the CA certificate file {path!r} could not be read as PEM certificates ({reason})"
    return None


def ssl_context(extra_ca_files: tuple[str, ...] = ()) -> ssl.SSLContext:
    """A verifying context over the OS trust store plus ``extra_ca_files``."""
    import truststore

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for path in extra_ca_files:
        problem = ca_file_problem(path)
        if problem is not None:
            raise UserError(
                f"{problem[0].upper()}{problem[1:]}. Fix the path in Settings (or ask IT to "
                "fix the policy), or remove it."
            )
        context.load_verify_locations(cafile=path)
    return context


def make_client(settings: ConnectionSettings = SYSTEM_DEFAULTS) -> httpx.AsyncClient:
    """An HTTP client with no hidden retries, verifying TLS against the OS trust store."""
    import httpx

    proxy = settings.proxy.strip() or "system"
    problem = proxy_problem(proxy)
    if problem is not None:
        raise UserError(f"The proxy setting {problem}.")
    return httpx.AsyncClient(
        timeout=httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
        follow_redirects=False,
        headers={"User-Agent": "Fireside"},
        verify=ssl_context(settings.extra_ca_files),
        trust_env=proxy == "system",
        proxy=None if proxy in PROXY_WORDS else proxy,
    )
