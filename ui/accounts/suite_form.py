"""Adding (or signing in again to) the accounts of an online sign-in such as Microsoft 365:
one sign-in in the browser, or with a code, adds Viva Engage and Teams together.

The form lists the suite's services as check boxes (a service policy blocks is shown,
unticked and disabled, with why), its fields (tenant, application id), prefilled and
locked where IT's policy sets them, and two ways to sign in: "Sign in with the browser"
(the default, Enter) opens the system browser and waits for it to come back; "Sign in
with a code" shows a code and an address to enter it on any device, for computers where
the browser cannot come back to Fireside. Both run off the UI thread with a busy bar;
Cancel or Escape stops them (the browser's wait ends at once). The outcome shows in plain
words, with what to do; services left out are named, with why.
"""

from __future__ import annotations

import asyncio
import html
import itertools
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts import AccountStatus, SignInFailed
from app.errors import FiresideError
from app.networks.registry import DeviceCode, SignInMethod
from ui.accounts import outcome
from ui.accounts.form import FIELD_WIDTH, with_key
from ui.common.announce import tell
from ui.common.busy import busy_bar
from ui.operations import run, show_error

if TYPE_CHECKING:
    from app.accounts.suites import SuiteOffer, SuiteOutcome
    from app.core import Core


def _text(hint: bool = False) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMinimumWidth(FIELD_WIDTH)
    if hint:
        label.setObjectName("hint")
    return label


class SuiteForm(QDialog):
    """``again``: the status of a stored account of the suite, to sign in again for it
    and the accounts the same sign-in made; None: add."""

    kept = Signal(object)  # tuple[AccountStatus, ...]: the accounts added or signed in

    def __init__(
        self,
        core: Core,
        offer: SuiteOffer,
        again: AccountStatus | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._core = core
        self._offer = offer
        self._again = again
        self._task: asyncio.Task | None = None
        self.setWindowTitle(
            f"Sign in again to {again.name}" if again else f"Add {offer.display_name}"
        )
        self.help = _text(hint=True)
        self.help.setText(offer.help)
        self.services: dict[str, QCheckBox] = {}
        for choice in offer.networks:
            box = QCheckBox(choice.display_name)
            box.setChecked(choice.allowed)
            box.setEnabled(choice.allowed and again is None)
            box.setToolTip(choice.reason)
            self.services[choice.network] = box
        self.fields: dict[str, QLineEdit] = {}
        self.locks = _text(hint=True)
        locked = [f"{c.display_name}: {c.reason}" for c in offer.networks if not c.allowed]
        for field in offer.fields:
            line = QLineEdit(field.value)
            line.setPlaceholderText(field.placeholder)
            line.setEnabled(field.locked is None and again is None)
            line.setAccessibleName(field.label)
            locked += [f"{field.label}: {field.locked}"] if field.locked else []
            self.fields[field.key] = line
        self.locks.setText("\n".join(locked))
        self.locks.setVisible(bool(locked))
        self.code = _text()
        self.code.setTextFormat(Qt.TextFormat.RichText)
        self.code.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.code.setOpenExternalLinks(True)
        self.code.hide()
        self.outcome = _text()
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.outcome.hide()
        self.progress = busy_bar()
        self.browser_button = QPushButton("Sign in with the &browser")
        self.code_button = QPushButton("Sign in with a &code")
        self.cancel_button = QPushButton("Cancel")
        self.browser_button.setDefault(True)
        self.browser_button.clicked.connect(lambda: self.sign_in(SignInMethod.BROWSER))
        self.code_button.clicked.connect(lambda: self.sign_in(SignInMethod.DEVICE_CODE))
        self.cancel_button.clicked.connect(self.reject)
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout()
        boxes = QHBoxLayout()
        for box in self.services.values():
            boxes.addWidget(box)
        boxes.addStretch(1)
        form.addRow("Services", boxes)
        taken: set[str] = {"b", "c"}
        for field in self._offer.fields:
            label = QLabel(with_key(field.label, taken))
            label.setBuddy(self.fields[field.key])
            form.addRow(label, self.fields[field.key])
        buttons = QHBoxLayout()
        buttons.addWidget(self.code_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.browser_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.help)
        layout.addLayout(form)
        layout.addWidget(self.locks)
        layout.addWidget(self.progress)
        layout.addWidget(self.code)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        layout.addLayout(buttons)
        chain = [
            *self.services.values(),
            *self.fields.values(),
            self.code_button,
            self.cancel_button,
            self.browser_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.browser_button.setFocus()
        self.adjustSize()

    # --- signing in ---------------------------------------------------------------------
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def chosen(self) -> list[str]:
        return [n for n, box in self.services.items() if box.isChecked()]

    def sign_in(self, method: SignInMethod) -> None:
        if self.busy():
            return
        fields = {key: line.text() for key, line in self.fields.items()}
        accounts = self._core.accounts
        if self._again is not None and self._again.account_id:
            work = accounts.reauthenticate_suite(self._again.account_id, method, self.show_code)
        else:
            work = accounts.add_suite(self._offer.id, self.chosen(), method, fields, self.show_code)
        doing = (
            "Waiting for you to sign in in your browser…"
            if method is SignInMethod.BROWSER
            else "Asking Microsoft for a sign-in code…"
        )
        self._busy(True, doing)
        self._task = run(self, work, on_done=self._kept, on_error=self._failed)

    def show_code(self, code: DeviceCode) -> None:
        """The device code and where to enter it, large and selectable."""
        url = html.escape(code.verification_uri)
        self.code.setText(
            f'On any device, open <a href="{url}">{url}</a> and enter the code<br>'
            f'<span style="font-size:18pt"><b>{html.escape(code.user_code)}</b></span><br>'
            "Fireside continues by itself once you have signed in there."
        )
        self.code.show()
        self.code.setFocus()
        self._say(outcome.note("Waiting for you to enter the code…"))
        self.adjustSize()

    def _kept(self, done: SuiteOutcome) -> None:
        self._busy(False)
        self.kept.emit(tuple(done.statuses))
        if done.left_out:
            self._say(outcome.plain_problem("Not added: " + " ".join(done.left_out)))
            self.cancel_button.setText("Close")
            self.cancel_button.setFocus()
            return
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.code.hide()
        if isinstance(exc, SignInFailed):
            self._say(outcome.rich(exc.diagnosis), exc.diagnosis.detail)
        elif isinstance(exc, FiresideError):
            self._say(outcome.plain_problem(str(exc)))
        else:
            show_error(self, exc)

    def _busy(self, busy: bool, doing: str = "") -> None:
        self.progress.setVisible(busy)
        for button in (self.browser_button, self.code_button):
            button.setEnabled(not busy)
        if doing:
            self._say(outcome.note(doing))

    def _say(self, text: str, detail: str = "") -> None:
        """Show the outcome under the fields, and announce it to screen readers."""
        self.outcome.show()
        tell(self.outcome, text)
        self.outcome.setToolTip(detail)

    def done(self, result: int) -> None:
        """Closing stops a sign-in under way (the browser's wait, the code's polling)."""
        if self.busy() and self._task is not None:
            self._task.cancel()
        super().done(result)
