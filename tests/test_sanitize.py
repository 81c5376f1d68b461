"""Sanitising untrusted comments for display, without Qt (``app.text.sanitize``).

What the thread pane is given for any hostile comment holds only allowed tags and
attributes, links only to http(s) and mailto with their real host noted, no bidi or
invisible characters, and at most ``COMMENT_DISPLAY_CHARS`` characters (a line counting as
one). The pane itself (no request made, links confirmed) is tested in
``tests/ui/test_hostile_rendering.py``; the allow-list itself in ``test_text.py``.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.text.link_schemes import is_openable_link
from app.text.remote_text import display_text, storable_text
from app.text.sanitize import (
    COMMENT_DISPLAY_CHARS,
    COMMENT_TAGS,
    comment_for_display,
    link_host,
    sanitize_draft_html,
    sanitize_html,
)

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
NOTICE = (
    "<p><i>… This comment is longer than Fireside shows "
    f"({COMMENT_DISPLAY_CHARS:,} characters); the rest is not displayed.</i></p>"
)
TAGS_NOTICE = (
    "<p><i>… This comment has more formatting than Fireside shows "
    "(1,000 tags); the rest is not displayed.</i></p>"
)


class _Shape(HTMLParser):
    """Tags, attributes and text of some HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def shape(markup: str) -> _Shape:
    parsed = _Shape()
    parsed.feed(markup)
    parsed.close()
    return parsed


HREFS = [
    "https://ok.example/a?b=1&c=2",
    "mailto:a@b.example",
    "javascript:alert(1)",
    "JAVASCRIPT:x",
    "java\tscript:x",
    "data:text/html,x",
    "file:///etc/passwd",
    "vbscript:x",
    "//evil.example",
    "/rel",
    "https://p\u0430ypal.com",
    "https:<h1>x</h1>",
    "mailto:<b>x@y.example</b>",
    "http://[::1",
    "https://a.example\u202e/x",
    " https://x",
]
TAGS = [
    "p",
    "b",
    "a",
    "img",
    "script",
    "style",
    "iframe",
    "svg",
    "form",
    "meta",
    "base",
    "blockquote",
    "li",
    "ul",
    "pre",
    "code",
    "span",
    "table",
    "td",
    "object",
    "link",
]
ATTRS = [
    "href",
    "src",
    "style",
    "onerror",
    "onclick",
    "srcset",
    "action",
    "background",
    "title",
    "rel",
    "data",
    "poster",
    "ping",
    "formaction",
]
_texts = st.text(
    st.characters(include_characters=BIDI + "\u200b\x00\ud800<>&\"'", exclude_categories=()),
    max_size=20,
)
_attr = st.tuples(st.sampled_from(ATTRS), st.one_of(st.sampled_from(HREFS), _texts))


@st.composite
def fragments(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["open", "close", "text", "text"]))
        if kind == "text":
            parts.append(draw(_texts))
            continue
        tag = draw(st.sampled_from(TAGS))
        if kind == "close":
            parts.append(f"</{tag}>")
            continue
        attrs = draw(st.lists(_attr, max_size=3))
        quoted = "".join(f' {k}="{v.replace(chr(34), "&quot;")}"' for k, v in attrs)
        parts.append(f"<{tag}{quoted}>")
    return "".join(parts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fragments())
def test_display_html_holds_only_allowed_markup(markup: str) -> None:
    shown = comment_for_display(markup)
    parsed = shape(shown)
    for tag, attrs in parsed.tags:
        assert tag in COMMENT_TAGS, shown
        assert set(attrs) <= ({"href", "rel"} if tag == "a" else set()), shown
        if "href" in attrs:
            assert is_openable_link(attrs["href"]) and "<" not in attrs["href"], shown
    text = "".join(parsed.text)
    assert not set(BIDI + "\x00\ufeff") & set(text)
    text.encode("utf-8")  # no lone surrogate


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        (
            '<a href="https://evil.example/x">https://paypal.com</a>',
            "https://paypal.com [evil.example]",
        ),
        (
            '<a href="https://p\u0430ypal.com/">https://p\u0430ypal.com</a>',
            "https://p\u0430ypal.com [xn--pypal-4ve.com]",
        ),
        ('<a href="https://paypal.com@evil.example/">paypal.com</a>', "paypal.com [evil.example]"),
        (
            '<a href="https://paypal.com.evil.example/">paypal.com</a>',
            "paypal.com [paypal.com.evil.example]",
        ),
        ('<a href="https://intranet.example/faq">the FAQ</a>', "the FAQ [intranet.example]"),
        ('<a href="https://intranet.example/faq">intranet.example/faq</a>', "intranet.example/faq"),
        (
            '<a href="https://Intranet.Example/">https://intranet.example</a>',
            "https://intranet.example",
        ),
        (
            '<a href="mailto:ceo@evil.example">ceo@company.example</a>',
            "ceo@company.example [evil.example]",
        ),
        (
            '<a href="mailto:people@company.example">people@company.example</a>',
            "people@company.example",
        ),
        ('<a href="mailto:&lt;b&gt;x@y.example&lt;/b&gt;">write</a>', "write"),
        ('<a href="javascript:alert(1)">https://paypal.com</a>', "https://paypal.com"),
    ],
)
def test_a_link_shows_its_real_host_unless_its_text_names_it(markup: str, shown: str) -> None:
    assert "".join(shape(comment_for_display(markup)).text) == shown


def test_bidi_and_invisible_characters_are_dropped_for_display() -> None:
    shown = comment_for_display("<p>\u202eLLIB\u202c pay\u200bpal \ufeffx \u2066y\u2069</p>")
    assert shape(shown).text == ["LLIB paypal x y"]
    assert display_text("Eve \u202eLLIB\u2069\x00\ud800") == "Eve LLIB\ufffd"
    assert display_text("n" * 1_000, limit=10) == "n" * 9 + "…"
    assert display_text("\u05e9\u05dc\u05d5\u05dd \u200d\U0001f468\u200d\U0001f4bb") == (
        "\u05e9\u05dc\u05d5\u05dd \u200d\U0001f468\u200d\U0001f4bb"
    )  # Hebrew and joined emoji are text, not tricks


def test_endless_words_get_break_opportunities_and_text_is_kept() -> None:
    shown = comment_for_display("<p>" + "x" * 200 + " <b>" + "y" * 70 + "</b>z</p>")
    text = "".join(shape(shown).text)
    assert text.replace("\u200b", "") == "x" * 200 + " " + "y" * 70 + "z"
    assert all(len(run) <= 64 for run in text.replace(" ", "\u200b").split("\u200b"))


# --- links: their target escaped, their real host named -------------------------------------

#: What a hostile link target tries: closing the attribute or the tag to add its own.
BREAKOUTS = [
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    '" onmouseover="alert(1)" x="',
    "&quot;&gt;&lt;img src=x&gt;",
    "</a><script>alert(1)</script>",
    '"style="background:url(//evil.example)',
]
_tails = st.one_of(
    st.sampled_from(BREAKOUTS),
    st.text(st.sampled_from("\"'<>&=/ ;:xa1"), max_size=30),
    st.lists(st.sampled_from(BREAKOUTS), max_size=3).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["https://x.example/", "http://x.example/?q=", "mailto:ceo@x.example?s="]),
    _tails,
)
def test_no_link_target_can_become_markup(start: str, tail: str) -> None:
    """Whatever an href holds, read back from the display HTML it is one link with at most
    its target and rel: no other tag, no other attribute."""
    shown = comment_for_display(f'<a href="{html.escape(start + tail)}">text</a>')
    parsed = shape(shown)
    assert [tag for tag, _ in parsed.tags] == ["a"], shown
    attrs = parsed.tags[0][1]
    assert set(attrs) <= {"href", "rel"}, shown
    if "href" in attrs:
        assert is_openable_link(attrs["href"]) and attrs["rel"] == "noopener noreferrer"
        assert link_host(attrs["href"]) == "x.example"
    assert "".join(parsed.text) in ("text", "text [x.example]"), shown


def test_a_link_target_is_shown_escaped() -> None:
    href = 'https://x.example/"><img src=x>'
    shown = comment_for_display(f'<a href="{html.escape(href)}">x.example</a>')
    assert shown == (
        '<a href="https://x.example/&quot;&gt;&lt;img src=x&gt;" rel="noopener noreferrer">'
        "x.example</a>"
    )


@pytest.mark.parametrize(
    ("text", "noted"),
    [
        ("real.example", False),
        ("https://real.example/a and https://real.example/b", False),
        ("real.example or fake.example", True),
        ("https://real.example, not https://fake.example", True),
        ("(see real.example.)", False),
        ("ceo@real.example", False),
        ("mailto:ceo@real.example", False),
        ("click here", True),
        ("", True),
    ],
)
def test_the_host_is_noted_unless_the_text_names_it_and_no_other(text: str, noted: bool) -> None:
    shown = comment_for_display(f'<a href="https://real.example/x">{text}</a>')
    assert shown.endswith("</a> [real.example]") is noted, shown


@pytest.mark.parametrize(
    ("href", "host"),
    [
        ("https://Real.Example./path", "real.example"),
        ("mailto:Ceo@Company.Example?subject=Hi", "company.example"),
        ("MAILTO:ceo@company.example", "company.example"),
        ("https://ex\u0430mple.com/", "xn--exmple-4nf.com"),
        # no valid IDNA (a label over 63 characters): each label as punycode all the same
        ("https://\u0430" + "b" * 70 + ".com", "xn--" + "b" * 70 + "-8y8c.com"),
        ("http://[::1", ""),
        ("https://", ""),
        ("mailto:", ""),
    ],
)
def test_link_host_is_the_ascii_host_a_browser_would_reach(href: str, host: str) -> None:
    assert link_host(href) == host


def test_a_link_without_a_usable_target_keeps_its_text_but_no_host_note() -> None:
    assert comment_for_display('<a href="https://">https://a.example</a>') == (
        "<a>https://a.example</a>"
    )
    assert comment_for_display("<a>plain</a>") == "<a>plain</a>"


# --- the allow-list ---------------------------------------------------------------------------


def test_no_style_or_handler_survives_on_any_allowed_tag() -> None:
    for tag in sorted(COMMENT_TAGS - {"br"}):
        cleaned = sanitize_html(
            f'<{tag} style="color:red" onmouseover="x()" class="c" id="i">t</{tag}>'
        )
        assert not {"style", "onmouseover", "class", "id"} & set(shape(cleaned).tags[0][1])


# --- what the display keeps of the text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("plain\x00ascii\x00", "plainascii"),
        ("caf\u00e9\x00\ud800", "caf\u00e9\ufffd"),
        ("\ud83d", "\ufffd"),
        ("fine", "fine"),
    ],
)
def test_storable_text_drops_nul_and_replaces_lone_surrogates(raw: str, kept: str) -> None:
    assert storable_text(raw) == kept


def test_display_text_is_cut_only_beyond_its_limit() -> None:
    assert display_text("n" * 10, limit=10) == "n" * 10
    assert display_text("n" * 11, limit=10) == "n" * 9 + "…"
    assert display_text("n" * 300) == "n" * 300
    assert display_text("n" * 301) == "n" * 299 + "…"


def test_a_comment_exactly_as_long_as_the_limit_shows_whole() -> None:
    assert comment_for_display("abc", limit=3) == "abc"
    assert comment_for_display("<p>ab</p>", limit=3) == "<p>ab</p>"
    assert comment_for_display("abcd", limit=3) == "abc" + NOTICE
    assert comment_for_display("<p>ab</p>c", limit=3) == "<p>ab</p>" + NOTICE


def test_every_line_counts_against_the_display_limit() -> None:
    """Twenty one-letter paragraphs cost forty: a limit of thirty shows fifteen."""
    assert comment_for_display("<p>a</p>" * 20, limit=30) == "<p>a</p>" * 15 + NOTICE
    assert comment_for_display("a<br>" * 20, limit=30) == "a<br>" * 15 + NOTICE
    assert comment_for_display("<p>a</p>" * 20, limit=40) == "<p>a</p>" * 20
    assert comment_for_display("<b>a</b>" * 20, limit=20) == "<b>a</b>" * 20  # inline: free


def test_a_comment_too_long_to_read_is_cut_and_says_so() -> None:
    words = "word " * (COMMENT_DISPLAY_CHARS // 5)
    assert comment_for_display(words) == words
    assert comment_for_display(words + "x") == words + NOTICE


def test_markup_beyond_what_is_parsed_is_dropped_and_noted() -> None:
    """At most 1,000 tags, and 200,000 characters of markup, are even looked at."""
    assert comment_for_display("<b>x</b> " * 500) == "<b>x</b> " * 500
    assert comment_for_display("<b>x</b> " * 500 + "<i>") == "<b>x</b> " * 500 + TAGS_NOTICE
    long_markup = "<b></b>" * 28_572  # 200,004 characters, 57,144 tags
    assert comment_for_display(long_markup) == "<b></b>" * 500 + TAGS_NOTICE
    hidden = "\u200b" * 199_999  # dropped for display, but read
    assert comment_for_display(hidden + "z") == "z"
    assert comment_for_display(hidden + "zz") == "z" + NOTICE


def test_nesting_deeper_than_24_is_flattened_and_closed_in_order() -> None:
    shown = comment_for_display(
        "<blockquote>" * 30 + "deep" + "</blockquote>" * 30 + "<p>after</p>"
    )
    assert shown == "<blockquote>" * 24 + "deep" + "</blockquote>" * 24 + "<p>after</p>"
    shown = comment_for_display("<ul>" * 24 + "<li>x<br>y</li>" + "</ul>" * 24)
    assert shown == "<ul>" * 24 + "x<br>y" + "</ul>" * 24  # the 25th level is text; br stays


def test_stray_and_unclosed_tags_are_balanced() -> None:
    assert comment_for_display("<p>x</b>y</p></i>z") == "<p>xy</p>z"
    assert comment_for_display("<p><b>x<i>y</p>z") == "<p><b>x<i>y</i></b></p><b><i>z</i></b>"


def test_endless_words_break_at_64_across_tags() -> None:
    shown = comment_for_display("<p>" + "x" * 64 + "y</p><p>" + "z" * 64 + "</p>")
    assert shown == "<p>" + "x" * 64 + "\u200by</p><p>" + "z" * 64 + "</p>"
    shown = comment_for_display("<b>" + "x" * 40 + "</b>" + "y" * 40)
    assert shown == "<b>" + "x" * 40 + "</b>" + "y" * 24 + "\u200b" + "y" * 16
    assert comment_for_display("a\tb\nc " * 40) == "a\tb\nc " * 40


# --- what each step of the display keeps, exactly -------------------------------------------


def test_only_our_attributes_survive_not_nh3s_defaults() -> None:
    """nh3 would keep a quote's cite (a remote address), a list's start and hreflang."""
    cleaned = sanitize_html(
        '<blockquote cite="https://evil.example/">q</blockquote><ol start="3"><li>i</li></ol>'
        '<a href="https://x.example/" hreflang="en" title="t">x</a>'
    )
    assert cleaned == (
        "<blockquote>q</blockquote><ol><li>i</li></ol>"
        '<a href="https://x.example/" title="t" rel="noopener noreferrer">x</a>'
    )


@pytest.mark.parametrize(
    ("url", "openable"),
    [
        ("https://x.example:8443/a:b", True),
        ("mailto:a@b.example?subject=re:x", True),
        ("javascript:x//https://y", False),
    ],
)
def test_the_scheme_is_what_comes_before_the_first_colon(url: str, openable: bool) -> None:
    assert is_openable_link(url) is openable


@pytest.mark.parametrize(
    ("href", "host"),
    [
        ("mailto:ceo@real.example@evil.example", "evil.example"),
        ("mailto:ceo@evil.example?cc=x@real.example", "evil.example"),
    ],
)
def test_a_mail_link_goes_to_the_domain_after_its_last_at(href: str, host: str) -> None:
    assert link_host(href) == host


@pytest.mark.parametrize(
    ("text", "noted"),
    [
        ("mailto:ceo@real.example?subject=Hi", False),
        ("ceo@x@real.example", False),
        ("Xreal.example", True),  # one letter more is another host
        ("real.exampleX", True),
    ],
)
def test_the_host_a_text_names_is_read_whole(text: str, noted: bool) -> None:
    shown = comment_for_display(f'<a href="https://real.example/">{text}</a>')
    assert shown.endswith(" [real.example]") is noted, shown


def test_a_link_without_a_host_gets_no_note() -> None:
    assert comment_for_display('<a href="http:foo">x</a>') == (
        '<a href="http:foo" rel="noopener noreferrer">x</a>'
    )


def test_link_text_split_by_markup_is_read_as_one() -> None:
    assert comment_for_display('<a href="https://real.example/">real<b>.example</b></a>') == (
        '<a href="https://real.example/" rel="noopener noreferrer">real<b>.example</b></a>'
    )


def test_text_after_a_link_is_not_link_text() -> None:
    assert comment_for_display('<a href="https://x.example/">x.example</a> and more') == (
        '<a href="https://x.example/" rel="noopener noreferrer">x.example</a> and more'
    )


def test_a_mail_link_with_a_subject_stays_a_link() -> None:
    shown = comment_for_display('<a href="mailto:ceo@x.example?subject=Hi">ceo@x.example</a>')
    assert shown == (
        '<a href="mailto:ceo@x.example?subject=Hi" rel="noopener noreferrer">ceo@x.example</a>'
    )


def test_entities_and_quotes_in_text_are_shown_as_written() -> None:
    assert comment_for_display('<p>Q&amp;A: "why" isn\'t &lt;b&gt;</p>') == (
        '<p>Q&amp;A: "why" isn\'t &lt;b&gt;</p>'
    )


def test_a_cut_inside_markup_closes_what_is_open() -> None:
    assert comment_for_display("<b><i>" + "x" * 10 + "</i></b>", limit=5) == (
        "<b><i>xxxxx</i></b>" + NOTICE
    )
    assert comment_for_display("abcd<b>e</b><i></i>", limit=3) == "abc" + NOTICE


def test_a_line_that_no_longer_fits_ends_the_display() -> None:
    assert comment_for_display("a<br><br>", limit=2) == "a<br>" + NOTICE
    assert comment_for_display("a<br>", limit=2) == "a<br>"


def test_an_end_tag_closes_only_its_own_element() -> None:
    assert comment_for_display("<b><i>x</i>y</b>z") == "<b><i>x</i>y</b>z"


def test_end_tags_of_flattened_elements_close_nothing() -> None:
    """Thirty nested, so six were flattened: the first six end tags are theirs."""
    shown = comment_for_display("<b>" * 30 + "x" + "</b>" * 6 + "y" + "</b>" * 24 + "z")
    assert shown == "<b>" * 24 + "xy" + "</b>" * 24 + "z"


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ("x" * 130, "x" * 64 + "\u200b" + "x" * 64 + "\u200b" + "xx"),
        ("X" * 65, "X" * 64 + "\u200b" + "X"),
        ("a " + "x" * 64, "a " + "x" * 64),  # a space starts a fresh run
        ("<p>" + "y" * 10 + "</p>" + "x" * 64, "<p>" + "y" * 10 + "</p>" + "x" * 64),
        (
            "<b>" + "x" * 40 + "</b><i>" + "y" * 10 + "</i>" + "z" * 30,
            "<b>" + "x" * 40 + "</b><i>" + "y" * 10 + "</i>" + "z" * 14 + "\u200b" + "z" * 16,
        ),
    ],
)
def test_a_break_opportunity_comes_after_every_64_characters_without_one(
    markup: str, shown: str
) -> None:
    assert comment_for_display(markup) == shown


def test_markup_longer_than_one_parser_feed_is_read_whole_once() -> None:
    """Forty links with 2,000-character targets: 80 kB of clean markup, fed in pieces."""
    links = [f"https://x.example/{n:02}/{'a' * 2_000}" for n in range(40)]
    shown = comment_for_display("".join(f'<a href="{h}">x.example</a> ' for h in links))
    assert shown == "".join(
        f'<a href="{h}" rel="noopener noreferrer">x.example</a> ' for h in links
    )


# --- a draft's own pictures: the internal scheme, for img src in drafts and nowhere else ---
INTERNAL = '<img src="fireside-image:12" alt="chart">'
HOSTILE_IMAGES = [
    '<img src="https://tracker.example/pixel.gif">',
    '<img src="http://tracker.example/pixel.gif">',
    '<img src="//tracker.example/pixel.gif">',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<img src="file:///etc/passwd">',
    '<img src="fireside-image:12?x=https://tracker.example">',
    '<img src="fireside-image:12 https://tracker.example/p.gif">',
    '<img src="fireside-image:../../x">',
    '<img src="FIRESIDE-IMAGE:12">',
    '<img srcset="https://tracker.example/p.gif 1x" src="fireside-image:1">',
    '<img src="fireside-image:1" onerror="alert(1)" style="background:url(https://t.example)">',
    '<svg><image href="https://tracker.example/p.gif"/></svg>',
    '<picture><source srcset="https://tracker.example/p.gif"></picture>',
]


@pytest.mark.parametrize("markup", [INTERNAL, *HOSTILE_IMAGES])
def test_comments_never_keep_an_image_not_even_an_internal_one(markup: str) -> None:
    assert "<img" not in sanitize_html(markup)
    assert "<img" not in comment_for_display(markup)


def test_a_draft_keeps_exactly_its_internal_image_address() -> None:
    assert sanitize_draft_html(INTERNAL) == INTERNAL


@pytest.mark.parametrize("markup", HOSTILE_IMAGES)
def test_a_draft_never_keeps_any_other_image_address(markup: str) -> None:
    clean = sanitize_draft_html(markup)
    for address in ("tracker.example", "data:", "file:", "FIRESIDE", "../", "srcset", "onerror"):
        assert address not in clean
    assert all(src in {"fireside-image:1", "fireside-image:12"} for src in _image_sources(clean)), (
        clean
    )


@pytest.mark.parametrize(
    "markup",
    [
        '<a href="fireside-image:12">open</a>',
        '<a href=" FIRESIDE-IMAGE:12">open</a>',
        '<a href="https://e.example" title="x">ok</a><video src="fireside-image:3"></video>',
    ],
)
def test_the_internal_scheme_is_good_for_nothing_but_an_image(markup: str) -> None:
    clean = sanitize_draft_html(markup)
    assert "fireside-image" not in clean.lower()
    assert not is_openable_link("fireside-image:12")


def _image_sources(markup: str) -> list[str]:
    found: list[str] = []

    class Images(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(value or "" for name, value in attrs if name == "src")

    Images().feed(markup)
    return found
