"""The publish dialog: where (each connected account, with its network, limit, format and
titles, and, when its site can keep a post in more states than live, how the site gets
it), when (now, or Fireside's own schedule at a chosen local date and time) and, for
drafts that go through review, submit or approve.

Two kinds of "later" meet here, and the dialog keeps them apart. Fireside's schedule
("Later, at") holds the post on this computer and sends it, live, when it is due. A site's
own states ("Save as draft on the site", "Submit for review on the site", "Schedule on the
site at ...") send the post now and let the site hold it. Both read the one date and time
picker; a site schedule switches the dialog to "Now", and the two together are refused
with a sentence saying why.

It only gathers a decision and says why it cannot be taken yet; the editor panel makes
the core call and closes it on success (on failure it stays open with the error shown).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

import msgspec
from PySide6.QtCore import QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateTimeEdit,
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import DRAFT_TRANSITIONS, DraftState, PublishOptions
from app.timeutil import iso
from ui.editor.labels import STATE_LABELS, local_zone_name
from ui.editor.target_row import TargetRow
from ui.editor.targets import LIVE, SITE_SCHEDULE, Target

REVIEW_ACTIONS = ((DraftState.FOR_REVIEW, "Submit for &review"), (DraftState.APPROVED, "&Approve"))
TIME_FORMAT = "ddd d MMM, HH:mm"


class PublishRequest(msgspec.Struct, frozen=True):
    account_ids: list[str]
    when: str | None  # UTC ISO timestamp for Fireside's schedule, or None for "now"
    #: How each chosen account's site gets the post (its remote status and date).
    options: dict[str, PublishOptions] = msgspec.field(default_factory=dict)


def next_full_hour() -> QDateTime:
    """Default schedule: the next full hour at least 30 minutes away."""
    moment = QDateTime.currentDateTime().addSecs(30 * 60)
    return QDateTime(moment.date(), QTime(moment.time().hour(), 0)).addSecs(3600)


class PublishDialog(QDialog):
    """Choose accounts, how each site gets the post, and a time; then Publish, Send or
    Schedule; or move the draft through review."""

    publishRequested = Signal(object)  # PublishRequest
    stateRequested = Signal(object)  # DraftState

    def __init__(
        self,
        title: str,
        targets: list[Target],
        chosen: list[str],
        text: str,
        *,
        state: DraftState,
        notes: dict[str, list[str]] | None = None,
        note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        """``notes``: per account, what will not reach it as written; ``note``: what
        reaches no account (shown under the heading)."""
        super().__init__(parent)
        self.setWindowTitle("Publish")
        self.setMinimumWidth(640)
        self._text = text
        self._state = state

        heading = QLabel(
            f"<b>{html.escape(title) or 'Untitled draft'}</b> · {len(text):,} characters"
        )
        self.note = QLabel(note)
        self.note.setObjectName("warning")
        self.note.setVisible(bool(note))
        self.rows: dict[str, TargetRow] = {}
        accounts_box = self._build_accounts(targets, chosen, notes or {})
        self.when_box = self._build_when()
        self.review_box, self.review_note = self._build_review()

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("error")
        self.publish_button = QPushButton()
        self.publish_button.setDefault(True)
        self.publish_button.clicked.connect(self._publish)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.publish_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.note)
        layout.addWidget(accounts_box)
        layout.addWidget(self.when_box)
        layout.addWidget(self.review_box)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self._update()

    # --- building -------------------------------------------------------------------
    def _build_accounts(
        self, targets: list[Target], chosen: list[str], notes: dict[str, list[str]]
    ) -> QGroupBox:
        group = QGroupBox("Where")
        column = QVBoxLayout(group)
        for number, target in enumerate(targets):
            if number:
                line = QFrame()
                line.setFrameShape(QFrame.Shape.HLine)
                line.setFrameShadow(QFrame.Shadow.Sunken)
                column.addWidget(line)
            row = TargetRow(
                target,
                target.length_of(self._text),
                notes.get(target.account_id, []),
                checked=target.account_id in chosen or not chosen,
            )
            row.changed.connect(lambda r=row: self._row_changed(r))
            column.addWidget(row)
            self.rows[target.account_id] = row
        if not targets:
            column.addWidget(QLabel("No account is connected. Add one under Accounts."))
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
        self.when_edit.setAccessibleName("Date and time")
        zone = QLabel(f"your time ({local_zone_name()})")
        zone.setObjectName("hint")
        self.when_hint = QLabel()
        self.when_hint.setObjectName("hint")
        self.when_hint.setWordWrap(True)
        self.later_radio.toggled.connect(self._update)
        self.when_edit.dateTimeChanged.connect(self._time_picked)
        later = QHBoxLayout()
        later.addWidget(self.later_radio)
        later.addWidget(self.when_edit)
        later.addWidget(zone)
        later.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.now_radio)
        layout.addLayout(later)
        layout.addWidget(self.when_hint)
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
            button.setAutoDefault(False)
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
        return [account_id for account_id, row in self.rows.items() if row.chosen]

    def when(self) -> str | None:
        """Fireside's schedule (UTC), or None to send now."""
        return self._picked_utc() if self.later_radio.isChecked() else None

    def options(self) -> dict[str, PublishOptions]:
        """How the site of each chosen account gets the post."""
        at = self._picked_utc()
        return {account_id: self.rows[account_id].options(at) for account_id in self.chosen()}

    def _picked_utc(self) -> str:
        seconds = self.when_edit.dateTime().toSecsSinceEpoch()
        return iso(datetime.fromtimestamp(seconds, UTC))

    def _site_scheduled(self) -> list[TargetRow]:
        return [r for r in self.rows.values() if r.chosen and r.status_value() == SITE_SCHEDULE]

    def _row_changed(self, row: TargetRow) -> None:
        """A site schedule sends the post now: it and Fireside's schedule cannot combine."""
        if row.chosen and row.status_value() == SITE_SCHEDULE and self.later_radio.isChecked():
            self.now_radio.setChecked(True)
        self._update()

    def _time_picked(self) -> None:
        """A new time is for the site's schedule when one is chosen, else for Fireside's."""
        if not self._site_scheduled():
            self.later_radio.setChecked(True)
        self._update()

    def _update(self) -> None:
        allowed = DRAFT_TRANSITIONS[self._state]
        for state, button in self.review_buttons.items():
            button.setVisible(state in allowed)
        self.review_note.setText(_review_note(self._state))
        later = self.later_radio.isChecked()
        when = self.when_edit.dateTime().toString(TIME_FORMAT)
        for row in self.rows.values():
            row.show_when(when, later=later)
        self.when_hint.setText(self._when_hint(later, when))
        self.when_hint.setVisible(bool(self.when_hint.text()))
        live = all(self.rows[a].status_value() == LIVE for a in self.chosen())
        self.publish_button.setText(
            f"&Schedule for {when}" if later else "&Publish now" if live else "&Send now"
        )
        problem = self._problem()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.publish_button.setEnabled(not problem)
        self._fit()

    def _fit(self) -> None:
        """Be as tall as the wrapped lines shown now need: never squeezed, never padded."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        width = max(self.width(), self.minimumWidth())
        needed = (
            layout.totalHeightForWidth(width)
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        self.setMinimumHeight(needed)
        if self.height() != needed:
            self.resize(width, needed)

    def _when_hint(self, later: bool, when: str) -> str:
        if later:
            return (
                f"Fireside sends it at {when}: this computer must be on and online then "
                "(if it is not, the post goes out as soon as it is)."
            )
        sites = self._site_scheduled()
        if sites:
            names = ", ".join(r.target.name for r in sites)
            return f"The time above is when {names} publishes it, by itself."
        return ""

    def _problem(self) -> str:
        """Why publishing cannot happen yet, in words; empty when it can."""
        later = self.later_radio.isChecked()
        target = DraftState.SCHEDULED if later else DraftState.QUEUED
        if target is not self._state and target not in DRAFT_TRANSITIONS[self._state]:
            return {
                DraftState.FOR_REVIEW: "Waiting for review: approve it before publishing.",
                DraftState.QUEUED: "Already queued: change or cancel it in the Outbox.",
                DraftState.PUBLISHED: "Already published.",
            }.get(
                self._state,
                f"A {STATE_LABELS[self._state].lower()} draft cannot be published from here.",
            )
        rows = [self.rows[a] for a in self.chosen()]
        if not rows:
            return "Choose at least one account."
        for row in rows:
            if row.problem:
                return row.problem
            if row.over:
                return (
                    f"{row.target.name} allows {row.target.limit:,} characters; "
                    f"shorten the post by {row.over:,}."
                )
        held = [r for r in rows if r.status_value() != LIVE]
        if later and held:
            row = held[0]
            return (
                f"“{row.status_text()}” sends the post to {row.target.name} now, so it "
                "cannot wait for Fireside's schedule. Choose Now, or publish it there "
                "when Fireside sends it."
            )
        if (later or self._site_scheduled()) and (
            self.when_edit.dateTime() <= QDateTime.currentDateTime()
        ):
            return "Pick a time in the future."
        return ""

    def _publish(self) -> None:
        if not self._problem():
            self.publishRequested.emit(PublishRequest(self.chosen(), self.when(), self.options()))


def _review_note(state: DraftState) -> str:
    return {
        DraftState.DRAFT: "Not reviewed. Review is optional; a chief of staff can hand it "
        "over for approval.",
        DraftState.FOR_REVIEW: "Submitted for review. Approve it to publish.",
        DraftState.APPROVED: "Approved ✓",
        DraftState.SCHEDULED: "Scheduled. Publishing now replaces the schedule.",
    }.get(state, STATE_LABELS[state])
