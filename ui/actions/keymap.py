"""Every command Fireside binds to a key, in the order the '?' help shows them.

Change a key here and the shortcut, the tooltip and the help all follow.
"""

from __future__ import annotations

from ui.actions.registry import Command

WINDOW = "Anywhere"
INBOX = "Inbox"
BATCH = "Reply"
TEXT = "Text boxes"

COMMANDS: tuple[Command, ...] = (
    Command("inbox.next", "Next comment", INBOX, ("J",)),
    Command("inbox.prev", "Previous comment", INBOX, ("K",)),
    Command("inbox.extend_next", "Add the next comment to the selection", INBOX, ("Shift+J",)),
    Command("inbox.extend_prev", "Add the previous comment to the selection", INBOX, ("Shift+K",)),
    Command("inbox.toggle", "Tick or untick this comment", INBOX, ("X", "Space")),
    Command("inbox.select_all", "Select every comment in this view", INBOX, ("Ctrl+A",)),
    Command("inbox.open", "Open the thread", INBOX, ("Return", "Enter")),
    Command(
        "inbox.back", "Back to the list (clears a search or a post filter)", INBOX, ("Escape",)
    ),
    Command("inbox.reply", "Reply to the selected comments", INBOX, ("R",), "reply"),
    Command("inbox.done", "Mark done", INBOX, ("E",), "done"),
    Command("inbox.snooze", "Snooze until…", INBOX, ("S",), "snooze"),
    Command("inbox.same_question", "Find everyone asking the same question", INBOX, ("G",), "same"),
    Command(
        "inbox.more_like_ticked",
        "Find more like the ticked (in a Same question group)",
        INBOX,
        ("M",),
    ),
    Command("inbox.undo", "Undo the last triage action", INBOX, ("U",), "undo"),
    Command(
        "inbox.star",
        "Star or unstar this person (a key person: sorted first, announced)",
        INBOX,
        ("*",),
    ),
    Command("inbox.set_tier", "Set this person's VIP tier…", INBOX, ("V",), "vip"),
    Command(
        "inbox.filter", "Filter and sort: network, VIP tier, age, waiting…", INBOX, ("F",), "filter"
    ),
    Command("inbox.clear_filters", "Clear every filter", INBOX, ("Shift+F",)),
    Command("inbox.search", "Search comments, posts and drafts", INBOX, ("/",), "search"),
    Command(
        "inbox.person",
        "This person's page (their comments, answers, notes)",
        INBOX,
        ("L",),
        "person",
    ),
    Command("window.needs_reply", "Go to Needs reply", WINDOW, ("Ctrl+1",), "inbox"),
    Command("window.vips", "Go to VIPs (needing a reply)", WINDOW, ("Ctrl+Shift+V",), "vip"),
    Command("window.questions", "Go to Questions", WINDOW, ("Ctrl+2",), "question"),
    Command("window.mentions", "Go to Mentions", WINDOW, ("Ctrl+3",), "mention"),
    Command("window.snoozed", "Go to Snoozed", WINDOW, ("Ctrl+4",), "snooze"),
    Command("window.done", "Go to Done", WINDOW, ("Ctrl+5",), "done"),
    Command("window.all", "Go to All", WINDOW, ("Ctrl+6",), "all"),
    Command("window.drafts", "Go to Drafts", WINDOW, ("Ctrl+7",), "draft"),
    Command("window.outbox", "Go to Outbox", WINDOW, ("Ctrl+8",), "outbox"),
    Command("window.for_approval", "Go to For approval", WINDOW, ("Ctrl+9",), "done"),
    Command("window.shared_inbox", "Go to the Shared inbox", WINDOW, ("Ctrl+Shift+I",), "inbox"),
    Command("window.waiting", "Go to People waiting longest", WINDOW, ("Ctrl+Shift+P",)),
    Command("window.scorecard", "Coverage scorecard", WINDOW, ("Ctrl+Shift+C",)),
    Command("window.export_report", "Export weekly report…", WINDOW, ()),
    Command("window.themes", "Go to Themes (questions many people ask)", WINDOW, ("Ctrl+Shift+T",)),
    Command("window.sidebar", "Move to the sidebar", WINDOW, ("Ctrl+0",)),
    Command("window.sync", "Sync now", WINDOW, ("F5",), "sync"),
    Command("window.help", "Show these keys", WINDOW, ("?",), "keyboard"),
    Command("window.accounts", "Accounts…", WINDOW, ("Ctrl+Shift+A",)),
    Command("window.import_thread", "Import a thread by hand…", WINDOW, ("Ctrl+Shift+O",)),
    Command("window.import_vips", "Import VIP list…", WINDOW, ()),
    Command("window.undo_vip_import", "Undo the last VIP list import", WINDOW, ()),
    Command("window.reply_by_hand", "Reply by hand…", WINDOW, ("Ctrl+Shift+B",)),
    Command("window.settings", "Settings…", WINDOW, ("Ctrl+,",)),
    Command("window.workspace", "Workspace…", WINDOW, ("Ctrl+Shift+W",)),
    Command("window.quit", "Quit Fireside", WINDOW, ("Ctrl+Q",)),
    Command("window.undo_send", "Undo send (take back what waits to go out)", WINDOW, ("Shift+U",)),
    Command("batch.first_name", "Insert {first_name}", BATCH, ("Alt+1",)),
    Command("batch.name", "Insert {name}", BATCH, ("Alt+2",)),
    Command("batch.question", "Insert {question} (their question, quoted)", BATCH, ("Alt+3",)),
    Command("batch.snippet", "Insert a snippet…", BATCH, ("Ctrl+;",)),
    Command(
        "batch.use_answer", "Start from the earlier answer to this question", BATCH, ("Alt+4",)
    ),
    Command("window.snippets", "Snippets…", WINDOW, ()),
    Command("window.new_draft", "New draft", WINDOW, ("Ctrl+N",), "draft"),
    Command("window.deleted_drafts", "Deleted drafts…", WINDOW, ()),
    # R for restore: Ctrl+Z and Ctrl+Shift+Z are the text fields' undo and redo.
    Command(
        "window.undo_delete_draft",
        "Undo deleting the draft (bring it back)",
        WINDOW,
        ("Ctrl+Shift+R",),
    ),
    Command("window.palette", "Find a command…", WINDOW, ("Ctrl+K",)),
    Command("window.about", "About Fireside", WINDOW, ()),
    Command("text.spelling", "Spelling suggestions for the word at the cursor", TEXT, ("Ctrl+.",)),
    Command("batch.queue", "Queue every reply", BATCH, ("Ctrl+Return", "Ctrl+Enter"), "outbox"),
)
