"""Adding an account, completing one that policy set up, or signing in again.

The fields come from the network's kind (``app.networks.registry.NetworkKind``): the
address label and example, the user name and password labels, its extra fields, and one
sentence saying where to get the credentials. Test connection signs in without keeping
anything and shows the outcome inline, in plain words, with what to do; the default button
(Enter) adds the account, or signs in again. Both run off the UI thread, with a busy bar
meanwhile; Cancel or Escape stops them. What policy set (or what identifies the account
being signed in again) is shown but locked, with the reason.

The password field is masked, and emptied as soon as the form is done with it: when the
account is kept, and when the form closes.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
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
from app.accounts.address import host_of
from app.errors import FiresideError
from ui.accounts import outcome
from ui.common.announce import tell
from ui.common.busy import busy_bar
from ui.operations import run, show_error

if TYPE_CHECKING:
    from app.accounts import Diagnosis
    from app.core import Core
    from app.networks.registry import NetworkKind

FIELD_WIDTH = 380
#: Letters the buttons use as Alt+ keys; field labels pick others.
BUTTON_KEYS = "tas"


def with_key(text: str, taken: set[str]) -> str:
    """``text`` with an Alt+ key (``&``) on its first letter not taken yet."""
    for position, char in enumerate(text):
        if char.isalpha() and char.lower() not in taken:
            taken.add(char.lower())
            return f"{text[:position]}&{text[position:]}"
    return text


def _text(hint: bool = False) -> QLabel:
    """A wrapping, selectable label; ``hint`` makes it quieter."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if hint:
        label.setObjectName("hint")
    return label


class AccountForm(QDialog):
    """``status`` None: a new account. A status without an account id: one policy set up
    (its network and address locked). A stored account's status: sign in again."""

    kept = Signal(object)  # AccountStatus: the account was added, or signed in again

    def __init__(
        self,
        core: Core,
        kinds: list[NetworkKind],
        status: AccountStatus | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._core = core
        self._kinds = {k.id: k for k in kinds}
        self._status = status
        self._again = status is not None and status.account_id is not None
        self._task: asyncio.Task | None = None
        self._focus: QWidget | None = None
        self.extras: dict[str, QLineEdit] = {}
        self._fixed: set[QWidget] = set()
        self.setWindowTitle(self._title())

        self.network = QComboBox()
        for network_kind in kinds:
            self.network.addItem(network_kind.display_name, network_kind.id)
        self.url = QLineEdit()
        self.url.setMinimumWidth(FIELD_WIDTH)  # the fields' column, and so the form's width
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.name = QLineEdit()
        self.help, self.lock, self.outcome = _text(hint=True), _text(hint=True), _text()
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.fields = QFormLayout()
        self.fields.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for note in (self.help, self.lock):  # wrapped at the fields' width, not narrower
            note.setMinimumWidth(FIELD_WIDTH)
        self._labels = {
            w: QLabel() for w in (self.network, self.url, self.username, self.password, self.name)
        }
        for widget, label in self._labels.items():
            label.setBuddy(widget)
            self.fields.addRow(label, widget)
            if widget is self.url:  # why the address cannot be changed, right under it
                self.fields.addRow("", self.lock)
            if widget is self.password:  # where to get one, right under it
                self.fields.addRow("", self.help)
        self.outcome.hide()
        self.progress = busy_bar()
        self.test_button = QPushButton("&Test connection")
        self.cancel_button = QPushButton("Cancel")
        self.submit_button = QPushButton("&Sign in" if status else "&Add account")
        self.submit_button.setDefault(True)
        self._lay_out()
        self.test_button.clicked.connect(self.test)
        self.submit_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.network.currentIndexChanged.connect(lambda _: self._show_kind())
        self._show_kind()
        self._prefill()

    # --- building -----------------------------------------------------------------------
    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)
        self._column = layout = QVBoxLayout(self)
        layout.addLayout(self.fields)
        layout.addSpacing(6)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def _title(self) -> str:
        if self._status is None:
            return "Add account"
        if self._again:
            return f"Sign in again to {self._status.name}"
        return f"Sign in to {self._status.name}"

    def kind(self) -> NetworkKind:
        return self._kinds[self.network.currentData()]

    def _show_kind(self) -> None:
        """Labels, examples, help and extra fields of the chosen network."""
        network_kind = self.kind()
        taken = set(BUTTON_KEYS)
        for widget, text in (
            (self.network, "Network"),
            (self.url, network_kind.url_label),
            (self.username, network_kind.username_label),
            (self.password, network_kind.password_label),
            (self.name, "Name in Fireside (optional)"),
        ):
            self._labels[widget].setText(with_key(text, taken))
        self.url.setPlaceholderText(network_kind.url_placeholder)
        self.name.setPlaceholderText(f"The {network_kind.url_label.lower()}'s host, if empty")
        self.help.setText(network_kind.help)
        for widget in self.extras.values():
            self.fields.removeRow(widget)
        self.extras = {}
        for extra in network_kind.extra_fields:
            field = QLineEdit()
            field.setPlaceholderText(extra.placeholder)
            label = QLabel(with_key(extra.label + ("" if extra.required else " (optional)"), taken))
            label.setBuddy(field)
            # PySide6 types getWidgetPosition as object; it returns (row, role).
            row = self.fields.getWidgetPosition(self.name)[0]  # type: ignore[index]
            self.fields.insertRow(row, label, field)
            self.extras[extra.key] = field
        chain = [
            self.network,
            self.url,
            self.username,
            self.password,
            *self.extras.values(),
            self.name,
            self.test_button,
            self.cancel_button,
            self.submit_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.outcome.hide()  # it was about the other network
        QTimer.singleShot(0, self._fit)

    def _prefill(self) -> None:
        status = self._status
        self.fields.setRowVisible(self.lock, False)
        self.fields.setRowVisible(self.name, status is None)  # presets are named by policy
        if status is None:
            self.network.setEnabled(len(self._kinds) > 1)
            return
        self.network.setCurrentIndex(max(0, self.network.findData(status.network)))
        self.url.setText(status.base_url)
        for key, value in status.extra.items():
            if key in self.extras:
                self.extras[key].setText(value)
        fixed: list[QWidget] = [self.network, self.url]
        if self._again:
            self.username.setText(status.username)
            fixed += [self.username, *self.extras.values()]
            self.lock.setText(
                status.locked
                or "To use another address or user name, add a new account and remove this one."
            )
        else:
            fixed += [self.extras[k] for k, v in status.extra.items() if v and k in self.extras]
            self.lock.setText(status.locked or "")
        self.fields.setRowVisible(self.lock, bool(self.lock.text()))
        self._fixed = set(fixed)
        for widget in self._fixed:
            widget.setEnabled(False)

    def first_field(self) -> QWidget:
        """Where the keyboard starts: the first field still to fill in."""
        for field in (self.url, self.username, self.password):
            if field.isEnabled() and not field.text():
                return field
        return self.password

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.first_field().setFocus()

    # --- actions ------------------------------------------------------------------------
    def values(self) -> tuple[str, str, str, str, dict[str, str]]:
        """(network, address, user name, password, extra fields) as typed."""
        return (
            self.network.currentData(),
            self.url.text(),
            self.username.text(),
            self.password.text(),
            {key: field.text() for key, field in self.extras.items()},
        )

    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def test(self) -> None:
        """Sign in without keeping anything; the outcome shows below the fields."""
        if self.busy():
            return
        network, url, username, password, extra = self.values()
        self._start(f"Testing the connection to {host_of(url.strip()) or 'the site'}…")
        self._task = run(
            self,
            self._core.accounts.test(network, url, username, password, extra),
            on_done=self._tested,
            on_error=self._failed,
        )

    def submit(self) -> None:
        """Add the account (or sign in again); the form closes once it is kept."""
        if self.busy():
            return
        network, url, username, password, extra = self.values()
        self._start(f"Signing in to {host_of(url.strip()) or 'the site'}…")
        if self._again and self._status is not None and self._status.account_id:
            work = self._core.accounts.reauthenticate(self._status.account_id, password)
        else:
            work = self._core.accounts.add(
                network, url, username, password, extra, name=self.name.text()
            )
        self._task = run(self, work, on_done=self._kept, on_error=self._failed)

    def _kept(self, status: AccountStatus) -> None:
        self.password.clear()
        self.kept.emit(status)
        self.accept()

    def _tested(self, diagnosis: Diagnosis) -> None:
        self._stop()
        self._show(diagnosis)

    def _failed(self, exc: BaseException) -> None:
        self._stop()
        if isinstance(exc, SignInFailed):
            self._show(exc.diagnosis)
        elif isinstance(exc, FiresideError):
            self._say(outcome.plain_problem(str(exc)))
        else:
            self.outcome.hide()
            show_error(self, exc)

    def _say(self, html: str, detail: str = "") -> None:
        """Show ``html`` under the fields; the form grows to fit it (never shrinks)."""
        self.outcome.show()
        tell(self.outcome, html)
        self.outcome.setToolTip(detail)
        QTimer.singleShot(0, self._fit)

    def _fit(self) -> None:
        needed = self._column.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _show(self, diagnosis: Diagnosis) -> None:
        html = outcome.rich(diagnosis)
        if diagnosis.ok:
            action = self.submit_button.text().replace("&", "")
            html += "<br>" + outcome.note(f"Choose {action} (or press Enter) to keep it.")
        self._say(html, diagnosis.detail)
        field = {"url": self.url, "username": self.username, "password": self.password}.get(
            outcome.FIELD_TO_FIX.get(diagnosis.problem, "")
        )
        if diagnosis.ok:
            self.submit_button.setFocus()  # Enter now keeps the account
        elif field is not None and field.isEnabled():
            field.setFocus()
            field.selectAll()

    def _start(self, doing: str) -> None:
        self._focus = QApplication.focusWidget()
        for widget in self._inputs():
            widget.setEnabled(False)
        self.progress.show()
        self._say(outcome.note(doing))

    def _stop(self) -> None:
        self.progress.hide()
        for widget in self._inputs():
            widget.setEnabled(widget not in self._fixed)
        if self._status is None:
            self.network.setEnabled(len(self._kinds) > 1)
        if self._focus is not None and shiboken6.isValid(self._focus) and self._focus.isEnabled():
            self._focus.setFocus()

    def _inputs(self) -> list[QWidget]:
        return [
            self.network,
            self.url,
            self.username,
            self.password,
            *self.extras.values(),
            self.name,
            self.test_button,
            self.submit_button,
        ]

    def done(self, result: int) -> None:
        """Closing (kept, cancelled or Escape) stops the work and forgets the password."""
        if self.busy() and self._task is not None:
            self._task.cancel()
        self.password.clear()
        super().done(result)
