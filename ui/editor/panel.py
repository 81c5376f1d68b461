"""The draft editor panel: title, Markdown body with live preview, per-target length
counters (each target's own limit) and notes on what will not reach a target as written,
a state chip with the allowed transitions, autosave, history and publishing. Pictures
pasted, dropped or inserted into the text are kept with the draft (``ui.editor.pictures``)
and shown by the preview.

Once queued, the banner says how each target gets the post (live, or in one of its site's
own states); once every target has it, the draft is read-only, and its chip says "Sent"
rather than "Published" when a site keeps it as a draft, for review or scheduled.

Every store or core call goes through ``ui.operations.run``; anything that reads the draft
from the store (publish, snapshot, state change, restore) first awaits the autosave, so
the store always sees what is on screen. Keys (while focus is in the panel): Ctrl+S keeps
a version, Ctrl+Enter opens Publish, Ctrl+Shift+H opens the history, Ctrl+Shift+M
inserts a picture, Ctrl+Shift+Delete deletes the draft (``deleteRequested``: the window
deletes it through ``ui.editor.deletion``, then ``close_draft``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core import Core
from app.domain import Account, Capabilities, Delivery, Draft, DraftState, DraftVersion
from app.text.timefmt import exact
from ui import theme
from ui.actions import describe_key, speak_button
from ui.bridge import CoreBridge
from ui.common import focus
from ui.common.announce import Politeness, announce
from ui.common.autosave import Autosave
from ui.common.chips import chip_style
from ui.editor.commands import registry
from ui.editor.counters import LengthCounters
from ui.editor.formatting import FormatBar
from ui.editor.history import HistoryDialog
from ui.editor.labels import STATE_HUES, STATE_LABELS, button_transitions
from ui.editor.notes import TargetNotes
from ui.editor.pictures import BodyEdit, PictureInserter
from ui.editor.preview import Preview
from ui.editor.publish_dialog import PublishDialog, PublishRequest
from ui.editor.targets import LIVE, Target, delivered_as, image_note, notes
from ui.operations import run
from ui.spelling import attach_spell_check

READ_ONLY_STATES = (DraftState.QUEUED, DraftState.PUBLISHED)


class EditorPanel(QWidget):
    """Edits one draft at a time; ``open_draft(id)`` or ``new_draft()`` to start."""

    #: Delete this draft (its id), asked by its key or button.
    deleteRequested = Signal(int)

    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._draft: Draft | None = None  # the open draft as last read from the store
        self._accounts: dict[str, Account] = {}  # by id
        self._loading = False
        self._publish_dialog: PublishDialog | None = None

        self.autosave: Autosave[int, tuple[str, str]] = Autosave(
            lambda draft_id, text: core.drafts.save(draft_id, *text), self._text, self
        )
        self.autosave.saved.connect(self._on_saved)
        self.autosave.failed.connect(self._not_saved)
        self._failing = False  # the autosave failed, and that was said once
        self._said_state: DraftState | None = None  # the state the status line speaks of

        self._pages = QStackedWidget()
        self._pages.addWidget(self._build_empty_page())
        self._editor_page = self._build_editor_page()
        self._pages.addWidget(self._editor_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pages)
        focus.chain(*self.tab_order())  # the window chains it again among its parts

        bridge.draftsChanged.connect(self._reload_state)

    # --- building -------------------------------------------------------------------
    def _build_empty_page(self) -> QWidget:
        page = QWidget()
        text = QLabel(
            "<h3>No draft is open</h3><p>Pick one in the sidebar, or start a new "
            "one. Everything you write is saved as you type, even offline.</p>"
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)  # a small screen or large text: it wraps, never widens
        text.setObjectName("hint")
        button = QPushButton("&New draft")
        button.setAccessibleDescription(
            "No draft is open. Pick one in the sidebar, or start a new one."
        )
        button.clicked.connect(self.new_draft)
        self._new_button = button
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(text)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        return page

    def _build_editor_page(self) -> QWidget:
        page = QWidget()
        self.title_edit = QLineEdit(placeholderText="Title")
        self.title_edit.setObjectName("title")
        self.title_edit.setAccessibleName("Title")
        self.chip = QLabel()
        self.chip.setObjectName("chip")
        # The state and the moves from it sit together, beside the title; the actions go on
        # a row of their own, so neither row is wider than a small screen at 200%.
        self._transition_row = QHBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.title_edit, 1)
        top.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignVCenter)  # a chip, not a button
        top.addLayout(self._transition_row)

        self.history_button = self._button("History", "editor.history", self.open_history)
        self.version_button = self._button("Keep version", "editor.save_version", self.save_version)
        self.publish_button = self._button("Publish…", "editor.publish", self.open_publish)
        # Its key in its tooltip only: four keys on one row do not fit a small screen.
        self.delete_button = self._button(
            "Delete draft", "editor.delete_draft", self.delete_draft, show_key=False
        )
        splitter = self._build_text_and_preview()
        actions = QHBoxLayout()
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        actions.addWidget(self.history_button)
        actions.addWidget(self.version_button)
        actions.addWidget(self.publish_button)

        self.banner = QLabel(wordWrap=True)
        self.banner.setObjectName("banner")
        self.banner.hide()

        self.counters = LengthCounters()
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.notes = TargetNotes()
        footer = QHBoxLayout()
        footer.addWidget(self.counters, 1)
        footer.addWidget(self.status_label)

        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.notes)
        layout.addLayout(footer)

        self.title_spelling = attach_spell_check(self.title_edit, self._core.spelling, None)
        self.body_spelling = attach_spell_check(self.body_edit, self._core.spelling, None)
        self.title_spelling.languageChanged.connect(self.body_spelling.set_language)
        self.body_spelling.languageChanged.connect(self.title_spelling.set_language)
        self.body_spelling.languageChanged.connect(self._keep_language)
        self.title_edit.textChanged.connect(self._edited)
        self.body_edit.textChanged.connect(self._edited)
        for editor in (self.title_edit, self.body_edit):
            editor.installEventFilter(self)
        return page

    def _build_text_and_preview(self) -> QSplitter:
        """The Markdown text and, beside it, how it will look; pictures pasted, dropped or
        inserted (Ctrl+Shift+M) into the text show in the preview."""
        self.body_edit = BodyEdit()
        self.body_edit.setObjectName("body")
        self.body_edit.setPlaceholderText(
            "Write in Markdown: **bold**, _italic_, # Heading, - list, [link](https://…)"
        )
        self.body_edit.setAccessibleName("Draft text")
        focus.tab_leaves(self.body_edit)
        self.body_edit.document().setDocumentMargin(10)
        font = self.body_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.body_edit.setFont(font)
        self.preview = Preview(self._core.drafts.image)
        self.preview.setFont(font)  # the text and how it will look, at one size
        writing = QWidget()  # the text with its formatting bar on top
        column = QVBoxLayout(writing)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.format_bar = FormatBar(
            self.body_edit, lambda text: self._status(text, problem=True, say=True)
        )
        self.pictures = PictureInserter(
            self._core,
            self.body_edit,
            lambda: self.draft_id,
            lambda text, problem: self._status(text, problem=problem, say=True),
        )
        insert_image = registry.bind(self, "editor.image", self.pictures.choose)
        insert_image.setIconText("Image…")
        self.format_bar.addSeparator()
        self.format_bar.addAction(insert_image)
        column.addWidget(self.format_bar)
        column.addWidget(self.body_edit, 1)
        splitter = QSplitter()
        splitter.addWidget(writing)
        splitter.addWidget(self.preview)
        splitter.setChildrenCollapsible(False)
        return splitter

    def _button(
        self, text: str, command: str, handler: Callable[[], None], show_key: bool = True
    ) -> QPushButton:
        """A button and the command's keys (bound on the whole panel) for one action; the
        button shows its key beside its text unless not ``show_key``."""
        action = registry.bind(self, command, handler)
        key = describe_key(registry.command(command).keys[0])
        button = QPushButton(f"{text}   {key}" if show_key else text)
        speak_button(button, text.rstrip("…"), registry.command(command))
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        return button

    def take_focus(self) -> None:
        """Coming to the editor (Ctrl+7, a draft chosen) puts the keyboard in the text, in
        the title while the draft is empty, or on New draft when none is open."""
        if self._pages.currentIndex() == 0:
            self._new_button.setFocus()
        elif not self.title_edit.text() and not self.body_edit.toPlainText():
            self.title_edit.setFocus()
        else:
            self.body_edit.setFocus()

    def tab_order(self) -> list[QWidget]:
        """Where Tab goes in the editor: from the title into the text (as in every mail
        and document editor), its preview, then the state buttons and the actions' row
        (Delete draft on its left, then History, Keep version and Publish)."""
        return [
            self._new_button,
            self.title_edit,
            self.body_edit,
            self.preview,
            *self._transition_buttons(),
            self.delete_button,
            self.history_button,
            self.version_button,
            self.publish_button,
        ]

    def _transition_buttons(self) -> list[QWidget]:
        row = self._transition_row
        items = (row.itemAt(i) for i in range(row.count()))
        return [w for item in items if item is not None and (w := item.widget()) is not None]

    # --- opening --------------------------------------------------------------------
    @property
    def draft_id(self) -> int | None:
        return None if self._draft is None else self._draft.id

    def new_draft(self) -> None:
        run(self, self._core.drafts.new(), on_done=self.open_draft)

    def open_draft(self, draft_id: int) -> None:
        """Show a draft; unsaved text of the one open before is saved first."""
        self.autosave.track(None)
        self._editor_page.setEnabled(False)
        run(self, self._load(draft_id), on_done=self._show_draft)

    async def _load(self, draft_id: int) -> tuple[Draft, dict[str, Account]]:
        draft = await self._core.drafts.get(draft_id)
        accounts = await self._core.accounts.list()
        return draft, {a.id: a for a in accounts}

    def _show_draft(self, loaded: tuple[Draft, dict[str, Account]]) -> None:
        draft, self._accounts = loaded
        self._loading = True
        self.title_edit.setText(draft.title)
        self.body_edit.setPlainText(draft.body)
        self._loading = False
        self.autosave.track(draft.id)
        self._loading = True  # the draft's own language is not a change to keep
        for spelling in (self.title_spelling, self.body_spelling):
            spelling.set_language(draft.language)
        self._loading = False
        self.preview.show_markdown(draft.body, now=True)
        self._apply_state(draft)
        self._pages.setCurrentIndex(1)
        self._editor_page.setEnabled(True)
        self._status("")
        (self.title_edit if not (draft.title or draft.body) else self.body_edit).setFocus()

    def close_draft(self) -> None:
        """Show no draft (the open one was deleted); its unsaved text is saved first."""
        self.autosave.track(None)
        self._draft = None
        self._loading = True
        self.title_edit.clear()
        self.body_edit.clear()
        self._loading = False
        self._pages.setCurrentIndex(0)

    def delete_draft(self) -> None:
        """Ctrl+Shift+Delete: delete this draft (the window asks first when it must)."""
        if self._draft is not None:
            self.deleteRequested.emit(self._draft.id)

    def _keep_language(self, language: str | None) -> None:
        """A language chosen in the spelling menu stays with the draft."""
        if self._draft is not None and not self._loading:
            run(self, self._core.drafts.set_language(self._draft.id, language))

    def _reload_state(self) -> None:
        if self._draft is not None:
            run(self, self._core.drafts.get(self._draft.id), on_done=self._apply_reloaded)

    def _apply_reloaded(self, draft: Draft) -> None:
        """A reload answers for the draft open when it was asked: drop it if another draft
        has been opened since (autosaving the one left announces a change)."""
        if self.draft_id == draft.id:
            self._apply_state(draft)
            self.preview.refresh_pictures()

    def _apply_state(self, draft: Draft) -> None:
        """Show state, transitions, banner, counters; the text on screen is left alone. A
        status line about an earlier state ("Queued for …") goes once the state moves on,
        so "Queued" never shows beside "Published"."""
        self._draft = draft
        state = draft.state
        if self._said_state is not None and self._said_state is not state:
            self._said_state = None
            self._status("")
        self._show_chip(STATE_LABELS[state])
        self._style_chip()
        self.chip.setToolTip("draft → for review → approved → scheduled → queued → published")
        self.chip.setAccessibleDescription(
            "A draft goes through for review, approved, scheduled, queued and published."
        )
        self._show_transitions(state)
        # A deleted draft opened from an older list (a search made before): shown, not edited.
        read_only = state in READ_ONLY_STATES or draft.deleted_at is not None
        self.title_edit.setReadOnly(read_only)
        self.body_edit.setReadOnly(read_only)
        self.publish_button.setEnabled(not read_only)
        banner = _banner(draft, ", ".join(self._target_names(draft)))
        self.banner.setText(banner)
        self.banner.setVisible(bool(banner))
        self._update_counters()
        self.notes.check(*self._text(), self._target_list(), now=True)
        if state in READ_ONLY_STATES:
            run(
                self,
                self._core.drafts.deliveries(draft.id),
                on_done=lambda found: self._show_deliveries(draft, found),
            )

    def _show_deliveries(self, draft: Draft, deliveries: list[Delivery]) -> None:
        """Say how each target gets the post, now that its outbox items are known."""
        if self._draft is None or self._draft.id != draft.id or not deliveries:
            return
        where = ", ".join(
            d.account_name
            if d.options.status == LIVE
            else f"{d.account_name} ({delivered_as(d.options, self._noun(d))})"
            for d in deliveries
        )
        if self._draft.state is DraftState.PUBLISHED and any(
            d.options.status != LIVE for d in deliveries
        ):
            self._show_chip("Sent")
        banner = _banner(self._draft, where)
        self.banner.setText(banner)
        self.banner.setVisible(bool(banner))

    def _style_chip(self) -> None:
        """The state chip in its state's hue, tinted for the scheme's window as the inbox's
        chips are: a fixed light grey slab read as a pressed button on the dark scheme."""
        if self._draft is None:
            return
        window = self.palette().color(QPalette.ColorRole.Window)
        style = chip_style(STATE_HUES[self._draft.state], window, padding="3px 10px")
        if self.chip.styleSheet() != style:
            self.chip.setStyleSheet(style)

    def changeEvent(self, event: QEvent) -> None:  # Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self._style_chip()  # the scheme changed: the chip's tint follows it
        super().changeEvent(event)

    def _show_chip(self, label: str) -> None:
        """The state chip's text, which is also what screen readers hear for it."""
        self.chip.setText(label)
        self.chip.setAccessibleName(f"State: {label}")

    def _noun(self, delivery: Delivery) -> str:
        capabilities = self._core.capabilities().get(delivery.account_id)
        return capabilities.target_noun.lower() if capabilities else "site"

    def _show_transitions(self, state: DraftState) -> None:
        had_focus = False
        while (taken := self._transition_row.takeAt(0)) is not None:
            old = taken.widget()
            if old is not None:
                had_focus = had_focus or old.hasFocus()
                old.deleteLater()
        if had_focus:  # the pressed button is going away: keep the keyboard in the text
            self.body_edit.setFocus()
        for target, label in button_transitions(state):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, t=target: self.change_state(t))
            self._transition_row.addWidget(button)
        # New buttons join the end of the window's Tab order (after the status bar):
        # put them back where they belong, between the preview and the actions' row.
        focus.chain(self.preview, *self._transition_buttons(), self.delete_button)

    # --- typing ---------------------------------------------------------------------
    def _text(self) -> tuple[str, str]:
        return self.title_edit.text(), self.body_edit.toPlainText()

    def _edited(self) -> None:
        if self._loading:
            return
        self.autosave.touch()
        self.preview.show_markdown(self.body_edit.toPlainText())
        self._update_counters()
        self.notes.check(*self._text(), self._target_list())

    def _targets(self) -> list[str]:
        connected = self._core.capabilities()
        chosen = [a for a in (self._draft.targets if self._draft else ()) if a in connected]
        return chosen or list(connected)

    def _target_list(self, account_ids: list[str] | None = None) -> list[Target]:
        """The connected accounts among ``account_ids`` (default: the draft's targets)."""
        capabilities = self._core.capabilities()
        chosen = self._targets() if account_ids is None else account_ids
        return [self._target(a, capabilities[a]) for a in chosen if a in capabilities]

    def _target(self, account_id: str, capabilities: Capabilities) -> Target:
        account = self._accounts.get(account_id)
        places = self._core.places().get(account_id)
        if account is None:  # connected since the draft was opened
            return Target(
                account_id, capabilities.display_name, capabilities.network, capabilities, places
            )
        return Target(account_id, account.name, account.network, capabilities, places)

    def _target_names(self, draft: Draft) -> list[str]:
        return [self._accounts[a].name if a in self._accounts else a for a in draft.targets]

    def _update_counters(self) -> None:
        text = self.body_edit.toPlainText()
        self.counters.show_counts(
            [(t.name, t.limit, t.length_of(text)) for t in self._target_list()]
        )

    def _on_saved(self, draft_id: int, _changed: bool) -> None:
        if draft_id != self.draft_id:
            return
        self._failing = False
        self._status(f"Saved {time.strftime('%H:%M:%S')}")  # every second: painted, not said

    def _not_saved(self, error: str) -> None:
        """Retried every few seconds: said once, until a save works again."""
        text = f"Not saved yet: {error}. Retrying…"
        self._status(text, problem=True, say=not self._failing)
        self._failing = True

    def _status(self, text: str, *, problem: bool = False, say: bool = False) -> None:
        """The line under the text; ``say`` announces it to screen readers too (a result
        the person asked for, or a problem), not the autosave's every tick."""
        self.status_label.setText(text)
        theme.mark_problem(self.status_label, problem)
        if say:
            announce(
                self.status_label, text, Politeness.ASSERTIVE if problem else Politeness.POLITE
            )

    def flush(self) -> asyncio.Task | None:
        """Save unsaved text now; await the task before closing the core."""
        return self.autosave.flush()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() == QEvent.Type.FocusOut:
            self.autosave.flush()
        return super().eventFilter(watched, event)

    def hideEvent(self, event: QHideEvent) -> None:  # Qt override
        self.autosave.flush()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        self.autosave.flush()
        super().closeEvent(event)

    # --- actions --------------------------------------------------------------------
    def save_version(self) -> None:
        """Ctrl+S: keep the text as it is now as a named version."""
        if self._draft is not None:
            run(
                self,
                self._snapshot(self._draft.id),
                on_done=lambda _: self._status(f"Version kept {time.strftime('%H:%M')}", say=True),
            )

    async def _snapshot(self, draft_id: int) -> None:
        await self.autosave.save_now()
        await self._core.drafts.keep_version(draft_id)

    def change_state(self, state: DraftState) -> None:
        if self._draft is not None:
            run(self, self._change_state(self._draft.id, state), on_done=self._state_changed)

    async def _change_state(self, draft_id: int, state: DraftState) -> Draft:
        await self.autosave.save_now()
        return await self._core.drafts.set_state(draft_id, state)

    def _state_changed(self, draft: Draft) -> None:
        self._apply_state(draft)
        announce(self.chip, f"{self.chip.accessibleName()}. {self.banner.text()}")
        if self._publish_dialog is not None:
            self._publish_dialog.set_draft_state(draft.state)

    def open_publish(self) -> None:
        """Ctrl+Enter: choose accounts, how each site gets the post and a time (or review)
        in the publish dialog."""
        if self._draft is None or self._draft.state in READ_ONLY_STATES:
            return
        if self._publish_dialog is not None:
            return
        self.autosave.flush()
        run(
            self,
            self.notes.features(self.body_edit.toPlainText()),
            on_done=self._show_publish,
        )

    def _show_publish(self, features: frozenset[str]) -> None:
        if self._draft is None or self._draft.state in READ_ONLY_STATES:
            return
        title = self.title_edit.text()
        targets = self._target_list(list(self._core.capabilities()))
        dialog = PublishDialog(
            title,
            targets,
            list(self._draft.targets),
            self.body_edit.toPlainText(),
            state=self._draft.state,
            notes={t.account_id: notes(title, features, t) for t in targets},
            note=image_note(features),
            parent=self,
        )
        dialog.publishRequested.connect(self._publish)
        dialog.stateRequested.connect(self.change_state)
        dialog.finished.connect(self._publish_closed)
        self._publish_dialog = dialog
        dialog.open()

    def _publish_closed(self) -> None:
        if self._publish_dialog is not None:
            self._publish_dialog.deleteLater()
        self._publish_dialog = None

    def _publish(self, request: PublishRequest) -> None:
        if self._draft is not None:
            run(self, self._do_publish(self._draft.id, request), on_done=self._published)

    async def _do_publish(self, draft_id: int, request: PublishRequest) -> Draft:
        await self.autosave.save_now()
        return await self._core.drafts.publish(
            draft_id, request.account_ids, when=request.when, options=request.options
        )

    def _published(self, draft: Draft) -> None:
        self._apply_state(draft)
        self._said_state = draft.state
        if self._publish_dialog is not None:
            self._publish_dialog.accept()
        names = ", ".join(self._target_names(draft))
        self._status(
            f"Scheduled for {exact(draft.scheduled_at)}"
            if draft.scheduled_at
            else f"Queued for {names}",
            say=True,
        )

    def open_history(self) -> None:
        """Ctrl+Shift+H: versions of this draft, the diff to the current text, and restore."""
        if self._draft is not None:
            run(self, self._versions(self._draft.id), on_done=self._show_history)

    async def _versions(self, draft_id: int) -> list[DraftVersion]:
        await self.autosave.save_now()
        return await self._core.drafts.versions(draft_id)

    def _show_history(self, versions: list[DraftVersion]) -> None:
        title, body = self._text()
        dialog = HistoryDialog(versions, title, body, self)
        dialog.restoreRequested.connect(self.restore_version)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def restore_version(self, version_id: int) -> None:
        if self._draft is not None:
            run(self, self._restore(self._draft.id, version_id), on_done=self._restored)

    async def _restore(self, draft_id: int, version_id: int) -> tuple[Draft, dict[str, Account]]:
        await self.autosave.save_now()
        await self._core.drafts.restore(draft_id, version_id)
        return await self._load(draft_id)

    def _restored(self, loaded: tuple[Draft, dict[str, Account]]) -> None:
        self._show_draft(loaded)
        self._status("Restored. The text it replaced is kept in History.", say=True)


def _banner(draft: Draft, targets: str) -> str:
    """One sentence under the toolbar saying what the state means and what to do next;
    ``targets`` names where the draft goes (and how, once that is known)."""
    state = draft.state
    where = targets or "your accounts"
    if draft.deleted_at is not None:
        return "This draft is deleted. Restore it from File > Deleted drafts… to change it."
    return {
        DraftState.FOR_REVIEW: "Waiting for review. Approve it to publish, or return it to "
        "draft for changes.",
        DraftState.APPROVED: "Approved. Press Ctrl+Enter to publish it or pick a time.",
        DraftState.SCHEDULED: f"Scheduled for {exact(draft.scheduled_at)} (your time) to {where}.",
        DraftState.QUEUED: f"Queued for {where}: it goes out with the next sync. To change "
        "or cancel it, use the Outbox.",
        DraftState.PUBLISHED: f"Sent {exact(draft.published_at)} to {where}. This "
        "text is now read-only; what happens next happens on the sites.",
    }.get(state, "")
