"""Every command Fireside binds to a key, in the order the '?' help shows them.

Change a key here and the shortcut, the tooltip and the help all follow.
"""

from __future__ import annotations

from ui.actions.registry import Command

WINDOW = "Anywhere"
INBOX = "Inbox"
BATCH = "Batch reply"
TEXT = "Text boxes"

COMMANDS: tuple[Command, ...] = (
    Command("inbox.next", "Next comment", INBOX, ("J",)),
    Command("inbox.prev", "Previous comment", INBOX, ("K",)),
    Command("inbox.extend_next", "Add the next comment to the selection", INBOX, ("Shift+J",)),
    Command("inbox.extend_prev", "Add the previous comment to the selection", INBOX, ("Shift+K",)),
    Command("inbox.toggle", "Select or unselect this comment", INBOX, ("X",)),
    Command("inbox.select_all", "Select every comment in this view", INBOX, ("Ctrl+A",)),
    Command("inbox.open", "Open the thread", INBOX, ("Return", "Enter")),
    Command(
        "inbox.back", "Back to the list (clears a search or a post filter)", INBOX, ("Escape",)
    ),
    Command("inbox.reply", "Reply to the selected comments", INBOX, ("R",), "reply"),
    Command("inbox.done", "Mark done", INBOX, ("E",), "done"),
    Command("inbox.snooze", "Snooze until…", INBOX, ("S",), "snooze"),
    Command("inbox.same_question", "Find everyone asking the same question", INBOX, ("G",), "same"),
    Command("inbox.undo", "Undo the last triage action", INBOX, ("U",), "undo"),
    Command(
        "inbox.star", "Star or unstar this person (tells you when they comment)", INBOX, ("*",)
    ),
    Command("inbox.search", "Search comments, posts and drafts", INBOX, ("/",), "search"),
    Command("window.needs_reply", "Go to Needs reply", WINDOW, ("Ctrl+1",), "inbox"),
    Command("window.questions", "Go to Questions", WINDOW, ("Ctrl+2",), "question"),
    Command("window.mentions", "Go to Mentions", WINDOW, ("Ctrl+3",), "mention"),
    Command("window.snoozed", "Go to Snoozed", WINDOW, ("Ctrl+4",), "snooze"),
    Command("window.done", "Go to Done", WINDOW, ("Ctrl+5",), "done"),
    Command("window.all", "Go to All", WINDOW, ("Ctrl+6",), "all"),
    Command("window.drafts", "Go to Drafts", WINDOW, ("Ctrl+7",), "draft"),
    Command("window.outbox", "Go to Outbox", WINDOW, ("Ctrl+8",), "outbox"),
    Command("window.sidebar", "Move to the sidebar", WINDOW, ("Ctrl+0",)),
    Command("window.sync", "Sync now", WINDOW, ("F5",), "sync"),
    Command("window.help", "Show these keys", WINDOW, ("?",), "keyboard"),
    Command("window.accounts", "Accounts…", WINDOW, ("Ctrl+Shift+A",)),
    Command("window.settings", "Settings…", WINDOW, ("Ctrl+,",)),
    Command("window.quit", "Quit Fireside", WINDOW, ("Ctrl+Q",)),
    Command("window.new_draft", "New draft", WINDOW, ("Ctrl+N",), "draft"),
    Command("window.palette", "Find a command…", WINDOW, ("Ctrl+K",)),
    Command("window.about", "About Fireside", WINDOW, ()),
    Command("batch.first_name", "Insert {first_name}", BATCH, ("Ctrl+1",)),
    Command("batch.name", "Insert {name}", BATCH, ("Ctrl+2",)),
    Command("batch.question", "Insert {question} (their words, quoted)", BATCH, ("Ctrl+3",)),
    Command("text.spelling", "Spelling suggestions for the word at the cursor", TEXT, ("Ctrl+.",)),
    Command("batch.queue", "Queue every reply", BATCH, ("Ctrl+Return", "Ctrl+Enter"), "outbox"),
)
