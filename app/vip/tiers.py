"""The directory rule: a person's VIP tier from the job title and level a network reports.

Read word by word (case, punctuation and "&" ignored), first match wins:

1. Not a leader's own role: a title naming an assistant, intern, coordinator or
   "... to the CEO" (an executive assistant, a chief of staff to someone) gives no tier.
2. Executive team and board (``TOP``): a C-level title ("CEO", "CFO", ... or "Chief ...
   Officer"), president (not vice president), executive vice president (EVP), the board
   (board member, chair, non-executive director), founder; or the level "Executive",
   "C-level" or "Board".
3. Senior leader (``SENIOR``): vice president, SVP or VP (any kind), director (not
   "associate director"), head of, general manager, general counsel, managing director,
   managing partner (not a business partner); or a level "VP", "Director", "SVP".
4. The manager chain, where the directory gives one (Microsoft Graph's), can raise the
   tier the title gives: reporting directly to the head of the organisation (the top of
   the chain, whose own title is on the executive team) is the executive team
   (``TOP``); reporting directly to the executive who signed in, or to anyone whose
   title is on the executive team, is a senior leader (``SENIOR``); anyone else in the
   executive's own organisation (the executive somewhere above them) is a key person
   (``KEY``). Rule 1 still comes first: an assistant to the CEO reports to the CEO.
5. Anything else: no tier (a key person is named by hand or by the comms team's list).
"""

from __future__ import annotations

import re

from app.domain import OrgChart, VipTier

_C_LEVEL = frozenset("ceo cfo coo cto cio ciso cmo chro cpo cdo cro clo cso cco cao".split())
_NOT_OWN_ROLE = frozenset({"assistant", "intern", "coordinator", "ea", "pa", "trainee"})
_TOP_PHRASES = (
    ("executive", "vice", "president"),
    ("board",),
    ("chair",),
    ("chairman",),
    ("chairwoman",),
    ("chairperson",),
    ("non", "executive", "director"),
    ("founder",),
    ("co", "founder"),
    ("evp",),
)
_SENIOR_PHRASES = (
    ("vice", "president"),
    ("vp",),
    ("svp",),
    ("avp",),
    ("director",),
    ("head", "of"),
    ("general", "manager"),
    ("general", "counsel"),
    ("managing", "director"),
    ("managing", "partner"),
)
_TOP_LEVELS = frozenset({"executive", "c level", "c suite", "board", "evp"})
_SENIOR_LEVELS = frozenset({"vp", "svp", "director", "senior director", "vice president"})


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold().replace("&", " "))


def _has(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


def _is_chief_officer(words: list[str]) -> bool:
    """ "Chief ... Officer" (Chief Executive Officer, Chief People Officer)."""
    if "chief" not in words:
        return False
    return "officer" in words[words.index("chief") + 1 :]


def _is_president(words: list[str]) -> bool:
    return any(w == "president" and (i == 0 or words[i - 1] != "vice") for i, w in enumerate(words))


def tier_from_directory(
    title: str, level: str = "", chart: OrgChart | None = None, executive_id: str = ""
) -> VipTier:
    """The tier the directory's ``title``, ``level`` and manager ``chart`` give (see the
    module's rule); ``executive_id`` is the signed-in executive's id on that network."""
    words = _words(title)
    if _NOT_OWN_ROLE & set(words) or _has(words, ("to", "the")):
        return VipTier.NONE
    return max(_tier_by_title(words, level), _tier_by_chain(chart, executive_id))


def _tier_by_title(words: list[str], level: str) -> VipTier:
    level_text = " ".join(_words(level))
    if (
        _C_LEVEL & set(words)
        or _is_chief_officer(words)
        or _is_president(words)
        or any(_has(words, p) for p in _TOP_PHRASES)
        or level_text in _TOP_LEVELS
    ):
        return VipTier.TOP
    if _has(words, ("associate", "director")) or _has(words, ("assistant", "director")):
        return VipTier.NONE
    if any(_has(words, p) for p in _SENIOR_PHRASES) or level_text in _SENIOR_LEVELS:
        return VipTier.SENIOR
    return VipTier.NONE


def _tier_by_chain(chart: OrgChart | None, executive_id: str) -> VipTier:
    if chart is None or not chart.managers:
        return VipTier.NONE
    boss = chart.managers[0]
    boss_on_top_team = _tier_by_title(_words(boss.title), "") is VipTier.TOP
    if len(chart.managers) == 1 and boss_on_top_team:
        return VipTier.TOP
    if boss_on_top_team or (executive_id and boss.remote_id == executive_id):
        return VipTier.SENIOR
    if executive_id and chart.reports_to(executive_id):
        return VipTier.KEY
    return VipTier.NONE
