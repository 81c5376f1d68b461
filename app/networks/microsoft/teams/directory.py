"""A person's job title and manager chain from Microsoft Graph's directory (for the VIP
tiers: ``app.vip.tiers``), one request per person.

learn.microsoft.com/graph/api/user-list-manager ("List manager", v1.0), "Get the
management chain": ``GET /users/{id}?$expand=manager($levels=max)``, with ``$select``
inside the expand for each manager's properties; ``$levels`` needs the header
``ConsistencyLevel: eventual``. The answer is the user, whose ``manager`` is their manager,
whose ``manager`` is the next one up, to the root; no ``manager`` when none is assigned.
A manager is a directoryObject: a user or an organisational contact, named by
``@odata.type``; both have ``displayName`` and ``jobTitle``. Permission (delegated):
``User.Read.All`` at least, which an administrator grants; without it Graph answers 403
``Authorization_RequestDenied`` and ``DirectoryRefused`` says so in plain words.

Requests wait for the budget ``DIRECTORY`` of the account's Graph pacer (the Teams
limit, 4 a second, is far below the directory's own).
"""

from __future__ import annotations

from typing import Any

from app.domain import Manager, OrgChart
from app.errors import BadResponse, PermissionDenied
from app.networks.microsoft.teams.api import GraphApi

#: The pacer's name for directory reads (a budget of their own, beside each team's).
DIRECTORY = "directory"
PERMISSION = "User.Read.All"
#: Managers read at most (Graph's ``$levels`` goes to 1000; no organisation is that deep,
#: and a cycle in a malformed answer must not run on).
MOST_MANAGERS = 50
_FIELDS = "id,displayName,jobTitle"


class DirectoryRefused(PermissionDenied):
    """Graph will not let Fireside read the directory (the permission is not granted)."""


async def read_chart(api: GraphApi, user_id: str) -> OrgChart:
    """The job title and managers of the user ``user_id`` (an Entra object id)."""
    params = {"$select": _FIELDS, "$expand": f"manager($levels=max;$select={_FIELDS})"}
    try:
        data = await api.call(
            "GET",
            api.url(f"/users/{user_id}"),
            team=DIRECTORY,
            params=params,
            headers={"ConsistencyLevel": "eventual"},
        )
    except PermissionDenied as exc:
        raise DirectoryRefused(
            "Microsoft 365 does not let Fireside read job titles and managers from the "
            f"directory: the permission {PERMISSION} has not been granted to Fireside. "
            "An administrator can grant it; until then VIP tiers come from the titles "
            f"other networks report, imported lists and stars. ({exc})"
        ) from exc
    return parse_chart(data, user_id, api.service)


def parse_chart(data: Any, user_id: str, service: str) -> OrgChart:
    """The chart in Graph's answer about ``user_id``; BadResponse when it is not one."""
    if not isinstance(data, dict) or data.get("id") != user_id:
        raise BadResponse(f"{service} sent a malformed directory entry for {user_id}.")
    managers: list[Manager] = []
    seen = {user_id}
    above = data.get("manager")
    while isinstance(above, dict) and len(managers) < MOST_MANAGERS:
        manager_id = above.get("id")
        if not isinstance(manager_id, str) or manager_id in seen:
            break
        seen.add(manager_id)
        managers.append(Manager(manager_id, _text(above, "displayName"), _text(above, "jobTitle")))
        above = above.get("manager")
    return OrgChart(user_id, _text(data, "jobTitle"), tuple(managers))


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    return " ".join(value.split()) if isinstance(value, str) else ""
