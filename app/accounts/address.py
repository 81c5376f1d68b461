"""The address of an account as the user typed it, made canonical: a scheme (https when
none was typed), a host, no trailing slash, no query or fragment."""

from __future__ import annotations

from app.errors import UserError


def normalize_url(typed: str, label: str = "address") -> str:
    """``blog.example.com/`` -> ``https://blog.example.com``; UserError when it is not one."""
    text = typed.strip()
    if not text:
        raise UserError(f"Fill in the {label}.")
    if "://" not in text:
        text = f"https://{text}"
    import httpx  # loaded by the first account check, not with every start

    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, ValueError):
        raise UserError(f"{typed.strip()!r} is not a web address.") from None
    if url.scheme not in ("http", "https") or not url.host or " " in text:
        raise UserError(
            f"{typed.strip()!r} is not a web address: use one like https://host.example.com."
        )
    if url.query or url.fragment:
        raise UserError(f"Leave out the part after ? or # in {typed.strip()!r}.")
    port = f":{url.port}" if url.port else ""
    path = url.path.rstrip("/")
    return f"{url.scheme}://{url.host}{port}{path}"


def host_of(url: str) -> str:
    """The host (and port, if any) people recognise an address by."""
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        return url
    if not parsed.host:
        return url
    return f"{parsed.host}:{parsed.port}" if parsed.port else parsed.host


def same_address(a: str, b: str) -> bool:
    """Do two typed addresses name the same place?"""
    try:
        return normalize_url(a) == normalize_url(b)
    except UserError:
        return a.strip() == b.strip()
