"""Screenshots of every screen, for the README and for looking at the app as a person
does: ``python -m ui.screenshots [OUT_DIR]`` (default ``resources/screenshots``).

It opens a throwaway data dir with the built-in sandbox network, syncs it, and takes each
screen (inbox with a thread, the VIPs, filters, search, a "same question" group, Themes,
the editor with a draft, a draft just deleted (the sidebar without it, Undo in the status
bar), the Deleted drafts dialog, the outbox, the reply composer with its snippets (and its
words kept as a draft while another row is chosen), accounts,
settings, the keys, the command palette, About) at 1280 x 800 and at the window's minimum
size, in the light and the dark scheme: ``<screen>-<size>-<scheme>.png``; the coverage
scorecard and a person's page (windows of their own size) in both,
``scorecard-<scheme>.png`` and ``person-<scheme>.png``; and the weekly
report's PDF page as a PDF reader shows it, ``weekly-report.png`` (light: it is printed).
Without a display it renders offscreen (Qt's own fonts: run it under ``xvfb-run -a`` for
the desktop's). Accounts shows the keyring's warning where the session has no Secret
Service: on a server, run it inside ``dbus-run-session`` after unlocking a throwaway
``gnome-keyring-daemon --unlock --components=secrets`` (the shots keep no secret).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "resources" / "screenshots"
FULL = QSize(1280, 800)
#: Saved replies shown in the snippet shots.
SNIPPETS = (
    ("Office days", "Hi {first_name}, office days start in May; the details are on the intranet."),
    ("Thanks", "Thank you, {first_name}: that is a fair point, and I will take it to the team."),
    ("Follow up", "Good question, {first_name}. I will come back to you on {question} by Friday."),
)
#: Drafts deleted before the shots, listed by the Deleted drafts dialog.
DELETED = (
    ("Offsite agenda", "Day one: strategy in the morning, customer visits in the afternoon."),
    ("Reply to the works council", "Thank you for the letter of 3 March. On parking, …"),
)
#: The draft deleted on screen (and brought back with Undo), for the status bar's offer.
THROWAWAY = ("Notes for Friday", "Ask Priya about the Leeds numbers before the all-hands.")
#: Upper bound on waiting for one screen's data to show (a loop bounded in time).
SETTLE_S = 20.0


async def until(ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + SETTLE_S
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the screen never showed {what}")
        await asyncio.sleep(0.05)


async def settle(app: QApplication) -> None:
    """Let queued paints and the core's answers land (the loop runs Qt's events)."""
    for _ in range(10):
        await asyncio.sleep(0.02)


def _chart() -> bytes:
    """A small bar chart, the picture the editor's draft shows."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 220), (250, 250, 247))
    draw = ImageDraw.Draw(image)
    for n, height in enumerate((170, 150, 120, 95, 80, 60)):
        left = 30 + n * 74
        draw.rectangle((left, 200 - height, left + 48, 200), fill=(52, 120, 190))
    draw.line((20, 200, 460, 200), fill=(90, 90, 90), width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def save(widget: QWidget, out: Path, name: str) -> Path:
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(path.relative_to(out.parent.parent) if out.is_relative_to(Path.cwd()) else path)
    return path


async def shoot_all(app: QApplication, out: Path) -> None:
    from app.bootstrap import open_core
    from app.text.image_refs import markdown_ref
    from ui import theme
    from ui.bridge import CoreBridge
    from ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as data:
        core = await open_core(Path(data))
        try:
            await core.engine.sync_all()
            await core.grouping.catch_up()
            for name, body in SNIPPETS:
                await core.snippets.save(None, name, body)
            draft = await core.drafts.new(
                "Q3: what we learned",
                "## Three things\n\n- We shipped the **new onboarding** in six weeks\n"
                "- Support tickets fell by a _third_\n- Hiring: see [the plan](https://example.org)\n\n"
                "Thank you all. Questions welcome below.",
            )
            for title, body in DELETED:
                await core.drafts.delete(await core.drafts.new(title, body))
            notes = await core.drafts.new(*THROWAWAY)
            chart = await core.drafts.add_image(draft, _chart(), "Support tickets.png")
            shown = await core.drafts.get(draft)
            await core.drafts.save(
                draft, shown.title, f"{shown.body}\n\n{markdown_ref(chart.name, chart.id)}"
            )
            bridge = CoreBridge(core.events)
            for scheme in (Qt.ColorScheme.Light, Qt.ColorScheme.Dark):
                theme.apply(app, scheme)
                window = MainWindow(core, bridge)
                window.show()
                await until(_counted(window), "counts")
                window.after_first_paint()  # as the app does (the themes' count, ...)
                minimum = window.minimumSize()
                tag = "light" if scheme == Qt.ColorScheme.Light else "dark"
                for size, label in ((FULL, "1280x800"), (minimum, "minimum")):
                    window.resize(size)
                    await shoot_window(app, window, (draft, notes), out, f"{label}-{tag}")
                await shoot_scorecard(app, window, out, tag)
                await shoot_person(app, window, out, tag)
                if scheme == Qt.ColorScheme.Light:  # the report is always light: it is printed
                    await shoot_report(window, out)
                window.close()
                window.deleteLater()
                await settle(app)
            bridge.deleteLater()
            here = asyncio.current_task()
            await until(
                lambda: all(t.done() for t in asyncio.all_tasks() if t is not here), "quiet"
            )
        finally:
            await core.close()


async def shoot_window(
    app: QApplication, window, drafts: tuple[int, int], out: Path, suffix: str
) -> None:
    """Every screen of the window; ``drafts``: the one the editor shows, and the one it
    deletes and brings back."""
    from app.domain import InboxView

    draft, notes = drafts
    fresh(window)
    window.sidebar.choose("inbox", InboxView.NEEDS_REPLY)
    await until(lambda: window.inbox.model.rowCount() > 0, "inbox rows")
    window.inbox.select_id(window.inbox.model.row_id(0))
    await settle(app)
    save(window, out, f"inbox-{suffix}")
    await shoot_triage(app, window, out, suffix)

    window.inbox.search.setText("assistant")
    window.inbox.run_search()
    await until(lambda: window.inbox.searching, "search results")
    await settle(app)
    save(window, out, f"search-{suffix}")
    window.inbox.leave_results()

    await shoot_group_and_themes(app, window, out, suffix)

    fresh(window)
    window.open_draft(draft)
    await until(lambda: window.editor.draft_id == draft, "the draft")
    await settle(app)
    await asyncio.sleep(0.3)  # the preview renders after a short pause
    await settle(app)
    save(window, out, f"editor-{suffix}")
    await shoot_deleting(app, window, notes, out, suffix)

    fresh(window)
    window.sidebar.choose("outbox")
    await settle(app)
    save(window, out, f"outbox-{suffix}")

    window.sidebar.choose("inbox", InboxView.NEEDS_REPLY)
    await settle(app)
    await shoot_dialog(app, window, out, f"palette-{suffix}", window.show_palette)
    await shoot_dialog(app, window, out, f"keys-{suffix}", window.show_help)
    await shoot_dialog(app, window, out, f"about-{suffix}", window.show_about)
    await shoot_dialog(app, window, out, f"accounts-{suffix}", lambda: _opened(window, "accounts"))
    await shoot_dialog(app, window, out, f"settings-{suffix}", lambda: _opened(window, "settings"))
    fresh(window)
    window.inbox.list.setFocus()
    window.inbox.commands.reply()
    composer = window.inbox.composer
    await until(composer.isVisible, "the reply composer")
    await settle(app)
    save(window, out, f"reply-{suffix}")
    composer.pick_snippet()
    await until(lambda: getattr(composer, "picker", None) is not None, "the snippet picker")
    await _shoot_open_dialog(app, window, out, f"snippet-picker-{suffix}")
    await shoot_draft_elsewhere(app, window, out, suffix)
    composer.close_keeping_draft()  # nothing typed: no reply draft, no composer left open
    await until(lambda: not composer.isVisible(), "the composer closed")
    await shoot_dialog(app, window, out, f"snippets-{suffix}", window.show_snippets)


async def shoot_draft_elsewhere(app: QApplication, window, out: Path, suffix: str) -> None:
    """A reply written to the top comment's author, then someone else's row chosen: the
    composer says whose draft it holds ("Draft to …"). The words are erased after, so no
    reply draft is left for the other shots."""
    inbox, composer = window.inbox, window.inbox.composer
    starter = composer.template.toPlainText()
    composer.insert_text("I will find out by Friday.")
    model = inbox.model
    author = [model.index(n).data().split(":", 1)[0] for n in range(model.rowCount())]
    other = next(n for n in range(model.rowCount()) if author[n] != author[0])
    inbox.select_id(model.row_id(other))
    await until(lambda: composer.recipients.text().startswith("Draft to"), "the draft's line")
    await settle(app)
    save(window, out, f"reply-elsewhere-{suffix}")
    composer.template.setPlainText(starter)


async def shoot_deleting(app: QApplication, window, notes: int, out: Path, suffix: str) -> None:
    """The draft ``notes`` deleted from the editor (the sidebar without it, the status
    bar's Undo), brought back with Undo, then the Deleted drafts dialog."""
    window.open_draft(notes)
    await until(lambda: window.editor.draft_id == notes, "the draft to delete")
    await until(lambda: window.sidebar.draft_after(notes) is not None, "its row")
    window.editor.delete_draft()
    await until(window.status.offer_button.isVisible, "the status bar's Undo")
    await until(lambda: window.sidebar.draft_after(notes) is None, "the row gone")
    await settle(app)
    save(window, out, f"draft-deleted-{suffix}")
    window.status.offer_button.click()
    await until(lambda: window.editor.draft_id == notes, "the draft back")
    await settle(app)
    await shoot_dialog(app, window, out, f"deleted-drafts-{suffix}", window.deletion.show_deleted)


async def shoot_triage(app: QApplication, window, out: Path, suffix: str) -> None:
    """The VIPs view, and Needs reply narrowed by two filters (their chips and count)."""
    from app.domain import InboxFilter, InboxView, VipTier

    window.sidebar.choose("inbox", InboxView.VIPS)
    await until(lambda: window.inbox.model.rowCount() > 0, "VIP rows")
    window.inbox.select_id(window.inbox.model.row_id(0))
    await settle(app)
    save(window, out, f"vips-{suffix}")
    window.sidebar.choose("inbox", InboxView.NEEDS_REPLY)
    window.inbox.filters.set_filter(InboxFilter(min_tier=VipTier.SENIOR, waiting_over_days=3))
    await until(lambda: window.inbox.filters.count.text() != "", "the filtered count")
    await settle(app)
    save(window, out, f"filters-{suffix}")
    window.inbox.filters.clear()


async def shoot_group_and_themes(app: QApplication, window, out: Path, suffix: str) -> None:
    """Themes, then G on the newest theme's question (a group with marks and ticks), and
    the group ranked again by two rows ticked (M)."""
    window.sidebar.choose("themes")
    themes = window.themes
    await until(lambda: themes.model.rowCount() > 0, "themes")
    await until(lambda: window.sidebar.themes.text(1) != "", "the themes' count")
    await settle(app)
    save(window, out, f"themes-{suffix}")
    window.open_group(themes.model.theme_at(0).seed_id)
    inbox = window.inbox
    await until(lambda: inbox.searching and inbox.model.rowCount() > 1, "a group")
    inbox.list.setFocus()
    await settle(app)
    save(window, out, f"group-{suffix}")
    select = inbox.list.selectionModel()
    first_unticked = next(
        row for row in range(inbox.model.rowCount()) if not select.isRowSelected(row)
    )
    # Two rows the ranking was unsure of, ticked by the person as asking the same: M
    # ranks the group again by them (and the seed, and the rows already ticked).
    for row in (first_unticked, first_unticked + 1):
        select.select(inbox.model.index(row), select.SelectionFlag.Select)
    window.menus.run("inbox.more_like_ticked")
    await until(lambda: "Ranked again" in window.status.currentMessage(), "the group again")
    await settle(app)
    save(window, out, f"group-again-{suffix}")
    inbox.leave_results()


async def shoot_scorecard(app: QApplication, window, out: Path, suffix: str) -> None:
    """The coverage scorecard once its reading is on screen (the week chart's tab)."""
    loads: list[None] = []
    dialog = window.people.show_scorecard()
    dialog.loaded.connect(lambda: loads.append(None))
    await until(lambda: bool(loads), "the scorecard")
    await _shoot_open_dialog(app, window, out, f"scorecard-{suffix}")


async def shoot_person(app: QApplication, window, out: Path, suffix: str) -> None:
    """The page of whoever wrote the top comment of Needs reply, once it is read."""
    loads: list[None] = []
    page = window.people.open_person_of(window.inbox.model.row_id(0))
    page.loaded.connect(lambda: loads.append(None))
    await until(lambda: bool(loads), "a person's page")
    await _shoot_open_dialog(app, window, out, f"person-{suffix}")


async def shoot_report(window, out: Path) -> None:
    """The weekly report exported as from the File menu, its page rendered from the PDF
    (QtPdf) at about 150 dpi."""
    from PySide6.QtPdf import QPdfDocument

    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "weekly-report.pdf"
        said: list[str] = []
        export = window.people.export_to(pdf)
        export.finished.connect(said.append)
        export.failed.connect(said.append)
        await until(lambda: bool(said), "the weekly report")
        document = QPdfDocument()
        if document.load(str(pdf)) != QPdfDocument.Error.None_:
            raise RuntimeError(f"The weekly report could not be read back: {said[0]}")
        path = out / "weekly-report.png"
        document.render(0, QSize(1240, 1754)).save(str(path))
        document.close()
    print(path)


def fresh(window) -> None:
    """A scene starts without the last one's status message: a message stays 8 s, and the
    shots come faster than a person ("Ranked again by the 4 ticked" under the editor)."""
    window.status.clearMessage()


def _counted(window) -> Callable[[], bool]:
    from app.domain import InboxView

    return lambda: InboxView.NEEDS_REPLY in window.sidebar.counts


def _dialog(window: QWidget) -> QDialog | None:
    shown = [d for d in window.findChildren(QDialog) if d.isVisible()]
    return shown[-1] if shown else None


def _opened(window, which: str) -> QDialog | None:
    (window.show_accounts if which == "accounts" else window.show_settings)()
    return _dialog(window)


async def shoot_dialog(
    app: QApplication, window: QWidget, out: Path, name: str, open_it: Callable[[], object]
) -> None:
    open_it()
    await until(lambda: _dialog(window) is not None, name)
    await _shoot_open_dialog(app, window, out, name)


async def _shoot_open_dialog(app: QApplication, window: QWidget, out: Path, name: str) -> None:
    await settle(app)
    await asyncio.sleep(0.3)  # lists filled off the loop (About's libraries)
    await settle(app)
    dialog = _dialog(window)
    assert dialog is not None
    save(dialog, out, name)
    dialog.reject()
    await settle(app)


def main(argv: list[str]) -> int:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync

    out = Path(argv[0]).resolve() if argv else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Fireside")
    app.setQuitOnLastWindowClosed(False)  # windows come and go; the shots decide the end
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(shoot_all(app, out))
    finally:
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
