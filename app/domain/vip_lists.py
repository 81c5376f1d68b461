"""An imported VIP list as it crosses the core's door: the rows read from the comms team's
CSV, the rows refused (with the line and why), and the preview of what applying it would
change (who was found, who was not, who keeps a tier set by hand)."""

from __future__ import annotations

import msgspec

from app.domain.states import VipTier


class VipListRow(msgspec.Struct, frozen=True):
    """One person the list names: by email or by name, on one network or on any."""

    line: int
    email: str
    name: str
    #: A network kind ("slack", "yammer"...), or "" for every network.
    network: str
    tier: VipTier

    @property
    def who(self) -> str:
        return self.email or self.name


class VipListProblem(msgspec.Struct, frozen=True):
    """A line that was not read, and why, in plain words."""

    line: int
    message: str


class VipMatch(msgspec.Struct, frozen=True):
    """A person the list found, with the tier they have and the one the list gives."""

    line: int
    person_id: int
    name: str
    network: str
    tier_now: VipTier
    tier_new: VipTier
    #: Their tier was set by hand: the list leaves it alone.
    kept_by_hand: bool


class VipImportPreview(msgspec.Struct, frozen=True):
    file_name: str
    #: How the file's bytes were read ("UTF-8", "UTF-16", "Windows-1252").
    encoding: str
    matched: tuple[VipMatch, ...]
    unmatched: tuple[VipListRow, ...]
    problems: tuple[VipListProblem, ...]

    @property
    def to_change(self) -> tuple[VipMatch, ...]:
        """The matches applying would change (not set by hand, not already that tier)."""
        return tuple(m for m in self.matched if not m.kept_by_hand and m.tier_now != m.tier_new)


class VipImportDone(msgspec.Struct, frozen=True):
    """An applied list: its id (to undo it) and how many people it changed."""

    import_id: int
    changed: int
