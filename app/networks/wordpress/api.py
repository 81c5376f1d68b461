"""Requests to one WordPress site's REST API: where it lives, signing in, paging.

A site serves its REST API under ``/wp-json/`` when pretty permalinks work, and always
under ``/?rest_route=/``. ``discover`` asks the first, then the second, for the REST index
(``name``, ``namespaces``, ``authentication``); a site that answers neither with an index
listing ``wp/v2`` is not a WordPress site (WrongService). Every request after that goes to
the root that answered.

Each request carries HTTP Basic user name + Application Password; failures are mapped by
``HttpTransport`` (see app/networks/http.py) refined by ``errors.Classifier``. Collections
are paged with ``page``/``per_page`` and WordPress's ``X-WP-TotalPages`` header.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec

from app.errors import BadResponse, NotFound, Rejected, WrongService
from app.networks.http import MAX_RESPONSE_BYTES, REQUEST_DEADLINE_S, HttpTransport
from app.networks.wordpress.errors import Classifier, Redirected, error_text

#: WordPress's largest page (per_page is 1-100).
PAGE_SIZE = 100
#: A bound on "every page" loops, far above any real listing (a million items).
MAX_PAGES = 10_000
_INDEX_FIELDS = "name,namespaces,authentication"
#: Paths people paste with the address that are not part of the site's address.
_SUFFIXES = ("/wp-json", "/wp-admin", "/wp-login.php", "/index.php")


def site_address(base_url: str) -> str:
    """The site's address as typed, normalised: https:// when no scheme, no trailing
    slash, no ``/wp-json``/``/wp-admin`` pasted along."""
    address = base_url.strip()
    if "://" not in address:
        address = "https://" + address
    address = address.rstrip("/")
    for suffix in _SUFFIXES:
        if address.lower().endswith(suffix):
            address = address[: -len(suffix)].rstrip("/")
    return address


def service_name(address: str) -> str:
    """How messages name the site: "WordPress site blog.example.com"."""
    return f"WordPress site {urlsplit(address).netloc or address}"


class Page(msgspec.Struct, frozen=True):
    """One page of a collection, how many pages and items (None: not said) it has in all."""

    items: list
    total_pages: int
    total: int | None


class Api:
    """The REST API of one site, signed in as one user (every request, the probe too)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        username: str,
        password: str,
        *,
        deadline: float = REQUEST_DEADLINE_S,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.address = site_address(base_url)
        self.service = service_name(self.address)
        self._http = HttpTransport(
            client,
            self.service,
            error_text=error_text,
            classify=Classifier(self.service),
            deadline=deadline,
            max_response_bytes=max_response_bytes,
        )
        pair = f"{username}:{password}".encode()
        self._headers = {
            "Accept": "application/json",
            "Authorization": "Basic " + base64.b64encode(pair).decode("ascii"),
        }
        #: Whether routes go in ``?rest_route=``; None until ``discover`` found the root.
        self._query_routes: bool | None = None
        self._discovering = asyncio.Lock()

    @property
    def client(self) -> httpx.AsyncClient:
        return self._http.client

    async def discover(self) -> dict:
        """The REST index, from ``/wp-json/`` or else ``/?rest_route=/``; WrongService when
        neither is WordPress's. Offline, TLS, auth and server errors pass through."""
        refusals: list[Exception] = []
        for query_routes in (False, True):
            try:
                index, _ = await self._send(
                    "GET", "/", {"_fields": _INDEX_FIELDS}, None, query_routes
                )
            except (NotFound, BadResponse, Rejected, WrongService) as exc:
                refusals.append(exc)
                continue
            if isinstance(index, dict) and isinstance(index.get("namespaces"), list):
                if "wp/v2" not in index["namespaces"]:
                    raise WrongService(
                        f"{self.service} runs WordPress, but its REST API offers no wp/v2 "
                        "routes (a plugin turned them off). Ask the site's administrator."
                    )
                self._query_routes = query_routes
                return index
            refusals.append(BadResponse("the answer is not a REST index"))
        redirect = next((e for e in refusals if isinstance(e, Redirected)), None)
        if redirect is not None:
            raise redirect
        raise WrongService(
            f"{self.address} does not look like a WordPress site: neither /wp-json/ nor "
            f"/?rest_route=/ answered with WordPress's REST API ({refusals[-1]}). Check the "
            "address: it is the site's home page, such as https://blog.example.com."
        )

    async def call(
        self,
        method: str,
        route: str,
        *,
        params: dict | None = None,
        body: dict | None = None,
    ) -> Any:
        """One request to ``route`` ("/wp/v2/posts"); its decoded JSON, or app.errors."""
        data, _ = await self._send(method, route, params, body)
        return data

    async def upload(self, route: str, data: bytes, headers: dict[str, str], params: dict) -> Any:
        """POST a file's bytes as the request body (the media library's way); ``headers``
        say what the file is (Content-Type, Content-Disposition). Its decoded JSON."""
        answer, _ = await self._send("POST", route, params, None, content=data, headers=headers)
        return answer

    async def page(self, route: str, params: dict, page: int, what: str) -> Page:
        """Page ``page`` (1-based) of a collection; BadResponse if it is not a list."""
        query = {**params, "per_page": PAGE_SIZE, "page": page}
        data, headers = await self._send("GET", route, query, None)
        if not isinstance(data, list):
            raise BadResponse(f"{self.service} sent a {what} listing that is not a list.")
        return Page(data, _total_pages(headers, page, len(data)), _count(headers, "X-WP-Total"))

    def parsed(self, data: Any, parse: Callable[..., Any], what: str, *args: Any) -> Any:
        """``parse(data, *args)``; Malformed becomes BadResponse naming ``what``."""
        return self._http.parsed(data, parse, what, *args)

    async def _send(
        self,
        method: str,
        route: str,
        params: dict | None,
        body: dict | None,
        query_routes: bool | None = None,
        *,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[Any, httpx.Headers]:
        if query_routes is None:
            async with self._discovering:
                if self._query_routes is None:
                    await self.discover()
            query_routes = self._query_routes
        query: dict | None
        if query_routes:
            url, query = self.address + "/", {"rest_route": route, **(params or {})}
        else:
            url, query = self.address + "/wp-json" + route, params
        return await self._http.call_with_headers(
            method,
            url,
            what=f"{method} {route}",
            params=query,
            json=body,
            content=content,
            headers={**self._headers, **(headers or {})},
        )


def _count(headers: httpx.Headers, name: str) -> int | None:
    value = headers.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) <= 12 else None


def _total_pages(headers: httpx.Headers, page: int, count: int) -> int:
    """X-WP-TotalPages; without a usable one, a full page means there may be another."""
    total = _count(headers, "X-WP-TotalPages")
    if total is not None:
        return total
    return page + 1 if count >= PAGE_SIZE else page
