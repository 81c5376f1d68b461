"""The Graph emulator's directory: people's job titles and managers (for VIP tiers).

learn.microsoft.com/graph/api/user-get and …/graph/api/user-list-manager (v1.0):

- ``GET /users/{id}``: the user; ``$select`` picks properties (``id`` always comes back);
  ``$expand=manager`` adds the manager, ``$expand=manager($levels=n)`` the chain up to n
  levels (``max``: to the root; n from 1 to 1000), with ``$select`` inside the parentheses
  for each manager's properties; ``$levels`` "requires the ConsistencyLevel header set
  to eventual" (user-list-manager, "Optional query parameters"), else 400. Ambiguity:
  the page does not show that 400's code; ``Request_UnsupportedQuery`` is the code Graph
  gives advanced queries sent without the header (concepts/aad-advanced-queries).
- ``GET /users/{id}/manager``: the manager, a directoryObject; 404 when none is assigned.
- a manager comes with ``@odata.type`` (``#microsoft.graph.user``): the navigation's type
  is directoryObject, so Graph names the derived type it returns.
- permission: delegated ``User.Read.All`` (least privileged, per both pages); a token
  without it gets 403 ``Authorization_RequestDenied``, "Insufficient privileges to
  complete the operation." (what Graph answers directory reads beyond the grant).
- an unknown id: 404 ``Request_ResourceNotFound``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulators.microsoft.apiserver import Request, Response
from emulators.microsoft.graph_errors import error

DIRECTORY_SCOPE = "User.Read.All"
_PROPERTIES = ("id", "displayName", "jobTitle", "userPrincipalName", "mail")
_EXPAND = re.compile(r"^manager(?:\((?P<options>[^()]*)\))?$")
MOST_LEVELS = 1000


@dataclass
class DirectoryEntry:
    """What the directory holds about one user beyond their name."""

    job_title: str | None = None
    manager: str | None = None  # the manager's user id


class Directory:
    """Users' titles and managers; ``name_of`` gives a user's display name (None: no
    such user)."""

    def __init__(self, name_of: Callable[[str], str | None]) -> None:
        self.name_of = name_of
        self.entries: dict[str, DirectoryEntry] = {}

    def set(self, user_id: str, job_title: str | None, manager: str | None = None) -> None:
        self.entries[user_id] = DirectoryEntry(job_title, manager)

    def serve(self, request: Request, parts: list[str]) -> Response:
        """``parts``: the path after /v1.0/, starting with ``users``."""
        if (
            request.method != "GET"
            or len(parts) not in (2, 3)
            or parts[2:] not in ([], ["manager"])
        ):
            return error(400, "BadRequest", "Unsupported request on users.")
        user_id = parts[1]
        if self.name_of(user_id) is None:
            return _not_found(user_id)
        if parts[2:] == ["manager"]:
            manager = self._entry(user_id).manager
            if manager is None:
                return _not_found("manager")
            return Response(200, self._user(manager, _PROPERTIES, typed=True))
        selected = _select(request.query.get("$select", ""))
        body = self._user(user_id, selected)
        expand = request.query.get("$expand")
        if expand is None:
            return Response(200, body)
        found = _EXPAND.match(expand.replace(" ", ""))
        if found is None:
            return error(400, "BadRequest", f"Could not find a property named '{expand}'.")
        options = dict(o.split("=", 1) for o in (found["options"] or "").split(";") if "=" in o)
        levels = options.get("$levels", "1")
        if "$levels" in options and request.headers.get("consistencylevel") != "eventual":
            return error(
                400,
                "Request_UnsupportedQuery",
                "The $levels query parameter requires the ConsistencyLevel header: eventual.",
            )
        if levels != "max" and not (levels.isdigit() and 1 <= int(levels) <= MOST_LEVELS):
            return error(400, "Request_UnsupportedQuery", f"Invalid $levels value '{levels}'.")
        depth = MOST_LEVELS if levels == "max" else int(levels)
        inner = _select(options.get("$select", ""))
        at, level = body, 0
        manager = self._entry(user_id).manager
        while manager is not None and level < depth:
            above = self._user(manager, inner, typed=True)
            at["manager"] = above
            at, level = above, level + 1
            manager = self._entry(manager).manager
        return Response(200, body)

    def _entry(self, user_id: str) -> DirectoryEntry:
        return self.entries.get(user_id) or DirectoryEntry()

    def _user(self, user_id: str, selected: tuple[str, ...], typed: bool = False) -> dict:
        everything: dict[str, Any] = {
            "id": user_id,
            "displayName": self.name_of(user_id),
            "jobTitle": self._entry(user_id).job_title,
            "userPrincipalName": f"{user_id[:8]}@contoso.example",
            "mail": f"{user_id[:8]}@contoso.example",
        }
        shown = {k: everything[k] for k in ("id", *selected) if k in everything}
        return {"@odata.type": "#microsoft.graph.user", **shown} if typed else shown


def _select(text: str) -> tuple[str, ...]:
    """The properties a ``$select`` names (all of ``_PROPERTIES`` when it names none)."""
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    return names or _PROPERTIES


def _not_found(what: str) -> Response:
    return error(
        404,
        "Request_ResourceNotFound",
        f"Resource '{what}' does not exist or one of its queried reference-property objects "
        "are not present.",
    )
