"""Provenance where a reply is seen: under the thread (the workspace's replies to this
comment: who drafted them, whether they wait, who approved them and what changed) and in
the outbox (who drafted and who approved the item). Hidden outside a workspace.

The thread pane makes its line at start; the workspace's modules load when the first
comment's provenance is asked for, after the first paint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.core import Core
from ui.operations import run

if TYPE_CHECKING:
    from app.core.workspace import ReplyTrail
    from app.workspace.model import Provenance

#: How the principal's outbox names a workspace reply's item (see app.store.shared_inbox).
OUTBOX_BATCH = "workspace:"


def approved_words(p: Provenance) -> str:
    sent = f"; sent {_when(p.sent_at)}" if p.sent_state == "sent" and p.sent_at else ""
    if not p.approved_by:  # a delegate on a network allowed without approval
        return (
            f"Drafted by {p.drafted_by} {_when(p.drafted_at)}; no approval needed: "
            f"{p.sent_by} sends it with their own account{sent}."
        )
    changed = ", edited at approval" if p.changed_at_approval else ", unchanged"
    return (
        f"Drafted by {p.drafted_by} {_when(p.drafted_at)}; approved by {p.approved_by} "
        f"{_when(p.approved_at)}{changed}{sent}."
    )


def trail_words(trail: ReplyTrail) -> str:
    from app.workspace.model import ReplyStatus

    if trail.provenance is not None:
        return approved_words(trail.provenance)
    reply = trail.reply
    if reply.status is ReplyStatus.SENT_BACK and reply.last_send_back is not None:
        return f"A reply by {trail.drafted_by} was sent back: “{reply.last_send_back.note}”."
    if reply.status is ReplyStatus.FOR_APPROVAL:
        return f"A reply by {trail.drafted_by} waits for approval."
    return f"{trail.drafted_by} is drafting a reply."


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ") + " UTC" if stamp else ""


class ProvenanceLine(QLabel):
    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._wanted = ""
        self.setObjectName("hint")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName("Provenance")
        self.hide()

    def show_for_comment(self, account_id: str, remote_id: str) -> None:
        from app.workspace.model import comment_key

        key = self._wanted = comment_key(account_id, remote_id)
        run(
            self,
            self._trail(key),
            on_done=lambda trails: self._show(key, " ".join(map(trail_words, trails))),
            on_error=self._outside_workspace,
        )

    def show_for_outbox(self, batch_id: str | None) -> None:
        if not batch_id or not batch_id.startswith(OUTBOX_BATCH):
            self._wanted = ""
            self.hide()
            return
        reply_id = self._wanted = batch_id.removeprefix(OUTBOX_BATCH)
        run(
            self,
            self._provenance_of(reply_id),
            on_done=lambda p: self._show(reply_id, approved_words(p) if p else ""),
            on_error=self._outside_workspace,
        )

    async def _trail(self, key: str) -> list[ReplyTrail]:
        return await (await self._core.opened_workspace()).trail(key)

    async def _provenance_of(self, reply_id: str) -> Provenance | None:
        return await (await self._core.opened_workspace()).provenance_of(reply_id)

    def _show(self, wanted: str, text: str) -> None:
        if wanted != self._wanted:
            return  # an answer for what is no longer shown
        self.setText(text)
        self.setVisible(bool(text))

    def _outside_workspace(self, exc: BaseException) -> None:
        from app.workspace.errors import NotInWorkspace

        if not isinstance(exc, NotInWorkspace):
            raise exc
        self.hide()
