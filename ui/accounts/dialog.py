"""The Accounts dialog: every account with its network, name, address, state and last
sync, and what can be done with the one selected.

    Add account…       a new account on a network policy allows (``AccountForm``)
    Add online account… (a menu; "Add Microsoft 365…" when it is the only one) the
                       accounts of an online sign-in (``SuiteForm``): Microsoft 365 (one
                       sign-in adds Viva Engage and Teams), Mastodon, Slack
    Test connection    does the saved sign-in still work? (the answer shows below the list)
    Sign in again…     a new password for an account that needs one; "Sign in…" for an
                       account that policy set up and that is not signed in yet
    Channels… / Communities…
                       where an account on a network with places reads and posts (Teams
                       channels, Viva Engage communities: ``PlacesDialog``); offered on
                       its own right after a Microsoft 365 sign-in
    Remove…            after a confirmation that says what is deleted

Below the list, the selected account's state in words (why it is not connected, and what
to do), and for networks that read some places only rarely (Teams channels, which
Microsoft asks apps to poll at most once a day), how fresh each place is: "Town hall:
updated 5 min ago, next check in 23 h". That line is a label the keyboard reaches (Tab)
and a screen reader reads. Then the language replies from the account are spell checked
in (``LanguageChooser``; Alt+I). When no usable keyring exists, a banner says so and how to
fix it, and nothing that would need one (adding, signing in) is offered: passwords never
go anywhere else.

Keyboard: the list starts with the keyboard; Tab reaches each button; Enter in the list
runs the default button (Sign in for an account that needs it, else Add account); Delete
removes; Escape closes. Every core call runs off the UI thread (``ui.operations.run``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.accounts import AccountStatus, RemovalPreview, State
from app.text.plural import nouns
from ui.accounts import outcome
from ui.accounts.form import AccountForm, with_key
from ui.accounts.freshness import freshness_text
from ui.accounts.language import LanguageChooser
from ui.accounts.model import AccountsModel
from ui.accounts.places_dialog import PlacesDialog
from ui.accounts.removal import confirm_removal
from ui.accounts.suite_form import SuiteForm
from ui.common import screen
from ui.common.announce import announce
from ui.common.busy import busy_bar
from ui.operations import run

if TYPE_CHECKING:
    from app.accounts.suites import SuiteOffer
    from app.core import Core
    from app.networks.registry import NetworkKind
    from ui.bridge import CoreBridge

INTRO = (
    "Fireside gathers posts and comments from these accounts. Passwords stay in your "
    "system keyring, never in Fireside's files."
)


def _text(name: str = "", text: str = "") -> QLabel:
    """A wrapping, selectable label; ``name`` ("hint", "error") styles it."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


def _freshness_label() -> QLabel:
    """How fresh each place is: reached with Tab, read by screen readers, hidden when the
    account has no such places."""
    label = _text("hint")
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    label.setAccessibleName("How fresh each place is")
    label.hide()
    return label


class AccountsDialog(QDialog):
    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Accounts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen.fit(self, 820, 460)
        self._core = core
        self._kinds: list[NetworkKind] = []
        self._suites: list[SuiteOffer] = []
        self._keyring_problem: str | None = None
        self._checking: asyncio.Task | None = None
        #: Set once the first statuses have arrived (tests and screenshots wait on it).
        self.loaded = False
        self.form: AccountForm | None = None
        self.suite_form: SuiteForm | None = None
        self.confirmation: QMessageBox | None = None
        self.places_dialog: PlacesDialog | None = None
        #: Accounts a sign-in just added whose places are still to be offered.
        self._places_to_offer: list[AccountStatus] = []
        #: The outcome of the last action: (account id it is about, or None for any; html).
        self._note: tuple[str | None, str] | None = None
        self._select_next: str | None = None

        self.keyring_banner = _text("error")
        self.check_keyring_button = QPushButton("Check the &keyring again")
        self.model = AccountsModel(self)
        self.table = self._build_table()
        self.progress = busy_bar()
        self.details = self._details_label()
        self.freshness = _freshness_label()
        self.language = LanguageChooser(core.spelling, self._set_language)
        self.add_button = QPushButton("&Add account…")
        self.suite_button = self._build_suite_button()
        self.test_button = QPushButton("&Test connection")
        self.sign_in_button = QPushButton("&Sign in again…")
        self.places_button = QPushButton("&Channels…")
        self.remove_button = QPushButton("&Remove…")
        self.close_button = QPushButton("Close")
        self._lay_out()
        for hidden in (
            self.keyring_banner,
            self.check_keyring_button,
            self.progress,
            self.suite_button,
            self.places_button,
        ):
            hidden.hide()

        self.check_keyring_button.clicked.connect(self.refresh)
        self.add_button.clicked.connect(lambda: self.open_form(None))
        self.test_button.clicked.connect(self.test_selected)
        self.sign_in_button.clicked.connect(self.sign_in_selected)
        self.places_button.clicked.connect(self.places_of_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.close_button.clicked.connect(self.reject)
        remove_key = QShortcut(QKeySequence.StandardKey.Delete, self.table)
        remove_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove_key.activated.connect(self.remove_selected)
        self.table.doubleClicked.connect(lambda _: self._default_action())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        bridge.syncFinished.connect(lambda *_: self.refresh())
        self._selection_changed()
        self.table.setFocus()
        self.refresh()

    def _lay_out(self) -> None:
        banner = QHBoxLayout()
        banner.addWidget(self.keyring_banner, 1)
        banner.addWidget(self.check_keyring_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.suite_button,
            self.test_button,
            self.sign_in_button,
            self.places_button,
        ):
            buttons.addWidget(button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(_text("hint", INTRO))
        layout.addLayout(banner)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.details)
        layout.addWidget(self.freshness)
        layout.addWidget(self.language)
        layout.addLayout(buttons)

    def _details_label(self) -> QLabel:
        """The selected account's state in words, and the last action's outcome."""
        label = _text()
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        return label

    def _build_suite_button(self) -> QPushButton:
        """ "Add Microsoft 365…" when one online sign-in is on offer; "Add online
        account…" with a menu of them when there are several; hidden without one."""
        button = QPushButton()
        button.clicked.connect(lambda: self.open_suite_form(None))
        return button

    def _offer_suites(self) -> None:
        button = self.suite_button
        button.setVisible(bool(self._suites))
        if (old := button.menu()) is not None:
            button.setMenu(None)  # type: ignore[arg-type]  # Qt takes None: no menu
            old.deleteLater()
        if len(self._suites) == 1:
            button.setText(f"Add &{self._suites[0].display_name}…")
            return
        menu = QMenu(button)
        menu.setAccessibleName("Online accounts")
        taken: set[str] = set()
        for offer in self._suites:
            action = menu.addAction(f"Add {with_key(offer.display_name, taken)}…")
            action.triggered.connect(lambda _=False, o=offer: self.open_suite_form(None, o))
        button.setText("Add &online account…")
        button.setMenu(menu)

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)  # Tab leaves the list, to the buttons
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.setAccessibleName("Accounts")
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, mode in enumerate(
            (
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.ResizeToContents,
            )
        ):
            header.setSectionResizeMode(column, mode)
        return table

    # --- reading ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the accounts, the networks on offer and the keyring's state again."""
        run(self, self._read(), on_done=self._show)

    async def _read(self) -> tuple[list[AccountStatus], list[NetworkKind], str | None, list]:
        accounts = self._core.accounts
        return (
            await accounts.statuses(),
            await accounts.kinds(),
            await accounts.keyring_problem(),
            await accounts.suites(),
        )

    def _show(self, read: tuple[list[AccountStatus], list[NetworkKind], str | None, list]) -> None:
        statuses, self._kinds, self._keyring_problem, self._suites = read
        self._offer_suites()
        current = self.selected()
        self.model.set_rows(statuses)
        row = self.model.row_of(current.account_id, current.base_url) if current else -1
        if self._select_next is not None:
            row = self.model.row_of(self._select_next)
            self._select_next = None
        self._select(max(row, 0))
        problem = self._keyring_problem
        self.keyring_banner.setText(
            f"<b>Fireside cannot keep passwords on this computer.</b> {problem} Until then, "
            "accounts cannot be added or signed in to; Fireside never saves a password "
            "anywhere else."
            if problem
            else ""
        )
        self.keyring_banner.setVisible(bool(problem))
        self.check_keyring_button.setVisible(bool(problem))
        self.loaded = True
        self._selection_changed()

    def _select(self, row: int) -> None:
        if self.model.rowCount() == 0:
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def selected(self) -> AccountStatus | None:
        return self.model.status(self.table.currentIndex().row())

    # --- what the selection allows ----------------------------------------------------
    def _selection_changed(self) -> None:
        status = self.selected()
        keyring_ok = self._keyring_problem is None
        stored = status is not None and status.account_id is not None
        self.add_button.setEnabled(keyring_ok and bool(self._kinds))
        self.suite_button.setEnabled(keyring_ok and bool(self._suites))
        self.add_button.setToolTip(
            "" if self._kinds or not self.loaded else "Your organisation allows no networks."
        )
        self.test_button.setEnabled(stored and not self._busy())
        can_sign_in = (
            status is not None
            and status.can_sign_in
            and keyring_ok
            and (
                any(k.id == status.network for k in self._kinds)
                or self._offer_for(status) is not None
            )
        )
        self.sign_in_button.setEnabled(can_sign_in)
        self.sign_in_button.setText("&Sign in…" if status and not stored else "&Sign in again…")
        self.remove_button.setEnabled(stored)
        noun = self._places_noun(status)
        self.places_button.setVisible(noun is not None)
        if noun is not None:
            self.places_button.setText(f"&{nouns(noun)}…")
        self._read_freshness(status)
        self.language.show_for(status)
        needs_you = status is not None and status.state in (
            State.NEEDS_SIGN_IN,
            State.NOT_SIGNED_IN,
        )
        default = self.sign_in_button if can_sign_in and needs_you else self.add_button
        default.setDefault(True)
        self._describe(status)

    def _describe(self, status: AccountStatus | None) -> None:
        lines = []
        if status is None and self.loaded and self.model.rowCount() == 0:
            lines.append(outcome.note("No accounts yet: choose Add account to connect one."))
        if status is not None:
            lines.append(f"<b>{outcome.note(status.name)}</b> · {outcome.note(status.label)}")
            lines += [outcome.note(status.reason)] if status.reason else []
            lines += [f"<small>{outcome.note(status.locked)}</small>"] if status.locked else []
        about = status.account_id if status is not None else None
        if self._note is not None and self._note[0] in (None, about):
            lines.append(self._note[1])
        self.details.setText("<br>".join(lines))

    def _set_language(self, account_id: str, language: str | None) -> None:
        """Replies from the account are spell checked in ``language`` from now on."""
        run(self, self._core.accounts.set_language(account_id, language), lambda _: self.refresh())

    def _places_noun(self, status: AccountStatus | None) -> str | None:
        """What the selected account's network calls its places ("Channel"), when it has
        places and is connected; else None."""
        if status is None or status.account_id not in self._core.places():
            return None
        capabilities = self._core.capabilities().get(status.account_id or "")
        return capabilities.target_noun if capabilities else None

    def _read_freshness(self, status: AccountStatus | None) -> None:
        """Show how fresh each place the selected account reads is (read off the loop)."""
        account_id = status.account_id if status is not None else None
        if account_id is None:
            self.freshness.hide()
            return
        run(
            self,
            self._core.freshness(account_id),
            on_done=lambda places: self._show_freshness(account_id, places),
        )

    def _show_freshness(self, account_id: str, places: tuple) -> None:
        current = self.selected()
        if current is None or current.account_id != account_id:
            return
        text = freshness_text(places)
        self.freshness.setText(text)
        self.freshness.setVisible(bool(text))

    def _say(self, html: str, about: str | None = None) -> None:
        """Show an action's outcome under the account it is about (None: whichever)."""
        self._note = (about, html)
        self._describe(self.selected())
        announce(self.details, html)

    def _default_action(self) -> None:
        for button in (self.sign_in_button, self.add_button):
            if button.isDefault() and button.isEnabled():
                button.click()
                return

    # --- actions ------------------------------------------------------------------------
    def open_form(self, status: AccountStatus | None) -> AccountForm:
        """The add / sign-in form, opened over this dialog (without blocking the loop)."""
        form = AccountForm(self._core, self._kinds, status, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        again = status is not None and status.account_id is not None
        form.kept.connect(lambda kept: self._kept(kept, again))
        form.finished.connect(lambda _: self.refresh())
        self.form = form
        form.open()
        return form

    def _kept(self, status: AccountStatus, again: bool) -> None:
        verb = "Signed in to" if again else "Added"
        self._select_next = status.account_id
        self._say(
            outcome.note(f"{verb} {status.name}. Fireside is syncing it now."), status.account_id
        )

    def sign_in_selected(self) -> None:
        status = self.selected()
        if status is not None and self.sign_in_button.isEnabled():
            if status.suite:
                self.open_suite_form(status)
            else:
                self.open_form(status)

    def _offer_for(self, status: AccountStatus) -> SuiteOffer | None:
        return next(
            (o for o in self._suites if o.id == status.suite and status.network in o.allowed),
            None,
        )

    def open_suite_form(
        self, again: AccountStatus | None, offer: SuiteOffer | None = None
    ) -> SuiteForm | None:
        """An online sign-in form (Microsoft 365, Mastodon...), over this dialog, not
        blocking: for signing in again to ``again``, else to add through ``offer`` (the
        first on offer when None)."""
        if again is not None:
            offer = self._offer_for(again)
        elif offer is None:
            offer = next(iter(self._suites), None)
        if offer is None:
            return None
        form = SuiteForm(self._core, offer, again, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.kept.connect(lambda kept: self._suite_kept(kept, again is not None))
        form.finished.connect(lambda _: self.refresh())
        self.suite_form = form
        form.open()
        return form

    def _suite_kept(self, kept: tuple[AccountStatus, ...], again: bool) -> None:
        if not kept:
            return
        names = ", ".join(s.network_name for s in kept)
        verb = "Signed in again to" if again else "Added"
        self._select_next = kept[0].account_id
        self._say(outcome.note(f"{verb} {names}. Fireside is syncing now."))
        self.refresh()
        if not again:  # where the new accounts read and post: asked at once
            self._places_to_offer = [s for s in kept if s.account_id in self._core.places()]
            self._offer_next_places()

    def _offer_next_places(self) -> None:
        if self._places_to_offer and (self.suite_form is None or not self.suite_form.isVisible()):
            self.open_places(self._places_to_offer.pop(0))
        elif self._places_to_offer and self.suite_form is not None:
            self.suite_form.finished.connect(lambda _: self._offer_next_places())

    def places_of_selected(self) -> None:
        status = self.selected()
        if status is not None and self._places_noun(status) is not None:
            self.open_places(status)

    def open_places(self, status: AccountStatus) -> PlacesDialog | None:
        """Where the account reads and posts (Teams channels, Viva Engage communities),
        over this dialog, not blocking."""
        if status.account_id is None:
            return None
        dialog = PlacesDialog(self._core, status.account_id, status.name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda choice: self._places_saved(status, choice))
        dialog.finished.connect(lambda _: self._offer_next_places())
        self.places_dialog = dialog
        dialog.open()
        return dialog

    def _places_saved(self, status: AccountStatus, choice) -> None:
        chosen = len(choice.places)
        self._say(
            outcome.note(
                f"Saved where {status.name} reads and posts"
                + (f" ({chosen} chosen)." if chosen else ".")
            ),
            status.account_id,
        )
        self._read_freshness(self.selected())

    def test_selected(self) -> None:
        """Check the saved sign-in of the selected account; the answer shows below."""
        status = self.selected()
        if status is None or status.account_id is None or self._busy():
            return
        account_id = status.account_id
        self._say(outcome.note(f"Testing the connection to {status.name}…"), account_id)
        self.progress.show()
        self._checking = run(
            self,
            self._core.accounts.check(account_id),
            on_done=lambda found: self._checked(outcome.rich(found), account_id),
            on_error=lambda exc: self._checked(outcome.plain_problem(str(exc)), account_id),
        )
        self._selection_changed()

    def _checked(self, html: str, account_id: str) -> None:
        self.progress.hide()
        self._say(html, account_id)
        self._selection_changed()

    def _busy(self) -> bool:
        return self._checking is not None and not self._checking.done()

    def remove_selected(self) -> None:
        """Ask (saying what goes), then remove the selected account."""
        status = self.selected()
        if status is None or status.account_id is None:
            return
        run(self, self._core.accounts.removal_preview(status.account_id), on_done=self._confirm)

    def _confirm(self, preview: RemovalPreview) -> None:
        box, remove = confirm_removal(self, preview)

        def clicked(button: QAbstractButton) -> None:
            if button is remove:
                self._remove(preview.account_id)

        box.buttonClicked.connect(clicked)
        self.confirmation = box
        box.open()

    def _remove(self, account_id: str) -> None:
        self._say(outcome.note("Removing…"), account_id)

        def removed(sentence: str) -> None:
            self._say(outcome.note(sentence))
            self.refresh()

        run(self, self._core.accounts.remove(account_id), on_done=removed)

    def done(self, result: int) -> None:
        if self._busy() and self._checking is not None:
            self._checking.cancel()
        super().done(result)
