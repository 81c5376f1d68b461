"""The relationship ledger and the coverage scorecard: ``PeopleWindows`` opens a person's
page (``PersonPage``: every comment they wrote on every network, what was answered and
how fast, their tier, notes), the people waiting longest (``WaitingDialog``), the
scorecard's charts (``ScorecardDialog``) and the weekly report's PDF export
(``render_report``)."""

from ui.ledger.person_page import PersonPage
from ui.ledger.report import render_report
from ui.ledger.scorecard import ScorecardDialog
from ui.ledger.waiting import WaitingDialog
from ui.ledger.windows import PeopleWindows

__all__ = ["PeopleWindows", "PersonPage", "ScorecardDialog", "WaitingDialog", "render_report"]
