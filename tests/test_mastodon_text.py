"""Mastodon's count (``app.text.length``, docs.joinmastodon.org/user/posting "Text"): a
link is 23 characters, a remote mention counts its local part, the rest counts in
grapheme clusters; the connector's capabilities ask the editor and the batch preview to
count so, and a reply at exactly the instance's limit by that count is one the emulated
server (its own counter) takes."""

from __future__ import annotations

import pytest
from emulators.mastodon.server import counted_length

from app.domain import TextCounting
from app.text.length import measured

CHARACTERS, MASTODON = TextCounting.CHARACTERS, TextCounting.MASTODON

LINK = "https://example.com/a/very/long/path/that/goes/on/and/on?with=query&and=more"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (LINK, 23),
        (f"See {LINK} and http://x.io", 4 + 23 + 5 + 23),
        ("example.com has no scheme", 25),  # counted as typed: Mastodon links need one
        ("@ada@mastodon.example thanks", len("@ada thanks")),
        ("@ada thanks", 11),
        ("mail dana@example.com", 21),  # an address is no mention
        ("👩‍👩‍👧 family", 8),  # one grapheme cluster, five code points
        ("", 0),
    ],
)
def test_mastodon_counts_as_the_server_does(text: str, expected: int) -> None:
    assert measured(text, MASTODON) == expected


def test_other_networks_still_count_code_points() -> None:
    assert measured(f"@ada@mastodon.example {LINK}", CHARACTERS) == 22 + len(LINK)


def test_the_connector_counts_the_mastodon_way(make_mastodon) -> None:
    assert make_mastodon().capabilities.text_counting == MASTODON


async def test_a_reply_at_the_limit_by_mastodons_count_is_taken(mastodon_world, make_mastodon):
    w = mastodon_world
    network = make_mastodon()
    post = w.server.post(w.dana, "Results are in.")
    ask = w.server.post(w.ben, "@dana which link has the details?", post)
    limit = network.capabilities.reply_max_chars
    body = f"Here: {LINK} " + "z" * (limit - len("@ben Here: ") - 23 - 1)
    sent = f"@ben {body}"
    assert measured(sent, MASTODON) == counted_length(sent) == limit < len(sent)
    reply = await network.reply(post.id, ask.id, body, "text", "key-at-limit")
    assert reply.remote_id in {s.id for s in w.server.mine(w.dana)}
