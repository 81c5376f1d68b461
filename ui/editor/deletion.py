"""Deleting a draft and bringing it back: the window's one place for it, whichever part
asked (the editor's Ctrl+Shift+Delete, the sidebar's key or context menu, the menus).

Deleting the draft open in the editor first saves its last keystrokes. A draft whose post
is queued in the outbox is refused with a box that says so and offers the Outbox; a
scheduled one is deleted only once the person agreed that its publish will not happen.
Once deleted, the status bar says so with an Undo button (and Ctrl+Shift+R) that brings it
back; "Deleted drafts…" lists every deleted draft to restore one. A restored draft opens
in the editor (``restored``); a scheduled one comes back as a plain draft, and the message
says so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain import DeletedDraft, RestoredDraft
from app.errors import DraftQueued, DraftScheduled
from app.text.timefmt import exact
from ui.common.announce import Politeness
from ui.operations import run, show_error

if TYPE_CHECKING:
    from app.core import Core
    from ui.actions import Registry
    from ui.bridge import CoreBridge
    from ui.editor.deleted_dialog import DeletedDraftsDialog


class DraftDeletion(QObject):
    #: What to say in the status bar (text, politeness).
    said = Signal(str, object)
    #: A draft was deleted (the window closes it, and offers Undo in the status bar).
    deleted = Signal(object)  # DeletedDraft
    #: A draft came back: open it.
    restored = Signal(int)
    #: The person wants the Outbox (to cancel a queued draft there).
    outboxWanted = Signal()

    def __init__(
        self,
        core: Core,
        bridge: CoreBridge,
        window: QWidget,
        registry: Registry,
        saving: Callable[[int], Awaitable[None] | None],
    ) -> None:
        """``saving(draft_id)``: the save of that draft's last keystrokes, when it is open
        in the editor (None when it is not)."""
        super().__init__(window)
        self._core = core
        self._bridge = bridge
        self._window = window
        self._saving = saving
        self._last: DeletedDraft | None = None  # what Undo brings back
        #: The question or refusal on screen, if any (a scheduled or queued draft).
        self.asking: QMessageBox | None = None
        self.dialog: DeletedDraftsDialog | None = None
        self.undo_action = registry.bind(
            window, "window.undo_delete_draft", self.undo, Qt.ShortcutContext.WindowShortcut
        )
        self.undo_action.setEnabled(False)
        registry.bind(
            window, "window.deleted_drafts", self.show_deleted, Qt.ShortcutContext.WindowShortcut
        )

    # --- deleting -----------------------------------------------------------------------
    def delete(self, draft_id: int, drop_schedule: bool = False) -> None:
        """Delete the draft (after saving its last keystrokes, if it is open)."""
        run(
            self._window,
            self._delete(draft_id, drop_schedule),
            on_done=self._deleted,
            on_error=lambda exc: self._refused(draft_id, exc),
        )

    async def _delete(self, draft_id: int, drop_schedule: bool) -> DeletedDraft:
        saving = self._saving(draft_id)
        if saving is not None:
            await saving
        return await self._core.drafts.delete(draft_id, drop_schedule)

    def _deleted(self, gone: DeletedDraft) -> None:
        self._last = gone
        self.undo_action.setEnabled(True)
        self.deleted.emit(gone)

    def _refused(self, draft_id: int, exc: BaseException) -> None:
        if isinstance(exc, DraftQueued):
            self._ask(
                QMessageBox.Icon.Information,
                "Cannot delete a queued draft",
                str(exc),
                act="Open the Outbox",
                on_act=self.outboxWanted.emit,
                dismiss=QMessageBox.StandardButton.Close,
            )
        elif isinstance(exc, DraftScheduled):
            when = f"on {exact(exc.scheduled_at)}" if exc.scheduled_at else "soon"
            self._ask(
                QMessageBox.Icon.Warning,
                "Delete a scheduled draft?",
                f"“{exc.title}” is scheduled to publish {when}. If you delete it, that "
                "publish will not happen. Restoring it later brings it back as a plain "
                "draft, to schedule again.",
                act="Delete draft",
                on_act=lambda: self.delete(draft_id, drop_schedule=True),
                dismiss=QMessageBox.StandardButton.Cancel,
            )
        else:
            show_error(self._window, exc)

    def _ask(
        self,
        icon: QMessageBox.Icon,
        title: str,
        text: str,
        *,
        act: str,
        on_act: Callable[[], object],
        dismiss: QMessageBox.StandardButton,
    ) -> None:
        """A box with ``act`` (which runs ``on_act``) and ``dismiss`` (Cancel, Close), the
        default: Enter or Esc leaves everything as it was."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, self._window)
        action = box.addButton(act, QMessageBox.ButtonRole.AcceptRole)
        leave = box.addButton(dismiss)
        box.setDefaultButton(leave)
        box.setEscapeButton(leave)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda pressed: on_act() if pressed is action else None)
        box.finished.connect(self._answered)
        self.asking = box
        box.open()

    def _answered(self) -> None:
        self.asking = None

    # --- bringing back ------------------------------------------------------------------
    def undo(self) -> None:
        """Bring back the draft deleted last (the status bar's Undo, Ctrl+Shift+R)."""
        if self._last is not None:
            self.restore(self._last.id)

    def restore(self, draft_id: int) -> None:
        run(
            self._window,
            self._core.drafts.restore_deleted(draft_id),
            on_done=self._restored,
            on_error=lambda exc: self.said.emit(str(exc), Politeness.ASSERTIVE),
        )

    def _restored(self, back: RestoredDraft) -> None:
        if self._last is not None and self._last.id == back.id:
            self._last = None
            self.undo_action.setEnabled(False)
        if self.dialog is not None:
            self.dialog.accept()
        self.restored.emit(back.id)
        self.said.emit(restored_text(back), Politeness.POLITE)

    def show_deleted(self) -> DeletedDraftsDialog:
        """The Deleted drafts dialog: every deleted draft, newest first, to restore one."""
        from ui.editor.deleted_dialog import DeletedDraftsDialog  # built on demand

        if self.dialog is None:
            self.dialog = DeletedDraftsDialog(self._core, self._bridge, self._window)
            self.dialog.restoreRequested.connect(self.restore)
            self.dialog.finished.connect(self._dialog_closed)
        self.dialog.open()
        return self.dialog

    def _dialog_closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None


def deleted_text(gone: DeletedDraft) -> str:
    """What the status bar says once a draft is deleted."""
    return f"Draft “{gone.title or 'Untitled'}” deleted"


def restored_text(back: RestoredDraft) -> str:
    """What the status bar says once a draft is back, and how (a scheduled one is not)."""
    title = back.title or "Untitled"
    if back.unscheduled_from is None:
        return f"Draft “{title}” restored."
    return (
        f"Draft “{title}” restored as a plain draft: it was scheduled for "
        f"{exact(back.unscheduled_from)}, and will not publish until you schedule it again."
    )
