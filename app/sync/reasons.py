"""Plain words for where an outbox item stands and, when it needs the person, what to do:
the one source of these texts, read by the sender (what it records), the window's outbox
and ``fireside outbox`` alike.

``explain(item)`` reads an outbox item (state, error_kind, last_error, account_name...)
and returns a short headline for the list and the advice for the detail pane. The button
names in the advice ("Retry", "Send anyway", "Edit", "Cancel") are the outbox's buttons;
the CLI's ``fireside outbox retry`` is the same action as Retry and Send anyway.

A 'sending' item is worded by ``item.interrupted``, which the core sets when no sender of
the running app holds the item (see ``app.core.outbox`` for how it tells): a crash or a
kill cut that send short, and the next sync looks it up before anything is resent.
"""

from __future__ import annotations

import msgspec

from app.domain import ErrorKind, OutboxItem, OutboxState
from app.text.timefmt import exact

#: Why a reply is held (error_kind on a held item): the thread moved after it was written.
HELD: dict[ErrorKind, tuple[str, str]] = {
    ErrorKind.EDITED: (
        "Held: the comment was edited after you wrote your reply.",
        "The thread shows its new text: read it, then press Send anyway, edit your reply, "
        "or cancel it.",
    ),
    ErrorKind.DELETED: (
        "Held: the comment was deleted after you wrote your reply.",
        "Cancel your reply, or press Send anyway to post it in the thread regardless.",
    ),
    ErrorKind.ANSWERED: (
        "Held: this comment was already answered from your account.",
        "Perhaps you answered on another device. Cancel yours, or press Send anyway.",
    ),
    ErrorKind.BY_HAND: (
        "Waiting for you to paste it: Fireside sends nothing to a site bridged by hand.",
        "Choose Reply by hand (Ctrl+Shift+B): it copies the text and opens the comment; "
        "paste it there, then mark it sent.",
    ),
}

#: Why an item failed (error_kind on a failed item).
FAILED: dict[ErrorKind, tuple[str, str]] = {
    ErrorKind.AUTH: (
        "Failed: {account} no longer accepts your sign-in.",
        "Sign in again under Accounts: it then goes out by itself.",
    ),
    ErrorKind.AUTH_UNCONFIRMED: (
        "Failed: {account} no longer accepts your sign-in.",
        "Sign in again under Accounts: Fireside then checks whether it arrived and sends "
        "it only if not.",
    ),
    ErrorKind.PERMANENT: (
        "Failed: {account} refused it.",
        "{error} Edit it if that helps, then press Retry, or cancel it.",
    ),
    ErrorKind.UNKNOWN: (
        "Not confirmed: {account} never said whether it arrived.",
        "Press Retry: Fireside looks it up first, so it is never posted twice.",
    ),
    ErrorKind.EXPIRED: (
        "Not confirmed, and {account} no longer remembers the send.",
        "Look for it on {account}. If it is not there, press Retry to send it; "
        "otherwise cancel it.",
    ),
    ErrorKind.RETRYABLE: (
        "Failed after {attempts} tries: {account} kept having problems.",
        "Press Retry when the network works again; it cannot be posted twice.",
    ),
}


class Reason(msgspec.Struct, frozen=True):
    headline: str
    advice: str = ""
    needs_you: bool = False

    @property
    def text(self) -> str:
        return f"{self.headline} {self.advice}".strip()


def explain(item: OutboxItem) -> Reason:
    """Where ``item`` stands, in words a person can act on."""
    state = item.state
    fields = {
        "account": item.account_name or item.account_id,
        "attempts": item.attempts,
        "error": _sentence(item.last_error or ""),
    }
    known = HELD if state is OutboxState.HELD else FAILED
    words = known.get(item.error_kind) if item.error_kind else None
    if state is OutboxState.HELD:
        headline, advice = words or (
            f"Held: {fields['error'] or 'the thread changed since you wrote this.'}",
            "Press Send anyway, edit it, or cancel it.",
        )
        return Reason(headline, advice, needs_you=True)
    if state is OutboxState.FAILED:
        headline, advice = words or ("Failed: {error}", "Press Retry to try again, or cancel it.")
        return Reason(headline.format(**fields), advice.format(**fields).strip(), needs_you=True)
    return _in_flight(state, item, fields)


def held_text(kind: ErrorKind) -> str:
    """The whole sentence for a reply held for ``kind`` (what the sender records)."""
    headline, advice = HELD[kind]
    return f"{headline} {advice}"


def _in_flight(state: OutboxState, item: OutboxItem, fields: dict[str, object]) -> Reason:
    if state is OutboxState.QUEUED:
        if fields["error"]:
            return Reason(f"Waiting: {fields['error']}")
        return Reason("Waiting to go out with the next sync.", "You can still edit or cancel it.")
    if state is OutboxState.SENDING and item.interrupted:
        return Reason(
            "Interrupted; will be checked before anything is resent.",
            f"Fireside stopped while sending it. The next sync asks {fields['account']} "
            "whether it arrived.",
        )
    if state is OutboxState.SENDING:
        return Reason(f"Sending to {fields['account']} now.")
    if state is OutboxState.UNKNOWN:
        return Reason(
            f"Checking with {fields['account']} whether it arrived.",
            "Nothing is sent again until the answer is known.",
        )
    if state is OutboxState.SENT:
        sent = exact(item.sent_at)
        return Reason(f"Sent {sent}." if sent else "Sent.")
    return Reason("Cancelled: it will not be sent.")


def _sentence(text: str) -> str:
    """Engine messages end without a full stop at times; advice follows them."""
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else f"{text}."
