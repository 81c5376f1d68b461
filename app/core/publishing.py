"""The checks a publish must pass before anything is queued: the body fits every chosen
account, each account's network can keep the post in the state asked for, a schedule
of Fireside's own is not mixed with a site's own states, and on a network with places
(Teams channels, Viva Engage communities) the post has one the account chose."""

from __future__ import annotations

from collections.abc import Mapping

from msgspec.structs import replace

from app.domain import PUBLISH_NOW, Capabilities, Draft, PlaceChoice, PublishOptions
from app.errors import UserError
from app.text.plural import nouns
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
    places: Mapping[str, PlaceChoice] | None = None,
) -> Mapping[str, PublishOptions]:
    """Each chosen account's options (live when left out), checked against what its network
    offers and against Fireside's own schedule ``when``; ``places``, by account, what the
    accounts on networks with places chose (their place is filled in when left out)."""
    stray = [names.get(a, a) for a in options if a not in capabilities]
    if stray:
        raise UserError(f"Publish options given for accounts not chosen: {', '.join(stray)}.")
    chosen = {
        a: _checked_option(options.get(a, PUBLISH_NOW), caps, names.get(a, a))
        for a, caps in capabilities.items()
    }
    for account_id, choice in (places or {}).items():
        if account_id in chosen:
            noun = capabilities[account_id].target_noun.lower()
            name = names.get(account_id, account_id)
            place = _checked_place(options.get(account_id, PUBLISH_NOW), choice, noun, name)
            if when and place != choice.post_to:
                raise UserError(
                    f"Fireside's schedule sends the post to {name}'s {noun} for new posts "
                    f"when it is due; to post in another {noun}, publish now."
                )
            chosen[account_id] = replace(chosen[account_id], place=place)
    held = [names.get(a, a) for a, o in chosen.items() if o.status != PUBLISH_NOW.status]
    if when and held:
        raise UserError(
            f"{', '.join(held)} would get the post now, in the site's own state, so it "
            "cannot also wait for Fireside's schedule. Publish now, or publish it live "
            "there at the scheduled time."
        )
    return chosen


def _checked_place(option: PublishOptions, choice: PlaceChoice, noun: str, name: str) -> str:
    """The place the post goes on an account with places, or UserError saying what to
    choose."""
    place = option.place or choice.post_to
    if place is None:
        raise UserError(
            f"Choose the {noun} {name} posts to: Accounts, choose {name}, then "
            f"{nouns(noun.capitalize())}…."
        )
    if choice.place(place) is None:
        raise UserError(f"{name} posts only to a {noun} chosen for it; choose one of those.")
    return place


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
