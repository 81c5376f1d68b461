"""The reply composer, under the thread pane (the comment answered stays in sight): one
template, personalised for every selected comment, queued at once.

The template takes {first_name}, {name} and {question} (the commenter's question,
quoted); the buttons (and Alt+1/2/3) insert them; Ctrl+; inserts a saved reply (a
snippet), and when the question was answered before the earlier answer is offered
(Alt+4). The preview shows every personalised reply exactly as it will be queued,
refreshed as you type; any card can be removed (Delete) or its copy edited (Enter), and
an edited copy is sent as written. A reply longer than its network allows blocks
queueing, and the composer says why; a comment with no question sentence for {question}
is flagged on its card, and so is a person whose network gives no name (LinkedIn): for
them {first_name} and {name} read the word typed in "No name?" ("there"), or nothing,
the greeting closed up ("Hi, thanks"). Ctrl+Enter queues them all through
``core.replies.queue``; a single reply is simply a batch of one.

What is typed is autosaved as reply drafts on the comments (``core.replies.save_draft``),
within about a second, like drafts are; Esc closes the composer and keeps them, and
opening it on the same comments continues where it stopped. Left open while other rows
are browsed, it follows them until something is written ("To" names whoever the row
shown is from); written words stay with their comments, and it says "Draft to …".
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import FiresideError
from app.text import plural
from app.text.templates import holds_words
from ui.actions import speak_button
from ui.batch.copy_editor import CopyEditor
from ui.batch.past_answer import PastAnswerBar
from ui.batch.preview import PreviewList
from ui.batch.snippets import SnippetPicker
from ui.batch.text import ReplyText
from ui.common.announce import Politeness, tell
from ui.common.autosave import Autosave
from ui.common.flow_layout import FlowLayout, WrappingColumn
from ui.operations import run, show_error
from ui.spelling import attach_spell_check

if TYPE_CHECKING:
    from app.core import Core
    from app.domain import ReplyDraft, ReplyPreview
    from app.domain.library import Snippet
    from ui.actions import Registry

PREVIEW_DELAY_MS = 150
STARTER = "Hi {first_name},\n\n"
VARIABLES = (
    ("batch.first_name", "{first_name}"),
    ("batch.name", "{name}"),
    ("batch.question", "{question}"),
)
#: What the autosave keeps for these comments: the template, each edited copy (by comment
#: id) and the "No name?" word.
Words = tuple[str, dict[int, str], str]


def _names(previews: list[ReplyPreview]) -> str:
    names = [p.recipient for p in previews]
    if len(names) <= 3:
        return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return f"{', '.join(names[:3])} and {len(names) - 3:,} more"


def too_long_message(over: list[ReplyPreview]) -> str:
    """Who gets a reply too long for their network; the limit when all share one."""
    limits = {p.limit for p in over}
    allows = (
        f"the network allows ({limits.pop():,} characters)"
        if len(limits) == 1
        else "their networks allow (each card says its limit)"
    )
    return (
        f"{plural.count(len(over), 'reply is', 'replies are')} longer than {allows}: "
        f"to {_names(over)}. Shorten the reply or the "
        "quoted question; the long ones are marked in red below. Nothing can be queued "
        "until every reply fits."
    )


def no_question_message(asked: list[ReplyPreview]) -> str:
    return (
        f"{_names(asked)} asked no question in so many words: {{question}} quotes "
        "their first sentence instead (flagged below). Edit their copy, or remove them."
    )


def no_name_message(nameless: list[ReplyPreview], fallback: str) -> str:
    instead = f"reads “{fallback}”" if fallback else "is left out, the greeting closed up"
    return (
        f"{_names(nameless)}: their network gives no name, so {{first_name}} {instead} "
        "(flagged below). Type a word for them in “No name?”, such as “there”."
    )


class RecipientLine(QLabel):
    """Who the replies go to: "To Sara Ortiz"; "Draft to Sara Ortiz" while the list's
    selection is on other comments (the words stay with Sara's, as a draft, and are not
    for the row shown)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("pageTitle")
        self._names: list[str] = []
        self._elsewhere = False

    def show_names(self, names: list[str]) -> None:
        self._names = names
        self._show()

    def show_elsewhere(self, elsewhere: bool) -> None:
        self._elsewhere = elsewhere
        self._show()

    def _show(self) -> None:
        names, to = self._names, "Draft to" if self._elsewhere else "To"
        self.setToolTip(
            "Kept as a draft on its comments while you look at others; r replies to the "
            "selected row instead."
            if self._elsewhere
            else ""
        )
        if not names:
            self.clear()
        elif len(names) <= 3:
            self.setText(f"{to} {', '.join(names)}")
        else:
            self.setText(f"{to} {', '.join(names[:3])} and {len(names) - 3:,} more")


class ReplyComposer(QFrame):
    queued = Signal(int)  # how many replies went into the outbox
    closed = Signal(str)  # the composer closed; what happened to the words, in a sentence
    opened = Signal()  # shown on its comments, their reply drafts read, keyboard in the text

    def __init__(self, core: Core, registry: Registry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._core = core
        self._ids: list[int] = []
        self._asked: list[int] = []  # the comments last opened on (their drafts may be loading)
        self._copies: dict[int, str] = {}
        self._loading = False
        self._queueing = False
        self._too_long: list[ReplyPreview] = []
        self.autosave: Autosave[tuple[int, ...], Words] = Autosave(
            self._save_words, self.words, self
        )

        self.recipients = RecipientLine()
        self.template = ReplyText()
        self.spelling = attach_spell_check(self.template, core.spelling, None)
        self.template.setPlaceholderText("Write one reply; the variables make it personal.")
        self.template.setAccessibleDescription(
            "One reply for everyone; {first_name}, {name} and {question} make it personal. "
            "Tab moves on, Ctrl+Tab types a tab, Ctrl+Enter queues every reply, Esc keeps "
            "it as a draft."
        )
        self.template.textChanged.connect(self._typed)
        # Room for a few lines at the least: it grows with the space the composer gets.
        self.template.setMinimumHeight(4 * self.template.fontMetrics().lineSpacing() + 12)
        self.past = PastAnswerBar(core, registry.command("batch.use_answer"))
        self.past.used.connect(self.start_from)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.fallback, self.fallback_label, self.fallback_row = self._fallback_field()
        self.preview_title = QLabel()
        self.preview_title.setWordWrap(True)
        self.preview = PreviewList()
        self.preview.setSelectionMode(PreviewList.SelectionMode.SingleSelection)
        self.preview.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.preview.setAccessibleDescription(
            "Every reply as it will be sent. Delete removes the person, Enter edits their copy."
        )
        self.preview.doubleClicked.connect(lambda _index: self.edit_copy())
        self.remove_button = QPushButton("Remove   Del")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setToolTip("Leave the chosen person out of this reply (Delete)")
        self.remove_button.clicked.connect(self.remove_chosen)
        self.edit_button = QPushButton("Edit their copy…   Enter")
        self.edit_button.setAutoDefault(False)
        self.edit_button.setToolTip("Write the chosen person's reply by hand (Enter)")
        self.edit_button.clicked.connect(self.edit_copy)
        self.queue_button = QPushButton()
        self.queue_button.setDefault(True)
        self.close_button = QPushButton("Keep as draft   Esc")
        self.close_button.setAutoDefault(False)
        self.close_button.setToolTip("Close the reply and keep it as a draft on the comments")
        self.close_button.clicked.connect(self.close_keeping_draft)
        self._bind(registry)

        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self.hide()

    def _fallback_field(self) -> tuple[QLineEdit, QLabel, FlowLayout]:
        """ "No name?": the word {first_name} reads for people their network does not name."""
        field = QLineEdit()
        field.setPlaceholderText("nothing: “Hi, thanks”")
        field.setMaxLength(40)
        placeholder = field.fontMetrics().horizontalAdvance(field.placeholderText())
        field.setMinimumWidth(placeholder + 3 * field.fontMetrics().averageCharWidth())
        field.setAccessibleName("Word for a person whose network gives no name")
        field.setToolTip(
            "Some networks (LinkedIn) give no names: {first_name} and {name} read this "
            "word for those people, such as “there”; left empty they are left out."
        )
        field.textChanged.connect(self._fallback_typed)
        label = QLabel("&No name?")
        label.setBuddy(field)
        row = FlowLayout()
        row.add(label, field)
        return field, label, row

    def _fallback_typed(self, _text: str) -> None:
        self._typed()

    def _bind(self, registry: Registry) -> None:
        inserts = FlowLayout()
        inserts.addWidget(QLabel("Insert:"))
        for name, variable in VARIABLES:
            action = registry.bind(self, name, partial(self.insert, variable))
            button = QPushButton(f"{variable}   {registry.command(name).key_text}")
            speak_button(button, f"Insert {variable}", registry.command(name))
            button.setAutoDefault(False)
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            inserts.addWidget(button)
        snippet = registry.bind(self, "batch.snippet", self.pick_snippet)
        self.snippet_button = QPushButton(
            f"Snippet…   {registry.command('batch.snippet').key_text}"
        )
        speak_button(self.snippet_button, "Insert a snippet", registry.command("batch.snippet"))
        self.snippet_button.setAutoDefault(False)
        self.snippet_button.clicked.connect(snippet.trigger)
        inserts.addWidget(self.snippet_button)
        registry.bind(self, "batch.use_answer", self.past.use)
        queue = registry.bind(self, "batch.queue", self.queue_all)
        self._queue_command = registry.command("batch.queue")
        self.queue_button.clicked.connect(queue.trigger)
        # Enter on a card edits it: the inbox's Enter key routes there (one key, one action).
        for key in (QKeySequence.StandardKey.Delete, Qt.Key.Key_Backspace):
            _shortcut_on(self.preview, key, self.remove_chosen)
        self._layout(inserts)

    def _layout(self, inserts: FlowLayout) -> None:
        """Each row of buttons wraps rather than squeeze a button (minimum size, 200% text)."""
        cards = FlowLayout()
        cards.add(self.remove_button, self.edit_button)
        buttons = FlowLayout(align_right=True)
        buttons.add(self.close_button, self.queue_button)
        column = WrappingColumn()
        column.add(
            self.recipients, self.template, inserts, self.past, self.error, self.fallback_row
        )
        column.add(self.preview_title)
        column.add(cards, self.preview)
        column.stretch(self.template, 2)
        column.stretch(self.preview, 3)
        scroll = QScrollArea()  # when even the wrapped rows have no room (200% text)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(column)
        scroll.setAccessibleName("Reply and its preview")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)  # queueing and closing always in sight

    def tab_order(self) -> list[QWidget]:
        return [
            self.template,
            self.fallback,
            self.past.button,
            self.preview,
            self.remove_button,
            self.edit_button,
            self.close_button,
            self.queue_button,
        ]

    # --- opening and closing -------------------------------------------------------------
    @property
    def comment_ids(self) -> list[int]:
        return list(self._ids)

    def open_for(self, comment_ids: list[int], *, take_keyboard: bool = True) -> None:
        """Write to these comments, continuing their reply drafts if they have some; the
        keyboard goes into the text unless not ``take_keyboard`` (following the list)."""
        self.autosave.track(None)  # what was being written is kept as it was
        ids = list(comment_ids)
        self._asked = ids
        self.recipients.show_elsewhere(False)

        def loaded(drafts: list[ReplyDraft]) -> None:
            if ids != self._asked:
                return  # opened on other comments since (the list moved on)
            self._ids = ids
            self._copies = {d.comment_id: d.copy for d in drafts if d.copy is not None}
            self._queueing = False
            self._loading = True
            self.template.setPlainText(drafts[0].template if drafts else STARTER)
            if drafts:  # else the word typed for the last reply stays, as a start
                self.fallback.setText(drafts[0].name_fallback)
            self._loading = False
            self.template.moveCursor(QTextCursor.MoveOperation.End)
            self.autosave.track(tuple(ids))
            self._set_queue_text()
            self.show()
            self.update_preview()
            self.past.look_up(ids[0] if ids else None)
            if take_keyboard:
                self.template.setFocus()
                self.opened.emit()

        async def load() -> list[ReplyDraft]:
            # The reply is checked in its account's language (Accounts > Spell check
            # replies in), before its words show.
            self.spelling.set_language(await self._core.replies.language(ids))
            return await self._core.replies.drafts(ids)

        run(self, load(), on_done=loaded)

    def selection_moved(self, comment_ids: list[int]) -> bool:
        """The list's selection is now ``comment_ids``. With nothing written, the composer
        follows it (its "To" says who the row shown is from; their own reply draft, if
        any, comes with them): True. Words written stay with their comments, and the
        composer says so ("Draft to Sara Ortiz") until the selection is back on them."""
        if not self.isVisible() or self._queueing or not comment_ids:
            return False
        if comment_ids == self._asked:
            self.recipients.show_elsewhere(False)
            return False
        if self.holds_words():
            self.recipients.show_elsewhere(True)
            return False
        self.open_for(comment_ids, take_keyboard=False)
        return True

    def holds_words(self) -> bool:
        """Something is written: more than the greeting, or a copy edited by hand."""
        template, copies, _ = self._written(self.words())
        return holds_words(template, copies)

    def close_keeping_draft(self) -> None:
        """Esc: close; what was typed stays as reply drafts on the comments."""
        if not self.isVisible():
            return
        kept = self.holds_words()
        self.autosave.track(None)
        self.hide()
        self.closed.emit(
            f"Your reply is kept as a draft on {plural.count(len(self._ids), 'comment')}; "
            "r continues it."
            if kept
            else ""
        )

    def words(self) -> Words:
        return self.template.toPlainText(), dict(self._copies), self.fallback.text().strip()

    @staticmethod
    def _written(words: Words) -> Words:
        """The words to keep: the greeting every reply starts with, untouched, is not
        something written (kept, it would mark the comments as having a reply draft)."""
        template, copies, fallback = words
        return ("" if template.strip() == STARTER.strip() else template, copies, fallback)

    async def _save_words(self, ids: tuple[int, ...], words: Words) -> None:
        await self._core.replies.save_draft(list(ids), *self._written(words))

    def _typed(self) -> None:
        if self._loading:
            return
        self.autosave.touch()
        self._timer.start()

    # --- writing -------------------------------------------------------------------------
    def insert(self, variable: str) -> None:
        """Insert at the cursor; {question} is a quote, so it gets lines of its own."""
        cursor = self.template.textCursor()
        if variable == "{question}":
            before = "" if cursor.atBlockStart() else "\n\n"
            variable = f"{before}{variable}\n\n"
        cursor.insertText(variable)
        self.template.setTextCursor(cursor)
        self.template.setFocus()

    def pick_snippet(self) -> None:
        """Ctrl+;: choose a saved reply, filtering as you type; it goes in at the cursor."""

        def pick(snippets: list[Snippet]) -> None:
            picker = SnippetPicker(snippets, self)
            picker.chosen.connect(self.insert_text)
            picker.finished.connect(lambda _result: self.template.setFocus())
            picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            picker.open()
            self.picker = picker

        run(self, self._core.snippets.all(), on_done=pick)

    def insert_text(self, text: str) -> None:
        cursor = self.template.textCursor()
        cursor.insertText(text)
        self.template.setTextCursor(cursor)
        self.template.setFocus()

    def start_from(self, answer: str) -> None:
        """Replace the reply with an earlier answer (Ctrl+Z brings the words back)."""
        cursor = self.template.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(answer)
        self.template.setTextCursor(cursor)
        self.template.setFocus()
        tell(self.error, "Started from your earlier answer; Ctrl+Z brings back what was here.")

    def _chosen(self) -> ReplyPreview | None:
        index = self.preview.currentIndex()
        return self.preview.previews.preview_at(index.row()) if index.isValid() else None

    def remove_chosen(self) -> None:
        """Leave the chosen person out; their reply draft goes with them."""
        chosen = self._chosen()
        if chosen is None or len(self._ids) <= 1:
            tell(self.error, "Choose someone in the preview first (the last one cannot go).")
            return
        self.autosave.flush()
        self._ids.remove(chosen.comment_id)
        self._copies.pop(chosen.comment_id, None)
        self.autosave.track(tuple(self._ids))
        self.autosave.touch()
        run(self, self._core.replies.discard_drafts([chosen.comment_id]))
        self._set_queue_text()
        self.update_preview()
        tell(self.error, f"{chosen.recipient} is left out of this reply.")

    def edit_copy(self) -> None:
        """Write the chosen person's reply by hand; an empty copy goes back to the template."""
        chosen = self._chosen()
        if chosen is None:
            return
        editor = CopyEditor(chosen.recipient, chosen.text, self)
        attach_spell_check(editor.text, self._core.spelling, self.spelling.language)

        def done(text: str | None) -> None:
            if text is None:
                return
            if text.strip():
                self._copies[chosen.comment_id] = text
            else:
                self._copies.pop(chosen.comment_id, None)
            self.autosave.touch()
            self.update_preview()

        editor.chosen.connect(done)
        editor.open()

    def update_preview(self) -> None:
        self._timer.stop()
        words = self.words()
        ids = list(self._ids)

        def show(previews: list[ReplyPreview]) -> None:
            if words == self.words() and ids == self._ids:
                self._show_previews(previews)

        run(
            self,
            self._core.replies.preview(ids, *words),
            on_done=show,
            on_error=self._show_problem,
        )

    def _set_queue_text(self) -> None:
        text = f"Queue {plural.count(len(self._ids), 'reply', 'replies')}"
        self.queue_button.setText(f"{text}   {self._queue_command.key_text}")
        speak_button(self.queue_button, text, self._queue_command)

    def _show_previews(self, previews: list[ReplyPreview]) -> None:
        was_fine = not self._too_long
        self._too_long = [p for p in previews if p.too_long]
        asked_nothing = [p for p in previews if p.no_question]
        nameless = [p for p in previews if p.no_name]
        problem = too_long_message(self._too_long) if self._too_long else ""
        if problem and was_fine:  # said when it starts, not at every key typed after
            tell(self.error, problem)
        else:
            flags = [no_question_message(asked_nothing)] if asked_nothing else []
            if nameless:
                flags.append(no_name_message(nameless, self.fallback.text().strip()))
            self.error.setText(problem or "\n".join(flags))
        self._show_fallback(bool(nameless) or bool(self.fallback.text()))
        self.queue_button.setEnabled(not self._too_long and not self._queueing)
        self.recipients.show_names([p.recipient for p in previews])
        title = f"Preview of every reply ({len(previews):,})"
        if self._too_long:
            title += f" · {len(self._too_long):,} too long"
        self.preview_title.setText(title)
        self.preview.previews.set_previews(previews)

    def _show_fallback(self, shown: bool) -> None:
        """The "No name?" word is asked for only where someone has no name."""
        for widget in (self.fallback_label, self.fallback):
            widget.setVisible(shown)

    def _show_problem(self, exc: BaseException) -> None:
        if isinstance(exc, FiresideError):
            tell(self.error, str(exc), Politeness.ASSERTIVE)
        else:
            show_error(self, exc)

    def queue_all(self) -> None:
        if self._queueing:
            return
        if self._too_long:
            tell(self.error, too_long_message(self._too_long))
            return
        self._queueing = True
        self.queue_button.setEnabled(False)
        ids, (template, copies, fallback) = list(self._ids), self.words()

        async def queue() -> list[int]:
            saving = self.autosave.flush()  # the last draft save lands before the queue
            self.autosave.track(None)
            if saving is not None:
                await saving
            return await self._core.replies.queue(ids, template, copies, fallback)

        def queued(item_ids: list[int]) -> None:
            self._queueing = False
            self.hide()
            self.queued.emit(len(item_ids))

        def failed(exc: BaseException) -> None:
            self._queueing = False
            self.autosave.track(tuple(ids))
            self.queue_button.setEnabled(True)
            self._show_problem(exc)

        run(self, queue(), on_done=queued, on_error=failed)


def _shortcut_on(widget: QWidget, key: QKeySequence.StandardKey | Qt.Key, handler) -> None:
    """``key`` on ``widget`` alone (the preview's Delete)."""
    action = QAction(widget)
    action.setShortcut(QKeySequence(key))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(lambda _checked=False: handler())
    widget.addAction(action)
