"""The relationship ledger and the coverage scorecard: ``PeopleWindows`` opens a person's
page (every comment they wrote on every network, what was answered and how fast, their
tier, notes), the people waiting longest, the scorecard's charts and the weekly report's
PDF export. Its modules load when a window is first asked for."""

from ui.ledger.windows import PeopleWindows

__all__ = ["PeopleWindows"]
