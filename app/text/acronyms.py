"""Workplace acronyms spelled out for the sentence encoder: "Is the ESPP continuing?" is
encoded as "Is the ESPP (employee stock purchase plan) continuing?", so it meets "Can we
still buy discounted stock through the employee plan?". The encoder (``app.text.encoder``)
learned its words from general text; the letters a company writes in its comments (PTO,
RTO, ESPP, RSUs, DEI, OKRs, Q3, FY26...) say little to it, and a question in them shares
nothing with the same question in words.

Only letters that mean one thing in a company's comments are listed, written as they are
written (upper case, "YoY", "P&L"), with a plural "s" where one is used ("KPIs"); the
words are added once, after the acronym's first use, and the text is otherwise unchanged.
The list holds general corporate, HR, finance and IT usage, in English, with the German,
French and Spanish acronyms of the same kind; it is not drawn from any comments.
"""

from __future__ import annotations

import functools
import re

#: Acronym (as written) -> what it stands for.
MEANINGS: dict[str, str] = {
    # Time off, where and how people work
    "PTO": "paid time off, holiday days",
    "WFH": "working from home",
    "RTO": "return to the office",
    "OOO": "out of office",
    "FMLA": "family and medical leave",
    "RTT": "jours de repos, réduction du temps de travail",
    # People, pay and benefits
    "HR": "human resources",
    "RH": "ressources humaines",
    "RRHH": "recursos humanos",
    "DEI": "diversity, equity and inclusion",
    "D&I": "diversity and inclusion",
    "ED&I": "equality, diversity and inclusion",
    "ERG": "employee resource group",
    "EAP": "employee assistance programme",
    "L&D": "learning and development, training",
    "PIP": "performance improvement plan",
    "RIF": "reduction in force, layoffs",
    "ESPP": "employee stock purchase plan, discounted company shares",
    "RSU": "restricted stock units, company shares",
    "LTIP": "long-term incentive plan",
    "HSA": "health savings account",
    "FSA": "flexible spending account",
    "COLA": "cost of living adjustment, pay rise",
    "NDA": "non-disclosure agreement",
    # Leaders
    "CEO": "chief executive",
    "CFO": "chief financial officer",
    "COO": "chief operating officer",
    "CTO": "chief technology officer",
    "CIO": "chief information officer",
    "CHRO": "chief people officer, head of human resources",
    "CMO": "chief marketing officer",
    "VP": "vice president",
    "SVP": "senior vice president",
    "EVP": "executive vice president",
    "PDG": "président-directeur général, chief executive",
    "HQ": "headquarters, head office",
    # Results and plans
    "Q1": "first quarter",
    "Q2": "second quarter",
    "Q3": "third quarter",
    "Q4": "fourth quarter",
    "H1": "first half of the year",
    "H2": "second half of the year",
    "FY": "financial year",
    "YoY": "year on year",
    "QoQ": "quarter on quarter",
    "KPI": "key performance indicators, targets",
    "OKR": "objectives and key results, goals",
    "ROI": "return on investment",
    "EPS": "earnings per share",
    "EBITDA": "operating profit",
    "P&L": "profit and loss",
    "OPEX": "operating costs",
    "CAPEX": "capital spending",
    "ARR": "annual recurring revenue",
    "M&A": "mergers and acquisitions",
    "IPO": "stock market listing",
    "AGM": "annual general meeting of shareholders",
    "R&D": "research and development",
    "ESG": "environmental, social and governance",
    "CSR": "corporate social responsibility",
    "GHG": "greenhouse gas emissions",
    "NPS": "net promoter score, customer satisfaction",
    "SLA": "service level agreement",
    # Tools and technology
    "AI": "artificial intelligence",
    "KI": "künstliche Intelligenz",
    "IA": "intelligence artificielle",
    "GenAI": "generative artificial intelligence",
    "LLM": "large language model, artificial intelligence",
    "ML": "machine learning",
    "CRM": "customer relationship management system",
    "ERP": "enterprise resource planning system",
    "SSO": "single sign-on",
    "MFA": "multi-factor authentication",
    "VPN": "virtual private network",
    "GDPR": "data protection rules",
    "DSGVO": "Datenschutz, data protection rules",
    "RGPD": "protection des données, data protection rules",
}

#: Acronyms written with a plural "s" as well ("KPIs", "RSUs").
_PLURAL = ("KPI", "OKR", "RSU", "ERG", "NDA", "SLA", "VP", "SVP", "EVP", "LLM")
#: "FY26", "FY2025", "Q3'25" and the like: the acronym with a year after it.
_WITH_YEAR = ("FY", "Q1", "Q2", "Q3", "Q4", "H1", "H2")


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
