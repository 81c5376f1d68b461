"""The publish dialog: where (accounts, each with its length limit), when (now or at a
chosen local date and time) and, for drafts that go through review, submit or approve.

It only gathers a decision and says why it cannot be taken yet; the editor panel makes
the core call and closes it on success (on failure it stays open with the error shown).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import DRAFT_TRANSITIONS, DraftState
from app.timeutil import iso
from ui.editor.labels import STATE_LABELS, local_zone_name

REVIEW_ACTIONS = ((DraftState.FOR_REVIEW, "Submit for &review"), (DraftState.APPROVED, "&Approve"))


@dataclass(frozen=True)
class Target:
    """One connected account the draft can go to."""

    account_id: str
    name: str
    limit: int


@dataclass(frozen=True)
class PublishRequest:
    account_ids: list[str]
    when: str | None  # UTC ISO timestamp, or None for "now"


def next_full_hour() -> QDateTime:
    """Default schedule: the next full hour at least 30 minutes away."""
    moment = QDateTime.currentDateTime().addSecs(30 * 60)
    return QDateTime(moment.date(), QTime(moment.time().hour(), 0)).addSecs(3600)


class PublishDialog(QDialog):
    """Choose accounts and a time, then Publish or Schedule; or move the draft through review."""

    publishRequested = Signal(object)  # PublishRequest
    stateRequested = Signal(object)  # DraftState

    def __init__(
        self,
        title: str,
        targets: list[Target],
        chosen: list[str],
        length: int,
        *,
        state: DraftState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Publish")
        self.setMinimumWidth(520)
        self._length = length
        self._state = state

        heading = QLabel(f"<b>{html.escape(title) or 'Untitled draft'}</b> · {length:,} characters")
        self.accounts: dict[str, QCheckBox] = {}
        accounts_box = self._build_accounts(targets, chosen)
        self.when_box = self._build_when()
        self.review_box, self.review_note = self._build_review()

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("error")
        self.publish_button = QPushButton()
        self.publish_button.setDefault(True)
        self.publish_button.clicked.connect(self._publish)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem, 1)
        buttons.addWidget(close)
        buttons.addWidget(self.publish_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(accounts_box)
        layout.addWidget(self.when_box)
        layout.addWidget(self.review_box)
        layout.addLayout(buttons)
        self._update()

    # --- building -------------------------------------------------------------------
    def _build_accounts(self, targets: list[Target], chosen: list[str]) -> QGroupBox:
        group = QGroupBox("Where")
        grid = QGridLayout(group)
        self._limits = {t.account_id: t.limit for t in targets}
        self._names = {t.account_id: t.name for t in targets}
        for row, target in enumerate(targets):
            box = QCheckBox(target.name)
            box.setChecked(target.account_id in chosen or not chosen)
            box.toggled.connect(self._update)
            over = self._length > target.limit
            count = QLabel(
                f"{self._length:,} / {target.limit:,}"
                + (f" · {self._length - target.limit:,} too many" if over else "")
            )
            count.setObjectName("error" if over else "hint")
            grid.addWidget(box, row, 0)
            grid.addWidget(count, row, 1)
            self.accounts[target.account_id] = box
        if not targets:
            grid.addWidget(QLabel("No account is connected. Add one under Accounts."), 0, 0)
        grid.setColumnStretch(0, 1)
        return group

    def _build_when(self) -> QGroupBox:
        box = QGroupBox("When")
        self.now_radio = QRadioButton("&Now, with the next sync")
        self.later_radio = QRadioButton("&Later, at")
        self.now_radio.setChecked(True)
        group = QButtonGroup(box)
        group.addButton(self.now_radio)
        group.addButton(self.later_radio)
        self.when_edit = QDateTimeEdit(next_full_hour())
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("ddd d MMM yyyy   HH:mm")
        self.when_edit.setMinimumDateTime(QDateTime.currentDateTime())
        self.when_edit.setAccessibleName("Publish at")
        zone = QLabel(f"your time ({local_zone_name()})")
        zone.setObjectName("hint")
        self.later_radio.toggled.connect(self._update)
        self.when_edit.dateTimeChanged.connect(self._update)
        self.when_edit.dateTimeChanged.connect(lambda *_: self.later_radio.setChecked(True))
        later = QHBoxLayout()
        later.addWidget(self.later_radio)
        later.addWidget(self.when_edit)
        later.addWidget(zone)
        later.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.now_radio)
        layout.addLayout(later)
        return box

    def _build_review(self) -> tuple[QGroupBox, QLabel]:
        box = QGroupBox("Review")
        note = QLabel()
        note.setWordWrap(True)
        row = QHBoxLayout(box)
        row.addWidget(note, 1)
        self.review_buttons: dict[DraftState, QPushButton] = {}
        for state, label in REVIEW_ACTIONS:
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, s=state: self.stateRequested.emit(s))
            row.addWidget(button)
            self.review_buttons[state] = button
        return box, note

    # --- state ----------------------------------------------------------------------
    def set_draft_state(self, state: DraftState) -> None:
        """The draft moved (e.g. it was just approved): offer what is possible now."""
        self._state = state
        self._update()

    def chosen(self) -> list[str]:
        return [account_id for account_id, box in self.accounts.items() if box.isChecked()]

    def when(self) -> str | None:
        if not self.later_radio.isChecked():
            return None
        seconds = self.when_edit.dateTime().toSecsSinceEpoch()
        return iso(datetime.fromtimestamp(seconds, UTC))

    def _update(self) -> None:
        allowed = DRAFT_TRANSITIONS[self._state]
        for state, button in self.review_buttons.items():
            button.setVisible(state in allowed)
        self.review_note.setText(_review_note(self._state))
        later = self.later_radio.isChecked()
        self.publish_button.setText(
            f"&Schedule for {self.when_edit.dateTime().toString('ddd d MMM, HH:mm')}"
            if later
            else "&Publish now"
        )
        problem = self._problem()
        self.problem.setText(problem)
        self.publish_button.setEnabled(not problem)

    def _problem(self) -> str:
        """Why publishing cannot happen yet, in words; empty when it can."""
        target = DraftState.SCHEDULED if self.later_radio.isChecked() else DraftState.QUEUED
        if target is not self._state and target not in DRAFT_TRANSITIONS[self._state]:
            return {
                DraftState.FOR_REVIEW: "Waiting for review: approve it before publishing.",
                DraftState.QUEUED: "Already queued: change or cancel it in the Outbox.",
                DraftState.PUBLISHED: "Already published.",
            }.get(
                self._state,
                f"A {STATE_LABELS[self._state].lower()} draft cannot be published from here.",
            )
        chosen = self.chosen()
        if not chosen:
            return "Choose at least one account."
        for account_id in chosen:
            if self._length > self._limits[account_id]:
                return (
                    f"{self._names[account_id]} allows {self._limits[account_id]:,} "
                    f"characters; shorten the post by "
                    f"{self._length - self._limits[account_id]:,}."
                )
        if (
            self.later_radio.isChecked()
            and self.when_edit.dateTime() <= QDateTime.currentDateTime()
        ):
            return "Pick a time in the future."
        return ""

    def _publish(self) -> None:
        if not self._problem():
            self.publishRequested.emit(PublishRequest(self.chosen(), self.when()))


def _review_note(state: DraftState) -> str:
    return {
        DraftState.DRAFT: "Not reviewed. Review is optional; a chief of staff can hand it "
        "over for approval.",
        DraftState.FOR_REVIEW: "Submitted for review. Approve it to publish.",
        DraftState.APPROVED: "Approved ✓",
        DraftState.SCHEDULED: "Scheduled. Publishing now replaces the schedule.",
    }.get(state, STATE_LABELS[state])
