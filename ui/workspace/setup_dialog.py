"""Workspace set-up: create a workspace (principal) or join one with a pairing code
(delegate), over a shared folder or a WebDAV address; once in one, who is in it, the
pairing code as text (to read over the phone) and as a QR code, removing a delegate
(the key rotates), the networks where delegates may send without approval (principal)
and syncing now. Every change goes through ``core.workspace``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core import Core
from app.workspace.errors import NotInWorkspace
from app.workspace.model import Role, Transport
from ui.bridge import CoreBridge
from ui.common.announce import announce
from ui.operations import run

if TYPE_CHECKING:  # the workspace's libraries (pycrdt, httpx, segno) load when it is used
    from app.core.workspace import WorkspaceStatus
    from app.workspace.pairing import PairingCode
    from app.workspace.session import SyncReport

DEVICE_ROLE = Qt.ItemDataRole.UserRole + 1
NETWORK_ROLE = Qt.ItemDataRole.UserRole + 2


class _Place(QWidget):
    """Where the workspace lives: a folder (with Browse…) or a WebDAV address, user and
    password (the password goes to the OS keyring, never the data dir)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("Your copy of the shared folder, or leave empty")
        self.folder.setAccessibleName("Shared folder")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.webdav = QLineEdit()
        self.webdav.setPlaceholderText(
            "https://cloud.example.com/remote.php/dav/files/you/Fireside"
        )
        self.webdav.setAccessibleName("WebDAV address")
        self.user = QLineEdit()
        self.user.setAccessibleName("WebDAV user name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("WebDAV password")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Shared &folder:", row)
        form.addRow("or &WebDAV:", self.webdav)
        form.addRow("User:", self.user)
        form.addRow("Password:", self.password)

    def _browse(self) -> None:
        dialog = QFileDialog(self, "The workspace's shared folder")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.fileSelected.connect(self.folder.setText)
        dialog.open()

    def transport(self) -> Transport:
        return Transport.WEBDAV if self.webdav.text().strip() else Transport.FOLDER

    def location(self) -> str:
        return self.webdav.text().strip() or self.folder.text().strip()


class WorkspaceDialog(QDialog):
    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Workspace")
        self.setAccessibleName("Workspace set-up")
        self._core = core
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_set_up())
        self.pages.addWidget(self._build_status())
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setAccessibleName("Outcome")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(close)
        bridge.workspaceChanged.connect(self.refresh)
        self.refresh()

    # --- set-up -----------------------------------------------------------------------

    def _build_set_up(self) -> QWidget:
        tabs = QTabWidget()
        tabs.setAccessibleName("Create or join")
        create = QWidget()
        self.create_name = QLineEdit()
        self.create_name.setAccessibleName("This device's name")
        self.create_place = _Place()
        create_button = QPushButton("Create the workspace")
        create_button.clicked.connect(self.create_workspace)
        form = QFormLayout(create)
        form.addRow(
            QLabel(
                "You are the principal: your device pulls and sends; a delegate "
                "triages and drafts for your approval."
            )
        )
        form.addRow("Your &name:", self.create_name)
        form.addRow(self.create_place)
        form.addRow(create_button)
        join = QWidget()
        self.join_name = QLineEdit()
        self.join_name.setAccessibleName("This device's name")
        self.join_code = QLineEdit()
        self.join_code.setPlaceholderText("FSW-XXXXX-XXXXX-…")
        self.join_code.setAccessibleName("Pairing code")
        self.join_place = _Place()
        join_button = QPushButton("Join the workspace")
        join_button.clicked.connect(self.join_workspace)
        form = QFormLayout(join)
        form.addRow(QLabel("You are a delegate: enter the code the principal reads to you."))
        form.addRow("Your &name:", self.join_name)
        form.addRow("Pairing &code:", self.join_code)
        form.addRow(self.join_place)
        form.addRow(join_button)
        tabs.addTab(create, "Create (principal)")
        tabs.addTab(join, "Join (delegate)")
        return tabs

    def create_workspace(self) -> None:
        place = self.create_place
        job = self._core.workspace.create(
            self.create_name.text(),
            place.transport(),
            place.location(),
            place.user.text(),
            place.password.text(),
        )
        run(self, job, on_done=self._created)

    def _created(self, code: PairingCode) -> None:
        self._say("Workspace created. Read the pairing code to your delegate, or let them scan it.")
        self.refresh()

    def join_workspace(self) -> None:
        place = self.join_place
        job = self._core.workspace.join(
            self.join_code.text(),
            self.join_name.text(),
            place.location(),
            place.user.text(),
            place.password.text(),
        )
        run(self, job, on_done=lambda _: self._joined())

    def _joined(self) -> None:
        self._say("Joined. The principal's inbox arrives with the next sync.")
        self.sync()

    # --- in a workspace ---------------------------------------------------------------

    def _build_status(self) -> QWidget:
        page = QWidget()
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_text = QLabel()
        self.code_text.setAccessibleName("Pairing code")
        self.code_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(self.font().pointSizeF() * 1.4)
        self.code_text.setFont(font)
        self.code_image = QLabel()
        self.code_image.setAccessibleName("Pairing code as a QR code")
        self.members = QListWidget()
        self.members.setAccessibleName("Members")
        self.remove_button = QPushButton("Remove this delegate…")
        self.remove_button.clicked.connect(self.remove_selected)
        self.direct_label = QLabel("Delegates send without approval, with their own account, on:")
        self.direct = QListWidget()
        self.direct.setAccessibleName("Networks where delegates send without approval")
        self.direct.setMaximumHeight(self.fontMetrics().height() * 6)
        self.direct.itemChanged.connect(self._direct_toggled)
        sync_button = QPushButton("Sync now")
        sync_button.clicked.connect(self.sync)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(sync_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.about)
        layout.addWidget(self.code_text)
        layout.addWidget(self.code_image, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(QLabel("Members:"))
        layout.addWidget(self.members, 1)
        layout.addWidget(self.direct_label)
        layout.addWidget(self.direct)
        layout.addLayout(buttons)
        return page

    def refresh(self) -> None:
        run(self, self._core.workspace.status(), on_done=self._show, on_error=self._none)

    def _none(self, exc: BaseException) -> None:
        if not isinstance(exc, NotInWorkspace):
            raise exc
        self.pages.setCurrentIndex(0)

    def _show(self, status: WorkspaceStatus) -> None:
        m = status.membership
        principal = m.role is Role.PRINCIPAL
        self.pages.setCurrentIndex(1)
        self.about.setText(
            f"This device, {m.device_name}, is the workspace's {m.role}. "
            f"Shared through {m.location}. Everything there is encrypted; the keys are in "
            f"this computer's keyring. {status.for_approval} waiting for approval."
        )
        self.members.clear()
        for member in status.members:
            gone = " — removed" if member.removed else ""
            item = QListWidgetItem(f"{member.name} ({member.role}){gone}")
            item.setData(DEVICE_ROLE, member.device_id)
            self.members.addItem(item)
        for part in (
            self.remove_button,
            self.code_text,
            self.code_image,
            self.direct_label,
            self.direct,
        ):
            part.setVisible(principal)
        if principal:
            run(self, self._core.workspace.pairing_code(), on_done=self._show_code)
            run(self, self._direct_rules(), on_done=self._show_direct)

    async def _direct_rules(self) -> list[tuple[str, bool]]:
        """Every network the shared comments come from, and whether delegates send there
        without approval."""
        allowed = {r.network: r.allowed for r in await self._core.workspace.direct_send()}
        networks = {c.network for c in await self._core.workspace.comments()} | set(allowed)
        return [(n, allowed.get(n, False)) for n in sorted(networks)]

    def _show_direct(self, rules: list[tuple[str, bool]]) -> None:
        self.direct.blockSignals(True)
        self.direct.clear()
        for network, allowed in rules:
            item = QListWidgetItem(network)
            item.setData(NETWORK_ROLE, network)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if allowed else Qt.CheckState.Unchecked)
            self.direct.addItem(item)
        self.direct.blockSignals(False)

    def _direct_toggled(self, item: QListWidgetItem) -> None:
        network = str(item.data(NETWORK_ROLE))
        allowed = item.checkState() == Qt.CheckState.Checked
        words = (
            f"Delegates with their own {network} account now send there without approval."
            if allowed
            else f"Replies on {network} wait for approval again."
        )
        run(
            self,
            self._core.workspace.allow_direct_send(network, allowed),
            on_done=lambda _: self._say(words),
        )

    def _show_code(self, code: PairingCode) -> None:
        self.code_text.setText(code.text())
        from ui.workspace.qr import qr_pixmap  # QtSvg, for the one dialog that shows a code

        self.code_image.setPixmap(qr_pixmap(code))

    def remove_selected(self) -> None:
        item = self.members.currentItem()
        if item is None:
            self._say("Choose the delegate to remove in the list first.")
            return
        job = self._core.workspace.remove_member(str(item.data(DEVICE_ROLE)))
        run(
            self,
            job,
            on_done=lambda _: self._say(
                "Removed. The key changed: that device reads nothing new. The code above is new."
            ),
        )

    def sync(self) -> None:
        self._say("Syncing the workspace…")
        run(self, self._core.workspace.sync(), on_done=self._synced)

    def _synced(self, report: SyncReport) -> None:
        if report.problem:
            self._say(report.problem)
        else:
            self._say(
                f"Synced: {report.pulled.applied} new from others, {report.pushed_files} written"
                + (f", {report.pulled.waiting} still arriving." if report.pulled.waiting else ".")
            )

    def _say(self, text: str) -> None:
        self.outcome.setText(text)
        announce(self, text)
