"""Workplace acronyms spelled out for the sentence encoder: "Is the ESPP continuing?" is
encoded as "Is the ESPP (employee stock purchase plan) continuing?", so it meets "Can we
still buy discounted stock through the employee plan?". The encoder (``app.text.encoder``)
learned its words from general text; the letters a company writes in its comments (PTO,
RTO, ESPP, RSUs, DEI, OKRs, FY26...) say little to it, and a question in them shares
nothing with the same question in words.

Listed: general corporate, HR, finance and IT acronyms in English, and the German, French
and Spanish ones of the kind, each with the words its letters stand for and nothing more
(synonyms added to a meaning made different questions on one topic alike: "more PTO next
year?" was ticked beside "carry unused PTO over?"). Left out are letters that mean more
than one thing at work (IT, MD, GM) and those the model already knows: AI, HR, HQ, VP,
CEO and Q2-Q4, whose vector alone has a cosine of 0.49-0.67 with their words' (the
listed ones: 0.01-0.46; ``tests/test_acronyms.py`` checks it with the model). An acronym
is matched as written (upper case, "YoY", "P&L"), with a plural "s" where one is used
("KPIs") and a year where one is ("FY26", "Q1'25"); its words are added once, after its
first use, and the text is otherwise unchanged.
"""

from __future__ import annotations

import functools
import re

#: Acronym (as written) -> what it stands for.
MEANINGS: dict[str, str] = {
    # Time off, where and how people work
    "PTO": "paid time off",
    "WFH": "working from home",
    "RTO": "return to office",
    "OOO": "out of office",
    "FMLA": "family and medical leave",
    "RTT": "réduction du temps de travail",
    # People, pay and benefits
    "RH": "ressources humaines",
    "RRHH": "recursos humanos",
    "DEI": "diversity, equity and inclusion",
    "D&I": "diversity and inclusion",
    "ED&I": "equality, diversity and inclusion",
    "ERG": "employee resource group",
    "EAP": "employee assistance programme",
    "L&D": "learning and development",
    "PIP": "performance improvement plan",
    "RIF": "reduction in force",
    "ESPP": "employee stock purchase plan",
    "RSU": "restricted stock units",
    "LTIP": "long-term incentive plan",
    "HSA": "health savings account",
    "FSA": "flexible spending account",
    "COLA": "cost of living adjustment",
    "NDA": "non-disclosure agreement",
    # Leaders
    "CFO": "chief financial officer",
    "COO": "chief operating officer",
    "CTO": "chief technology officer",
    "CIO": "chief information officer",
    "CHRO": "chief human resources officer",
    "CMO": "chief marketing officer",
    "SVP": "senior vice president",
    "EVP": "executive vice president",
    "PDG": "président-directeur général",
    # Results and plans
    "Q1": "first quarter",
    "H1": "first half of the year",
    "H2": "second half of the year",
    "FY": "financial year",
    "YoY": "year on year",
    "QoQ": "quarter on quarter",
    "KPI": "key performance indicators",
    "OKR": "objectives and key results",
    "ROI": "return on investment",
    "EPS": "earnings per share",
    "EBITDA": "earnings before interest, taxes, depreciation and amortisation",
    "P&L": "profit and loss",
    "OPEX": "operating expenses",
    "CAPEX": "capital expenditure",
    "ARR": "annual recurring revenue",
    "M&A": "mergers and acquisitions",
    "IPO": "initial public offering",
    "AGM": "annual general meeting",
    "R&D": "research and development",
    "ESG": "environmental, social and governance",
    "CSR": "corporate social responsibility",
    "GHG": "greenhouse gas",
    "NPS": "net promoter score",
    "SLA": "service level agreement",
    # Tools and technology
    "KI": "künstliche Intelligenz",
    "IA": "intelligence artificielle",
    "GenAI": "generative artificial intelligence",
    "LLM": "large language model",
    "ML": "machine learning",
    "CRM": "customer relationship management",
    "ERP": "enterprise resource planning",
    "SSO": "single sign-on",
    "MFA": "multi-factor authentication",
    "VPN": "virtual private network",
    "GDPR": "General Data Protection Regulation",
    "DSGVO": "Datenschutz-Grundverordnung",
    "RGPD": "règlement général sur la protection des données",
}

#: Acronyms written with a plural "s" as well ("KPIs", "RSUs").
_PLURAL = ("KPI", "OKR", "RSU", "ERG", "NDA", "SLA", "SVP", "EVP", "LLM")
#: "FY26", "FY2025", "Q3'25" and the like: the acronym with a year after it.
_WITH_YEAR = ("FY", "Q1", "H1", "H2")


@functools.cache
def _pattern() -> re.Pattern[str]:
    written = sorted(MEANINGS, key=len, reverse=True)
    alternatives = "|".join(re.escape(a) for a in written)
    plurals = "|".join(re.escape(a) for a in _PLURAL)
    years = "|".join(re.escape(a) for a in _WITH_YEAR)
    return re.compile(
        rf"(?<![\w&])(?:(?P<year>{years})(?:'?\d{{2}}|\d{{4}})|(?P<plural>{plurals})s"
        rf"|(?P<plain>{alternatives}))(?![\w&])"
    )


def spelled_out(text: str) -> str:
    """``text`` with the meaning of each listed acronym added in brackets after its first
    use; text without one is returned as it is."""
    seen: set[str] = set()

    def add(found: re.Match[str]) -> str:
        acronym = found["year"] or found["plural"] or found["plain"]
        if acronym in seen:
            return found[0]
        seen.add(acronym)
        return f"{found[0]} ({MEANINGS[acronym]})"

    return _pattern().sub(add, text)
