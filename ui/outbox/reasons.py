"""Plain words for where an outbox item stands and, when it needs the person, what to do.

``explain(item)`` reads an outbox row (state, error_kind, last_error, account_name...)
and returns a short headline for the list and the advice for the detail pane. The button
names in the advice ("Retry", "Send anyway", "Edit", "Cancel") are the panel's buttons.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain import OutboxState
from ui.common.timefmt import exact

#: Why a reply is held (error_kind on a held item): the thread moved after it was written.
HELD = {
    "edited": (
        "Held: the comment was edited after you wrote your reply.",
        "Read the comment again, then press Send anyway, edit your reply, or cancel it.",
    ),
    "deleted": (
        "Held: the comment was deleted after you wrote your reply.",
        "Cancel your reply, or press Send anyway to post it in the thread regardless.",
    ),
    "answered": (
        "Held: this comment was already answered from your account.",
        "Perhaps you answered on another device. Cancel yours, or press Send anyway.",
    ),
}

#: Why an item failed (error_kind on a failed item).
FAILED = {
    "auth": (
        "Failed: {account} no longer accepts your sign-in.",
        "Sign in again under Accounts, then press Retry.",
    ),
    "permanent": (
        "Failed: {account} refused it.",
        "{error} Edit it if that helps, then press Retry, or cancel it.",
    ),
    "unknown": (
        "Not confirmed: {account} never said whether it arrived.",
        "Press Retry: Fireside looks it up first, so it is never posted twice.",
    ),
    "expired": (
        "Not confirmed, and {account} no longer remembers the send.",
        "Look for it on {account}. If it is not there, press Retry to send it; "
        "otherwise cancel it.",
    ),
    "retryable": (
        "Failed after {attempts} tries: {account} kept having problems.",
        "Press Retry when the network works again; it cannot be posted twice.",
    ),
}


@dataclass(frozen=True)
class Reason:
    headline: str
    advice: str = ""
    needs_you: bool = False

    @property
    def text(self) -> str:
        return f"{self.headline} {self.advice}".strip()


def explain(item: dict) -> Reason:
    """Where ``item`` stands, in words a person can act on."""
    state = OutboxState(item["state"])
    fields = {
        "account": item.get("account_name") or item["account_id"],
        "attempts": item.get("attempts") or 0,
        "error": _sentence(item.get("last_error") or ""),
    }
    kind = item.get("error_kind") or ""
    if state is OutboxState.HELD:
        headline, advice = HELD.get(
            kind,
            (
                f"Held: {fields['error'] or 'the thread changed since you wrote this.'}",
                "Press Send anyway, edit it, or cancel it.",
            ),
        )
        return Reason(headline, advice, needs_you=True)
    if state is OutboxState.FAILED:
        headline, advice = FAILED.get(
            kind, ("Failed: {error}", "Press Retry to try again, or cancel it.")
        )
        return Reason(headline.format(**fields), advice.format(**fields).strip(), needs_you=True)
    return _in_flight(state, item, fields)


def _in_flight(state: OutboxState, item: dict, fields: dict) -> Reason:
    if state is OutboxState.QUEUED:
        if fields["error"]:
            return Reason(f"Waiting: {fields['error']}")
        return Reason("Waiting to go out with the next sync.", "You can still edit or cancel it.")
    if state is OutboxState.SENDING:
        return Reason(f"Sending to {fields['account']} now.")
    if state is OutboxState.UNKNOWN:
        return Reason(
            f"Checking with {fields['account']} whether it arrived.",
            "Nothing is sent again until the answer is known.",
        )
    if state is OutboxState.SENT:
        sent = exact(item.get("sent_at"))
        return Reason(f"Sent {sent}." if sent else "Sent.")
    return Reason("Cancelled: it will not be sent.")


def _sentence(text: str) -> str:
    """Engine messages end without a full stop at times; advice follows them."""
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else f"{text}."
