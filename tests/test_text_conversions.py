"""The editor's Markdown as Mastodon's plain text and Slack's mrkdwn."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.networks.slack.messages import as_html, as_text
from app.networks.slack.mrkdwn import to_mrkdwn
from app.text.plain import to_plain_text

SAMPLE = (
    "Hello **Ben** & _all_ <3,\n\nsee [the plan](https://x.example/p) and "
    "<https://a.example>\n\n- one ~~two~~\n- three\n\n1. first\n2. second\n\n```\nx < 1\n```"
)


def test_plain_text_keeps_paragraphs_lists_and_link_addresses():
    assert to_plain_text(SAMPLE) == (
        "Hello Ben & all <3,\n\nsee the plan (https://x.example/p) and https://a.example\n\n"
        "- one two\n- three\n\n1. first\n2. second\n\nx < 1"
    )


def test_mrkdwn_uses_slacks_marks_links_and_escapes():
    assert to_mrkdwn(SAMPLE) == (
        "Hello *Ben* &amp; _all_ &lt;3,\n\nsee <https://x.example/p|the plan> and "
        "<https://a.example>\n\n- one ~two~\n- three\n\n1. first\n2. second\n\n"
        "```\nx &lt; 1\n```"
    )


@pytest.mark.parametrize(
    ("mrkdwn", "html"),
    [
        ("<@U01> *yes* _really_", "<p>@Ben Okafor <strong>yes</strong> <em>really</em></p>"),
        ("<https://a.example|the plan>", '<p><a href="https://a.example">the plan</a></p>'),
        ("&lt;script&gt;\nnext", "<p>&lt;script&gt;<br>next</p>"),
        ("<!here> <#C01|a&amp;b>", "<p>@here #a&amp;b</p>"),
        ("<mailto:bob@example.com|Bob>", '<p><a href="mailto:bob@example.com">Bob</a></p>'),
    ],
)
def test_slack_text_shows_as_html(mrkdwn, html):
    assert as_html(mrkdwn, {"U01": "Ben Okafor"}) == html


@pytest.mark.parametrize(
    ("mrkdwn", "text"),
    [
        ("<@U01> *yes* _really_ ~no~", "@Ben Okafor yes really no"),
        ("Offsite in _May_", "Offsite in May"),
        ("<https://a.example|the plan> or <https://b.example>", "the plan or https://b.example"),
        ("&lt;script&gt; &amp; snake_case_name", "<script> & snake_case_name"),
        ("<!channel> see <#C0123ABC|town-hall>", "@channel see #town-hall"),
        ("<!here|here> and <!everyone>", "@here and @everyone"),
        ("ask <!subteam^S0456|@design-team> or <#C0123ABC>", "ask @design-team or #C0123ABC"),
        ("<#C0123ABC|> ok", "#C0123ABC ok"),  # Slack clients may leave the name empty
        ("due <!date^1392734382^{date_short}|Feb 18, 2014 PST>", "due Feb 18, 2014 PST"),
        ("due <!date^1392734382^{date_short}>", "due 2014-02-18"),
        ("<mailto:bob@example.com|Email Bob> &amp; co", "Email Bob & co"),
        ("<!subteam^S0456>", "@group"),
    ],
)
def test_slack_text_reads_as_plain_words(mrkdwn, text):
    assert as_text(mrkdwn, {"U01": "Ben Okafor"}) == text


@given(st.text(max_size=300))
@example(">")  # an empty quote lays out as nothing: kept as typed, escaped
def test_any_text_converts_and_every_angle_bracket_slack_gets_is_a_link(text):
    assert isinstance(to_plain_text(text), str)
    outside_links = re.sub(r"<[^<>]+>", "", to_mrkdwn(text))
    assert "<" not in outside_links and ">" not in outside_links
