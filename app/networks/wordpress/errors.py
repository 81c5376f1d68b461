"""WordPress's error answers in words the user can act on (``HttpTransport``'s ``classify``).

The REST API answers an error as ``{"code": "rest_…", "message": "…", "data": {"status":
N}}`` (a WP_Error). The code decides the exception; the status alone is ambiguous: the same
"rest_cannot_create" is 401 when the request was not signed in at all and 403 when the
signed-in user lacks the permission. WordPress 6.1 quietly treats a request with a wrong
or revoked application password as signed out, so a permission code with 401 means "the
credentials did not work" (AuthError), never "ask for a role" (PermissionDenied).

``rest_invalid_param`` wraps per-parameter errors in ``data.details``; a
``rest_forbidden_status`` in there (listing drafts without ``edit_posts``) is a permission
problem, not a bad request. A redirect is the wrong address (WrongService: sign in with
the one it points to), and so is a 401/403 on the REST index that is not a WordPress error
(something else guards the address). Codes not listed here fall back to the transport's mapping by
status, with WordPress's own message. Messages are unescaped and stripped of the HTML
WordPress puts in some of them (``<strong>Error:</strong>``, ``&#8217;``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from app.errors import (
    AuthError,
    NotFound,
    PermissionDenied,
    RateLimited,
    Rejected,
    WrongService,
)
from app.networks.http import capped_wait, retry_after
from app.text.classify import html_to_text
from app.text.remote_text import display_text

#: WordPress refuses a second comment from one person within 15 seconds (comment_flood_filter).
FLOOD_WAIT_S = 15.0
#: WordPress core's limit on a comment's content, in bytes (wp_get_comment_fields_max_lengths).
COMMENT_MAX_BYTES = 65_525

SIGNED_OUT = (
    "{service} treated the request as signed out: the user name or application password is "
    "wrong, the password was revoked, or something in front of WordPress drops the "
    "Authorization header. Create a new application password in WordPress (Users → Profile "
    "→ Application Passwords) and sign in to the account again"
)

_AUTH = {
    "rest_not_logged_in": SIGNED_OUT,
    "rest_comment_login_required": SIGNED_OUT,
    "incorrect_password": (
        "{service} refused the application password: it is wrong or was revoked. Create a new "
        "one (Users → Profile → Application Passwords) and sign in to the account again"
    ),
    "invalid_username": "{service} has no user with this user name. Check it and sign in again",
    "invalid_email": "{service} has no user with this email address. Check it and sign in again",
    "application_passwords_disabled": (
        "{service} has Application Passwords turned off (WordPress offers them only over "
        "HTTPS, and a plugin may disable them). Ask the site's administrator"
    ),
    "application_passwords_disabled_for_user": (
        "{service} has Application Passwords turned off for this user. Ask the site's administrator"
    ),
}

#: Codes that mean "the signed-in user may not do this" (with 403), or "not signed in" (401).
_PERMISSION = {
    "rest_forbidden_status": (
        "this user may not see drafts, pending or scheduled posts (it needs the Author, "
        "Editor or Administrator role)"
    ),
    "rest_cannot_publish": (
        "this user may not publish or schedule posts (it needs the Author, Editor or "
        "Administrator role)"
    ),
    "rest_cannot_create": "this user may not create this here",
    "rest_cannot_edit": "this user may not edit it",
    "rest_cannot_edit_others": "this user may not edit other people's posts",
    "rest_cannot_delete": "this user may not delete it",
    "rest_forbidden_context": "this user may not edit it",
    "rest_forbidden_param": "this user may not filter by that",
    "rest_forbidden": "this user may not do this",
    "rest_cannot_read": "this user may not read it",
    "rest_cannot_read_post": "this user may not read the post",
    "rest_comment_invalid_author": "this user may not comment in someone else's name",
    "rest_comment_invalid_status": "this user may not moderate comments",
    "rest_cannot_assign_term": "this user may not assign that category or tag",
}

_REJECTED = {
    "rest_comment_closed": "Comments are closed on this post on {service}",
    "rest_comment_draft_post": (
        "The post is not published on {service} (it is a draft, pending review or scheduled), "
        "so it cannot take comments yet"
    ),
    "rest_comment_trash_post": "The post is in the trash on {service}, so it takes no comments",
    "rest_comment_author_data_required": (
        "{service} requires a name and an email address on every comment, and this user's "
        "WordPress profile lacks one: add them under Users → Profile"
    ),
    "rest_comment_content_invalid": "{service} refused an empty comment",
    "comment_content_column_length": (
        f"{{service}} refused the comment as too long: WordPress takes at most "
        f"{COMMENT_MAX_BYTES:,} bytes of HTML in one comment. Shorten it"
    ),
    "rest_trash_not_supported": (
        "{service} has its trash turned off, and Fireside only moves posts and comments to the "
        "trash, never deletes them for good: delete it on the site itself"
    ),
}

_NOT_FOUND = {
    "rest_post_invalid_id": "The post no longer exists on {service}",
    "rest_comment_invalid_id": "The comment no longer exists on {service}",
    "rest_comment_invalid_post_id": "The comment's post no longer exists on {service}",
    "rest_already_trashed": "It is already in the trash on {service}",
    "rest_user_invalid_id": "The user no longer exists on {service}",
    "rest_post_invalid_page_number": "{service} has fewer pages of posts than asked for",
    "rest_comment_invalid_page_number": "{service} has fewer pages of comments than asked for",
}

_ROUTE_WITH_ID = re.compile(r"^/wp/v2/[a-z-]+/[^/]+")


class Redirected(WrongService):
    """The site answered with a redirect (http to https, another host, a login page)."""


class DuplicateComment(Rejected):
    """WordPress refused a comment identical to one it already has (409 comment_duplicate):
    after an answer was lost, this is the earlier attempt that did land."""


def error_text(body: Any) -> str | None:
    """WordPress's own message of an error body, as plain text of sane length."""
    message = body["message"]
    if not isinstance(message, str):
        return None
    return display_text(html_to_text(message), 300)


def wp_code(body: Any) -> str | None:
    """The WP_Error code of an error body, if it has one."""
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        return body["code"]
    return None


def route_of(url: httpx.URL) -> str:
    """The REST route a URL asks for ("/wp/v2/posts/5"), pretty or ``?rest_route=``."""
    path = url.path
    if "/wp-json" in path:
        return path.split("/wp-json", 1)[1] or "/"
    routes = parse_qs(urlsplit(str(url)).query).get("rest_route")
    return routes[0] if routes else path


def _inner_code(body: dict) -> tuple[str, int | None] | None:
    """A permission error wrapped in rest_invalid_param's details, with its own status."""
    details = body.get("data", {}).get("details") if isinstance(body.get("data"), dict) else None
    if not isinstance(details, dict):
        return None
    for detail in details.values():
        code = wp_code(detail)
        if code in _PERMISSION:
            data = detail.get("data")
            status = data.get("status") if isinstance(data, dict) else None
            return code, status if isinstance(status, int) else None
    return None


def _invalid_params(body: dict, message: str) -> str:
    """rest_invalid_param's message with each parameter's reason."""
    params = body.get("data", {}).get("params") if isinstance(body.get("data"), dict) else None
    if not isinstance(params, dict):
        return message
    reasons = [display_text(html_to_text(v), 200) for v in params.values() if isinstance(v, str)]
    return f"{message} ({'; '.join(reasons)})" if reasons else message


class Classifier:
    """``classify(status, body, response)`` for one site; ``service`` names it."""

    def __init__(self, service: str) -> None:
        self.service = service

    def __call__(self, status: int, body: Any, response: httpx.Response) -> Exception | None:
        what = f"{response.request.method} {route_of(response.request.url)}"
        if 300 <= status < 400:
            return self._redirected(what, response)
        code = wp_code(body)
        if code is None:
            if status in (401, 403) and route_of(response.request.url) == "/":
                return WrongService(
                    f"{self.service} answered {what} with HTTP {status}, not the way WordPress "
                    "does: something other than WordPress asks for a sign-in there"
                )
            return None
        message = error_text(body) or code
        if code == "rest_invalid_param" and (inner := _inner_code(body)):
            code, status = inner[0], inner[1] or status
        return self._for_code(
            code, status, body=body, message=message, what=what, response=response
        )

    def _for_code(
        self,
        code: str,
        status: int,
        *,
        body: dict,
        message: str,
        what: str,
        response: httpx.Response,
    ) -> Exception | None:
        service = self.service
        if code in _AUTH:
            return AuthError(f"{_AUTH[code].format(service=service)} ({message}).")
        if code in _PERMISSION:
            if status == 401:
                return AuthError(f"{SIGNED_OUT.format(service=service)} ({message}).")
            return PermissionDenied(f"{service} refused {what}: {_PERMISSION[code]} ({message}).")
        if code == "comment_duplicate":
            return DuplicateComment(
                f"{service} already has this exact comment from this user ({message})."
            )
        if code == "comment_flood":
            wait = retry_after(response) or capped_wait(FLOOD_WAIT_S)
            return RateLimited(
                f"{service} refused {what} as too fast: WordPress takes one comment every "
                f"{FLOOD_WAIT_S:g} seconds from the same person ({message}).",
                wait,
            )
        if code in _REJECTED:
            return Rejected(f"{_REJECTED[code].format(service=service)} ({message}).")
        if code in _NOT_FOUND:
            return NotFound(f"{_NOT_FOUND[code].format(service=service)} ({message}).")
        if code == "rest_no_route":
            return self._no_route(what, message, response)
        if code in ("rest_invalid_param", "rest_missing_callback_param", "rest_invalid_json"):
            return Rejected(f"{service} refused {what}: {_invalid_params(body, message)}.")
        return None

    def _no_route(self, what: str, message: str, response: httpx.Response) -> Exception:
        """An id that names nothing is NotFound; a missing collection is the wrong service."""
        if _ROUTE_WITH_ID.match(route_of(response.request.url)):
            return NotFound(f"{self.service} has nothing at {what} ({message}).")
        return WrongService(
            f"{self.service} does not offer {what} ({message}): its REST API is restricted, "
            "perhaps by a security plugin, or the address is not the site's own address."
        )

    def _redirected(self, what: str, response: httpx.Response) -> Redirected:
        location = display_text(response.headers.get("Location", "") or "another address", 200)
        return Redirected(
            f"{self.service} redirected {what} to {location}. Sign in to the account again with "
            "the address the site redirects to (for example its https:// address)."
        )
