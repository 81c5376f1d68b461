"""The X emulator counts a post's length by itself (tests/emulators/x/weighted.py, from
docs.x.com/fundamentals/counting-characters and twitter-text's v3 configuration), not with
the app's counter: both must agree with twitter-text's conformance examples, with each
other on texts that are easy to count wrong, and the emulator must refuse what is over
280 its way, so a post the app lets through as 280 is proven to fit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from emulators.x.weighted import MAX_WEIGHTED_LENGTH, urls, weighted_length

from app.errors import Rejected
from app.text.length import x_length

CASES = json.loads(
    (Path(__file__).parent / "contracts" / "x" / "twitter-text-weighted.json").read_text("utf-8")
)["cases"]

#: (text, its weighted length counted by hand from the documented rule)
TRICKY = [
    ("Hello, world! 👋", 16),  # the doc's own example
    ("👨\u200d👩\u200d👧\u200d👦", 2),  # a family: 4 emoji and 3 ZWJs, one emoji
    ("🙋🏽 hi", 5),  # a skin tone joins its emoji
    ("🇯🇵🇫🇷", 4),  # two flags
    ("#️⃣ 1️⃣", 5),  # keycaps
    ("©️ ®", 5),  # text symbols that are emoji
    ("素晴らしい取り組みですね。", 26),  # CJK and its full stop weigh 2
    ("한국어 텍스트", 13),  # Hangul 2, the space 1
    ("café", 4),
    ("cafe\u0301", 4),  # NFD: counted after NFC
    ("“quoted” — dash…", 17),  # quotes and dash weigh 1, the ellipsis (U+2026) 2
    ("https://example.com", 23),
    ("https://example.com/a/very/long/path/that/goes/on/and/on/and/on?q=1#frag", 23),
    ("see example.com/page.", 28),  # no scheme; the full stop ends the sentence
    ("two: https://a.example/x http://b.example", 52),
    ("(https://example.com)", 25),
    ("素晴らしい https://example.com", 34),
    ("e.g. this is no link", 20),
    ("file.txt and v1.2 are no links either", 37),
    ("mail me: dana@example.com", 25),  # an address is no link
    ("😀" * 140, 280),
    ("語" * 140, 280),
]


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_the_emulator_counts_as_the_conformance_examples_say(case) -> None:
    assert weighted_length(case["text"]) == case["weightedLength"]


@pytest.mark.parametrize(("text", "expected"), TRICKY, ids=[t[:24] for t, _ in TRICKY])
def test_app_and_emulator_agree_on_tricky_texts(text: str, expected: int) -> None:
    assert weighted_length(text) == expected
    assert x_length(text) == expected


def test_the_emulator_finds_urls_its_own_way() -> None:
    text = "read example.com/x, then https://b.example/y."
    assert [text[a:b] for a, b in urls(text)] == ["example.com/x", "https://b.example/y"]


async def test_the_emulator_takes_280_and_refuses_281_counted_its_way(x_network) -> None:
    at_limit = "語" * 139 + "!!"  # 278 + 2
    assert weighted_length(at_limit) == MAX_WEIGHTED_LENGTH == x_length(at_limit)
    posted = await x_network.publish("", at_limit, "markdown", "k-280")
    assert posted.remote_id
    over = "語" * 140 + "!"
    assert weighted_length(over) == MAX_WEIGHTED_LENGTH + 1
    with pytest.raises(Rejected, match="too long"):
        await x_network.publish("", over, "markdown", "k-281")
