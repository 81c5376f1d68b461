"""Words and hues the editor shows for draft states, transitions and times.

Presentation only: which transitions are allowed is ``app.domain.DRAFT_TRANSITIONS``;
this module only names the ones a person starts with a button.
"""

from __future__ import annotations

from datetime import datetime

from app.domain import DRAFT_TRANSITIONS, DraftState

STATE_LABELS: dict[DraftState, str] = {
    DraftState.DRAFT: "Draft",
    DraftState.FOR_REVIEW: "For review",
    DraftState.APPROVED: "Approved",
    DraftState.SCHEDULED: "Scheduled",
    DraftState.QUEUED: "Queued",
    DraftState.PUBLISHED: "Published",
}

#: The hue of each state's chip, tinted for the scheme in use (``ui.common.chips``): a
#: fixed light slab read as a pressed button on the dark scheme.
STATE_HUES: dict[DraftState, str] = {
    DraftState.DRAFT: "#6b7280",
    DraftState.FOR_REVIEW: "#c77700",
    DraftState.APPROVED: "#2e8b57",
    DraftState.SCHEDULED: "#2563eb",
    DraftState.QUEUED: "#7b52c7",
    DraftState.PUBLISHED: "#1f7a3d",
}

#: Transitions a person makes with a button in the editor. Scheduling and queueing go
#: through the publish dialog (they need accounts and a time); publishing is the engine's.
TRANSITION_LABELS: dict[tuple[DraftState, DraftState], str] = {
    (DraftState.DRAFT, DraftState.FOR_REVIEW): "Submit for review",
    (DraftState.DRAFT, DraftState.APPROVED): "Approve",
    (DraftState.FOR_REVIEW, DraftState.APPROVED): "Approve",
    (DraftState.FOR_REVIEW, DraftState.DRAFT): "Return to draft",
    (DraftState.APPROVED, DraftState.DRAFT): "Back to draft",
    (DraftState.SCHEDULED, DraftState.DRAFT): "Unschedule",
}

#: Why a version was kept, as the history list says it.
VERSION_REASONS: dict[str, str] = {
    "autosave": "Autosaved",
    "manual": "Saved by you",
    "before restore": "Before a restore",
    "state: draft": "Back to draft",
    "state: for_review": "Submitted for review",
    "state: approved": "Approved",
    "state: scheduled": "Scheduled",
    "state: queued": "Queued to publish",
    "state: published": "Published",
}


def button_transitions(state: DraftState) -> list[tuple[DraftState, str]]:
    """The allowed moves from ``state`` that the editor offers as buttons, with their labels."""
    return [
        (target, label)
        for (source, target), label in TRANSITION_LABELS.items()
        if source is state and target in DRAFT_TRANSITIONS[state]
    ]


def local_zone_name() -> str:
    return datetime.now().astimezone().tzname() or "local time"


def version_reason(reason: str | None) -> str:
    return VERSION_REASONS.get(reason or "", (reason or "").capitalize())
