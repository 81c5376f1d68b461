"""What a network's directory says about a person: their job title and the chain of
managers above them (nearest first), as Microsoft Graph reports it. The VIP tier rule
(``app.vip.tiers``) reads it; the store keeps it (``app.store.org_charts``)."""

from __future__ import annotations

import msgspec


class Manager(msgspec.Struct, frozen=True):
    """One person above another in the directory's reporting line."""

    remote_id: str
    name: str
    title: str = ""


class OrgChart(msgspec.Struct, frozen=True):
    """A person's job title and managers, their own manager first, the head of the
    organisation last (empty: the directory names no manager)."""

    remote_id: str
    title: str
    managers: tuple[Manager, ...] = ()

    def reports_to(self, remote_id: str) -> bool:
        """Whether ``remote_id`` is anywhere above this person."""
        return any(m.remote_id == remote_id for m in self.managers)
