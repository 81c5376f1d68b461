"""Hostile input, part two: what the thread pane shows for comments written to attack it.

Comments carrying scripts, event handlers, javascript:/data:/file:/vbscript: links, remote
images and CSS, iframes, forms, <meta refresh>, <base href>, SVG with script, bidi
overrides, zero-width characters and look-alike links are ingested through
``comments.ingest`` into a real store and opened in the real ThreadPane (alone and inside
the MainWindow). Every URL in them points at a recording HTTP server on 127.0.0.1, which
must see no connection at all. A link's real target must be shown on hover and in the
confirmation before it opens; only http(s) and mailto ever reach QDesktopServices.

"""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from app import events as ev
from app.bootstrap import SANDBOX_ACCOUNT_ID
from app.core import Core
from app.domain import InboxView, Person, RemoteComment, RemotePost
from app.store import accounts, comments
from app.text.sanitize import COMMENT_DISPLAY_CHARS, comment_for_display
from app.timeutil import now_iso
from ui.thread.browser import SafeBrowser, confirm_and_open
from ui.thread.pane import ThreadPane

MY_NAME = "Dana Whitfield"
#: How long a stall while showing a comment may last (the loop must not stop for seconds).
MAX_RENDER_STALL_S = 0.25

# --- a server that records every connection -----------------------------------------------


class Recorder(ThreadingHTTPServer):
    """Counts every accepted connection (even one that never sends a request) and request."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[str] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def verify_request(self, request, client_address) -> bool:
        self.hits.append(f"connection from {client_address}")
        return True


class _Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        self.server.hits.append(f"{self.command} {self.path}")  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_HEAD = do_OPTIONS = _answer

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with urllib.request.urlopen(server.url + "/control", timeout=5) as answer:
        assert answer.status == 200
    assert server.hits == [server.hits[0], "GET /control"]  # the recorder does record
    server.hits.clear()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


# --- hostile comments -----------------------------------------------------------------------

#: Everything a comment body could use to make a viewer fetch ``{u}`` (the recorder).
FETCHERS = [
    '<script src="{u}/script.js"></script><script>fetch("{u}/fetch")</script>',
    '<img src="{u}/img.png" onerror="fetch(\'{u}/onerror\')" onload="fetch(\'{u}/onload\')">',
    '<img srcset="{u}/srcset.png 2x" src="x"><picture><source srcset="{u}/source.png"></picture>',
    '<p style="background:url({u}/style-attr.png)" onmouseover="fetch(\'{u}/hover\')">styled</p>',
    "<style>@import '{u}/import.css'; p {{ background: url({u}/style-tag.png) }}</style>",
    '<link rel="stylesheet" href="{u}/link.css"><link rel="prefetch" href="{u}/prefetch">',
    '<iframe src="{u}/iframe"></iframe><frame src="{u}/frame"><object data="{u}/object">'
    '</object><embed src="{u}/embed">',
    '<form action="{u}/form" method="post"><input type="image" src="{u}/input.png">'
    '<input name="q" value="x"><button formaction="{u}/button">Send</button></form>',
    '<meta http-equiv="refresh" content="0;url={u}/refresh"><base href="{u}/base/">'
    '<a href="relative">relative link</a><img src="relative.png">',
    '<svg><script>fetch("{u}/svg-script")</script><image href="{u}/svg-image.png"/>'
    '<use href="{u}/svg-use#x"/></svg>',
    '<video poster="{u}/poster.png" src="{u}/video"></video><audio src="{u}/audio"></audio>',
    '<table background="{u}/table-bg.png"><tr><td background="{u}/td-bg.png">cell</td>'
    '</tr></table><body background="{u}/body-bg.png">',
    '<div style="font-family:x; src:url({u}/font.woff); list-style:url({u}/list.png)">css</div>',
    "<img src=\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'>"
    "<image href='{u}/data-svg'/></svg>\">",
    '<a href="javascript:fetch(\'{u}/js\')">js link</a> <a href="data:text/html,'
    '<img src={u}/data-link>">data link</a> <a href="file:///etc/passwd">file link</a> '
    '<a href="vbscript:msgbox(1)">vbscript link</a> <a href="{u}/plain-link">plain link</a>',
    '<a ping="{u}/ping" href="https://intranet.example/faq">ping link</a>',
    "<p>\u202eLLIB OT YAP\u202c zero\u200bwidth\u200d \ufeff text</p>",
]


def _comment(
    ident: str, post: str, body: str, *, parent: str | None = None, author: Person | None = None
) -> RemoteComment:
    return RemoteComment(
        remote_id=ident,
        post_remote_id=post,
        parent_remote_id=parent,
        root_remote_id=parent,
        author=author or Person("hostile-1", "Mallory Example", "Analyst", "Finance"),
        body_html=body,
        created_at=now_iso(),
        edited_at=None,
        version=1,
    )


def _local_id(db, remote_id: str) -> int:
    return db.execute(
        "SELECT id FROM comments WHERE account_id = ? AND remote_id = ?",
        [SANDBOX_ACCOUNT_ID, remote_id],
    ).fetchone()[0]


def _ingest(core: Core, wait_for, items: list[RemoteComment], post: RemotePost | None = None):
    def write(db) -> int:
        if post is not None:
            accounts.upsert_posts(db, SANDBOX_ACCOUNT_ID, [post])
        return comments.ingest(db, SANDBOX_ACCOUNT_ID, MY_NAME, items)

    assert wait_for(core.store.run(write)) == len(items)
    core.events.emit(ev.InboxChanged())
    return [wait_for(core.store.read(_local_id, c.remote_id)) for c in items]


@pytest.fixture
def hostile_thread(synced_core: Core, wait_for, recorder: Recorder) -> dict[str, int]:
    """A hostile post, a parent, the comment and a reply, each full of fetch attempts."""
    u = recorder.url
    bodies = [f.format(u=u) for f in FETCHERS]
    post = RemotePost(
        "hostile-post",
        f'<img src="{u}/post-title.png">Q3 <b>plan</b>',
        f'<img src="{u}/post-body.png"> <style>@import "{u}/post.css";</style> body',
        f"{u}/post-url",
        now_iso(),
        now_iso(),
    )
    name = Person("hostile-2", f'<img src="{u}/name.png">Eve \u202eLLIB', "<b>CFO</b>", "")
    items = [
        _comment("h-parent", post.remote_id, "<p>PARENT-MARK</p>" + "".join(bodies[:8])),
        _comment(
            "h-comment",
            post.remote_id,
            "<p>COMMENT-MARK</p>" + "".join(bodies[8:]),
            parent="h-parent",
            author=name,
        ),
        _comment(
            "h-reply", post.remote_id, "<p>REPLY-MARK</p>" + "".join(bodies), parent="h-comment"
        ),
    ]
    ids = _ingest(synced_core, wait_for, items, post)
    return dict(zip(["parent", "comment", "reply"], ids, strict=True))


@pytest.fixture
def pane(synced_core: Core, settle, qtbot) -> Iterator[ThreadPane]:
    made = ThreadPane(synced_core)
    made.resize(900, 700)
    made.show()
    yield made
    settle(made)


def show(pane: ThreadPane, qtbot, comment_id: int, mark: str) -> None:
    """Open a comment and wait until it is rendered, laid out and painted."""
    pane.clear()
    pane.show_comment(comment_id)
    qtbot.waitUntil(lambda: mark in pane.browser.toPlainText(), timeout=10_000)
    pane.browser.document().size()  # the whole layout
    pane.grab()  # a full paint, as on screen
    QApplication.processEvents()


def anchors(browser: SafeBrowser) -> list[tuple[str, str, int]]:
    """(href, text, position) of every link in the rendered document."""
    found = []
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.isAnchor() and fmt.anchorHref():
                found.append((fmt.anchorHref(), fragment.text(), fragment.position()))
            it += 1
        block = block.next()
    return found


def images(browser: SafeBrowser) -> list[str]:
    names = []
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                names.append(fmt.toImageFormat().name())
            it += 1
        block = block.next()
    return names


def assert_no_request(recorder: Recorder, qtbot) -> None:
    # A request Qt had queued would arrive within moments on loopback; give it that long.
    qtbot.wait(300)
    assert recorder.hits == []


# --- no remote request ----------------------------------------------------------------------


def test_showing_hostile_comments_makes_no_request(pane, hostile_thread, recorder, qtbot):
    show(pane, qtbot, hostile_thread["comment"], "COMMENT-MARK")
    text = pane.browser.toPlainText()
    assert "PARENT-MARK" in text and "REPLY-MARK" in text  # the chain and the reply show
    for reply_or_parent in ("parent", "reply"):
        show(pane, qtbot, hostile_thread[reply_or_parent], f"{reply_or_parent.upper()}-MARK")
    pane.reload(force=True)
    show(pane, qtbot, hostile_thread["comment"], "COMMENT-MARK")

    assert images(pane.browser) == []
    for href, _, _ in anchors(pane.browser):
        assert QUrl(href).scheme() in ("http", "https", "mailto"), href
    rendered = pane.browser.toPlainText()
    assert "fetch(" not in rendered and "msgbox" not in rendered  # scripts, handlers: gone
    assert f'<img src="{recorder.url}/post-title.png">Q3 <b>plan</b>' in rendered  # as text
    assert_no_request(recorder, qtbot)


def test_main_window_shows_hostile_comments_without_a_request(
    window, hostile_thread, recorder, qtbot
):
    window.inbox.show_view(InboxView.ALL)
    qtbot.waitUntil(lambda: window.inbox.list.model().rowCount() > 0)
    thread = window.inbox.thread_pane
    thread.show_comment(hostile_thread["comment"])
    qtbot.waitUntil(lambda: "COMMENT-MARK" in thread.browser.toPlainText(), timeout=10_000)
    window.grab()  # the inbox list paints the hostile snippets and names too
    QApplication.processEvents()
    assert images(thread.browser) == []
    assert_no_request(recorder, qtbot)


# --- a link's real target is shown before it opens ------------------------------------------


class Opened(list):
    """QDesktopServices.openUrl calls, as strings."""


@pytest.fixture
def opened(monkeypatch) -> Opened:
    calls = Opened()
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: calls.append(url.toEncoded().data().decode())
    )
    return calls


def point_of(browser: SafeBrowser, position: int, length: int) -> QPoint:
    cursor = QTextCursor(browser.document())
    cursor.setPosition(position + max(1, length // 2))
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    rect = browser.cursorRect(cursor)
    return QPoint(rect.left() - 1, rect.center().y())


def link(browser: SafeBrowser, text: str) -> tuple[str, QPoint]:
    for href, shown, position in anchors(browser):
        if shown == text:
            point = point_of(browser, position, len(shown))
            assert browser.anchorAt(point) == href
            return href, point
    raise AssertionError(f"no link {text!r} in {anchors(browser)}")


def message_box(parent: QObject, qtbot) -> QMessageBox:
    qtbot.waitUntil(lambda: any(b.isVisible() for b in parent.findChildren(QMessageBox)))
    return next(b for b in parent.findChildren(QMessageBox) if b.isVisible())


LOOKALIKE = "https://p\u0430ypal.com/login"  # a Cyrillic a (U+0430): xn--pypal-4ve.com


@pytest.fixture
def links_thread(synced_core: Core, wait_for) -> int:
    body = (
        "<p>LINKS-MARK "
        '<a href="https://evil.example/steal">https://paypal.com</a> and '
        f'<a href="{LOOKALIKE}">https://paypal.com/login</a> and '
        '<a href="https://paypal.com@evil.example/x">Sign in</a> and '
        '<a href="mailto:ceo@evil.example">ceo@company.example</a></p>'
    )
    post = wait_for(
        synced_core.store.read(
            lambda db: db.execute("SELECT remote_id FROM posts LIMIT 1").fetchone()[0]
        )
    )
    [comment_id] = _ingest(synced_core, wait_for, [_comment("h-links", post, body)])
    return comment_id


@pytest.mark.parametrize(
    ("text", "target", "host"),
    [
        ("https://paypal.com", "https://evil.example/steal", "evil.example"),
        ("https://paypal.com/login", "https://xn--pypal-4ve.com/login", "xn--pypal-4ve.com"),
        ("Sign in", "https://paypal.com@evil.example/x", "evil.example"),
    ],
)
def test_hover_and_confirmation_show_the_real_target(
    pane, links_thread, qtbot, opened, *, text, target, host
):
    show(pane, qtbot, links_thread, "LINKS-MARK")
    _, point = link(pane.browser, text)
    with qtbot.waitSignal(pane.message, timeout=2000) as hovered:
        qtbot.mouseMove(pane.browser.viewport(), point)
    assert hovered.args == [target]  # the status bar shows the real address on hover

    qtbot.mouseClick(pane.browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
    box = message_box(pane.browser, qtbot)
    assert host in box.text() and box.informativeText() == target
    assert opened == []  # nothing opens before the person agrees
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert opened == []

    qtbot.mouseClick(pane.browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
    box = message_box(pane.browser, qtbot)
    box.button(QMessageBox.StandardButton.Open).click()
    assert opened == [target]


def test_hover_shows_the_real_target_in_the_main_window_status_bar(window, links_thread, qtbot):
    thread = window.inbox.thread_pane
    thread.show_comment(links_thread)
    qtbot.waitUntil(lambda: "LINKS-MARK" in thread.browser.toPlainText(), timeout=10_000)
    _, point = link(thread.browser, "https://paypal.com")
    qtbot.mouseMove(thread.browser.viewport(), point)
    qtbot.waitUntil(lambda: window.status.currentMessage() == "https://evil.example/steal")


def test_a_link_whose_text_names_another_host_is_flagged_in_the_text(pane, links_thread, qtbot):
    show(pane, qtbot, links_thread, "LINKS-MARK")
    text = pane.browser.toPlainText()
    assert "https://paypal.com [evil.example]" in text
    assert "https://paypal.com/login [xn--pypal-4ve.com]" in text
    assert "Sign in [evil.example]" in text
    assert "ceo@company.example [evil.example]" in text


BAD_TARGETS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "file://server/share/payroll.xlsx",
    "vbscript:msgbox(1)",
    "ftp://files.example/x",
    "smb://server/share",
    "tel:+15555555",
    "about:blank",
]


@pytest.mark.parametrize("target", BAD_TARGETS)
def test_only_web_and_mail_links_reach_the_desktop(pane, qtbot, opened, target):
    box = confirm_and_open(pane.browser, QUrl(target))
    assert box.windowTitle() == "Link not opened"
    assert box.standardButtons() == QMessageBox.StandardButton.Ok
    box.button(QMessageBox.StandardButton.Ok).click()
    QApplication.processEvents()
    assert opened == []


def test_the_post_link_of_a_hostile_post_does_not_open(
    pane, hostile_thread, qtbot, *, opened, synced_core, wait_for
):
    evil = RemotePost("hostile-post", "t", "b", "javascript:alert(1)", now_iso(), now_iso())
    wait_for(synced_core.store.run(accounts.upsert_posts, SANDBOX_ACCOUNT_ID, [evil]))
    show(pane, qtbot, hostile_thread["comment"], "COMMENT-MARK")
    pane.open_post.click()
    box = message_box(pane, qtbot)
    assert box.windowTitle() == "Link not opened"
    box.button(QMessageBox.StandardButton.Ok).click()
    assert opened == []


@pytest.mark.parametrize("target", ["mailto:<b>ceo@paypal.com</b>", "https:<h1>paypal.com</h1>"])
def test_the_confirmation_shows_the_target_as_plain_text(pane, qtbot, target):
    box = confirm_and_open(pane.browser, QUrl(target))
    try:
        assert box.textFormat() == Qt.TextFormat.PlainText
    finally:
        box.close()


# --- bidi, invisible characters, 1 MB ----------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_bidi_overrides_do_not_reach_the_screen(pane, hostile_thread, qtbot):
    show(pane, qtbot, hostile_thread["comment"], "COMMENT-MARK")
    assert not set(BIDI) & set(pane.browser.toPlainText())


#: What a row must never carry: bidirectional controls and zero-width characters.
HIDDEN = set(BIDI) | {"\u200b", "\u2060", "\ufeff", "\u180e"}


def test_rows_read_as_the_pane_does(pane, synced_core, wait_for, qtbot):
    """A right-to-left override or zero-width characters in any field of a comment make
    no row, search hit, batch preview or {question} read differently from the pane."""
    post = RemotePost(
        "disguised-post", "Pay\u202eslip", "body", "https://example.com/p", now_iso(), now_iso()
    )
    who = Person("disguised-1", "Ann\u202e yeL", "Chief\u200b of\u2066 Staff", "Fin\ufeffance")
    [comment] = _ingest(
        synced_core,
        wait_for,
        [
            _comment(
                "disguised",
                post.remote_id,
                "<p>Open invoice\u202efdp.exe now? Z\u200bW</p>",
                author=who,
            )
        ],
        post,
    )
    [row] = wait_for(synced_core.inbox.rows([comment]))
    fields = (row.author_name, row.author_title, row.author_department, row.post_title, row.snippet)
    assert not HIDDEN & set("".join(fields))
    assert row.snippet == "Open invoicefdp.exe now? ZW"
    show(pane, qtbot, comment, "invoice")
    shown = pane.browser.toPlainText()
    assert row.snippet in shown and row.author_name in shown  # the same words as the pane
    found = wait_for(synced_core.inbox.search("invoicefdp", 5))
    assert all(not HIDDEN & set(r.author_name + r.snippet + r.post_title) for r in found.comments)
    assert all(not HIDDEN & set(p.title) for p in wait_for(synced_core.inbox.posts()))
    [preview] = wait_for(synced_core.replies.preview([comment], "{name}: {question}"))
    assert not HIDDEN & set(preview.recipient + preview.text)
    assert preview.text == "Ann yeL: > Open invoicefdp.exe now?"


MEGABYTE_OF_WORDS = "<p>" + "Why is the plan late again? " * 37_450 + "END-MARK</p>"


def test_a_megabyte_comment_shows_without_stalling(pane, synced_core, wait_for, qtbot, heartbeat):
    post = wait_for(
        synced_core.store.read(
            lambda db: db.execute("SELECT remote_id FROM posts LIMIT 1").fetchone()[0]
        )
    )
    [big] = _ingest(synced_core, wait_for, [_comment("h-big", post, MEGABYTE_OF_WORDS)])
    stall = heartbeat.measure(qtbot, lambda: show(pane, qtbot, big, "Why is the plan late"))
    print(f"longest stall showing a 1 MB comment: {stall * 1000:.0f} ms")
    assert stall < MAX_RENDER_STALL_S
    assert "longer than Fireside shows" in pane.browser.toPlainText()


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (MEGABYTE_OF_WORDS, "characters)"),
        ("<p>" + "x" * 1_000_000 + "</p>", "characters)"),
        ("<b>y</b>" * 150_000, "tags)"),
        ("line<br>" * 130_000, "tags)"),
        ("<pre>" + "z" * 1_000_000 + "</pre>", "characters)"),
        ("<blockquote><ul><li>" * 80_000 + "deep", "tags)"),
    ],
    ids=["words", "one-word", "tags", "lines", "pre", "nested"],
)
def test_display_html_of_a_megabyte_comment_lays_out_quickly(qtbot, heartbeat, settle, body, why):
    """What comment_for_display makes of 1 MB, in the pane's browser: fast and marked short."""
    browser = SafeBrowser()
    browser.resize(900, 700)
    browser.show()

    def render() -> None:
        browser.setHtml(comment_for_display(body))
        browser.document().size()
        browser.grab()

    stall = heartbeat.measure(qtbot, render)
    text = browser.toPlainText()
    settle(browser)
    assert stall < MAX_RENDER_STALL_S, f"{stall * 1000:.0f} ms"
    assert "than Fireside shows" in text
    assert why in text  # and why it was cut: too many tags, or too many characters
    assert len(text) < COMMENT_DISPLAY_CHARS * 1.1
