"""How Fireside's HTTP clients reach networks: the OS trust store, extra CAs, proxies.

Every connector gets its ``httpx.AsyncClient`` from :func:`make_client`. Certificates are
checked against the operating system's trust store through ``truststore`` (so a corporate
root CA that IT installed on the machine just works), plus any extra CA bundles the user
or policy configured. Proxies: "system" (the default) honours the environment and the
platform's proxy settings (httpx reads ``HTTPS_PROXY``/``NO_PROXY``, and through urllib
the Windows registry and macOS System Configuration); "none" ignores them; a URL forces
that proxy. httpx never retries a request by itself, so there are no hidden retries.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import httpx
import truststore

from app.errors import UserError

#: Timeouts for every network call: connecting is quick or offline; reads may be slow.
#: httpx's read timeout restarts with every byte, so connectors also bound each request as
#: a whole and cap the size of an answer (``app.networks.http.HttpTransport``).
TIMEOUT = httpx.Timeout(20.0, connect=5.0)


@dataclass(frozen=True)
class ConnectionSettings:
    """``proxy``: "system", "none" or a proxy URL; ``extra_ca_files``: PEM bundles trusted
    in addition to the OS store."""

    proxy: str = "system"
    extra_ca_files: tuple[str, ...] = ()


SYSTEM_DEFAULTS = ConnectionSettings()


def ssl_context(extra_ca_files: tuple[str, ...] = ()) -> ssl.SSLContext:
    """A verifying context over the OS trust store plus ``extra_ca_files``."""
    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for path in extra_ca_files:
        if not Path(path).is_file():
            raise UserError(
                f"The extra CA certificate file {path!r} does not exist. Fix the path in "
                "Settings (or ask IT to fix the policy), or remove it."
            )
        try:
            context.load_verify_locations(cafile=path)
        except (ssl.SSLError, OSError, ValueError) as exc:
            raise UserError(
                f"The extra CA certificate file {path!r} could not be read as PEM "
                f"certificates ({exc})."
            ) from exc
    return context


def make_client(settings: ConnectionSettings = SYSTEM_DEFAULTS) -> httpx.AsyncClient:
    """An HTTP client with no hidden retries, verifying TLS against the OS trust store."""
    proxy = settings.proxy.strip() or "system"
    if proxy not in ("system", "none") and not proxy.startswith(("http://", "https://")):
        raise UserError(
            f"The proxy {proxy!r} is not a URL: use http://host:port, 'system' or 'none'."
        )
    return httpx.AsyncClient(
        timeout=TIMEOUT,
        follow_redirects=False,
        headers={"User-Agent": "Fireside"},
        verify=ssl_context(settings.extra_ca_files),
        trust_env=proxy == "system",
        proxy=None if proxy in ("system", "none") else proxy,
    )
