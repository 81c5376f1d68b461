"""The checks a publish must pass before anything is queued: the body fits every chosen
account, each account's network can keep the post in the state asked for, and a schedule
of Fireside's own is not mixed with a site's own states."""

from __future__ import annotations

from collections.abc import Mapping

from app.domain import PUBLISH_NOW, Capabilities, Draft, PublishOptions
from app.errors import UserError
from app.timeutil import iso, now_iso, parse

#: How a sentence says a remote publish status ("cannot keep a post as a draft").
_STATUS_WORDS = {
    "publish": "live",
    "draft": "as a draft",
    "pending": "pending review",
    "future": "scheduled",
}


def check_length(
    draft: Draft, capabilities: Mapping[str, Capabilities], names: Mapping[str, str]
) -> None:
    """UserError when the post is longer than one of the chosen accounts allows."""
    for account_id, caps in capabilities.items():
        if len(draft.body) > caps.post_max_chars:
            raise UserError(
                f"The post is {len(draft.body):,} characters; "
                f"{names.get(account_id, account_id)} allows {caps.post_max_chars:,}."
            )


def chosen_options(
    capabilities: Mapping[str, Capabilities],
    options: Mapping[str, PublishOptions],
    names: Mapping[str, str],
    when: str | None,
) -> Mapping[str, PublishOptions]:
    """Each chosen account's options (live when left out), checked against what its network
    offers and against Fireside's own schedule ``when``."""
    stray = [names.get(a, a) for a in options if a not in capabilities]
    if stray:
        raise UserError(f"Publish options given for accounts not chosen: {', '.join(stray)}.")
    chosen = {
        a: _checked_option(options.get(a, PUBLISH_NOW), caps, names.get(a, a))
        for a, caps in capabilities.items()
    }
    held = [names.get(a, a) for a, o in chosen.items() if o.status != PUBLISH_NOW.status]
    if when and held:
        raise UserError(
            f"{', '.join(held)} would get the post now, in the site's own state, so it "
            "cannot also wait for Fireside's schedule. Publish now, or publish it live "
            "there at the scheduled time."
        )
    return chosen


def schedule_time(when: str) -> str:
    """``when`` in UTC, or UserError when it has passed."""
    at = iso(parse(when))
    if at <= now_iso():
        raise UserError("That time has passed: choose a later time, or publish now.")
    return at


def _checked_option(
    option: PublishOptions, capabilities: Capabilities, name: str
) -> PublishOptions:
    """The option as it is queued (a date only for "future", in UTC), or UserError when
    the account's network cannot take it."""
    if option.status not in capabilities.publish_statuses:
        offered = " or ".join(_STATUS_WORDS.get(s, repr(s)) for s in capabilities.publish_statuses)
        wanted = _STATUS_WORDS.get(option.status, repr(option.status))
        raise UserError(
            f"{name} ({capabilities.display_name}) cannot keep a post {wanted}: it can take "
            f"it {offered}."
        )
    if option.status != "future":
        return PublishOptions(option.status)
    if not option.publish_at:
        raise UserError(f"Choose when {name} should publish the post.")
    try:
        at = iso(parse(option.publish_at))
    except ValueError:
        raise UserError(f"“{option.publish_at}” is not a date and time.") from None
    if at <= now_iso():
        raise UserError(
            f"That time has passed: choose a later time for {name} to publish the post."
        )
    return PublishOptions("future", at)
