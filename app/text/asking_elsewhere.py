"""Questions without a question mark in languages other than English, for
``app.text.asking``: by how they open (German "wann", Polish "czy", Arabic "هل", a verb
before its subject), by a particle or question word anywhere (Russian ли, Turkish "mi",
Hindi क्या, Indonesian "kapan", Chinese 什么时候 or a verb and its negation), or by how
they end (Japanese -か, Chinese 吗, Thai ไหม, Korean -나요, Vietnamese không). The rules
are written in lower case; callers fold the text first.
"""

from __future__ import annotations

import re

#: Questions without a mark in other languages, by how they open: a question word or
#: particle that opens no statement (German "wann", Polish "czy", Arabic "هل", Indonesian
#: "apakah"...), or a verb before its subject (French "va-t-il", "peut-on").
_OPENS_ASKING_ELSEWHERE = re.compile(
    r"^(?:wann(?! immer)|warum(?! auch nicht)|wieso|weshalb|weswegen|wie (?:viele?|lange"
    r"|oft|geht|sieht|läuft|ist)|welche[rnsm]?|gibt es|gibt['’]s|weiß jemand|wird es|werden wir"
    r"|bekommen wir|können wir|dürfen wir|müssen wir|sollen wir|kann (?:mir|uns) jemand"
    # German and Dutch ask with the verb first: "Gilt das auch für Azubis"
    r"|(?:gilt|gibt|ist|sind|wird|werden|kann|können|darf|dürfen|muss|müssen|soll|sollen"
    r"|hat|haben|habt|bekommen|bekommt|kriegen|geht|gehen|kommt|kommen|bleibt|bleiben"
    r"|zählt|betrifft|geldt|krijgen|krijgt|kunnen|mogen|mag|moeten|zijn|wordt|worden|gaat"
    r"|gaan|heeft|hebben|blijft) (?:das|es|man|ich|wir|ihr|jemand|die|der|den|dem|unser"
    r"|unsere|alle|dit|dat|het|er|jullie|je|u|de|onze|iedereen|men)\b(?![^,]*,)"
    r"|was (?:passiert|ist mit|wird|gilt|bedeutet|heißt)|wer (?:ist|sind|hat|kann|macht"
    r"|entscheidet|übernimmt)|wat (?:gebeurt|is|wordt|betekent|houdt)|wie (?:is|zijn|gaat"
    r"|heeft|mag|moet|beslist)\b"
    r"|quand(?! on)|pourquoi|combien|où|comment(?! ne)|est-ce qu(?:e|['’]\w+)|y a-t-il"
    r"|qu['’]en est-il|qui (?:s['’]occupe|est|décide|peut|gère)|on sait (?:quand|si|comment"
    r"|combien)"
    r"|quel(?:le)?s? (?:est|sont|sera|seront|va|vont)\b"
    r"|cuándo|por qué|cuánt[oa]s?(?! (?:me alegro|recuerdos|orgullo))|dónde"
    r"|cómo(?! me alegro)|alguien sabe|se sabe|habrá|quién (?:se encarga|es|decide|puede)"
    r"|qué (?:hay|pasa|va a pasar|significa)|hay (?:novedades|noticias|fecha|algún|alguna)"
    r"|come mai|ci sar[àa](?! da)|ci saranno|qualcuno sa|si sa (?:quando|se|come)"
    r"|cosa succede|chi (?:si occupa|è|decide|può|gestisce)|perché (?:non ci|non si|ci avete"
    r"|avete|hanno)|quando (?:arriva|arrivano|sarà|saranno|verrà|verranno|inizia|iniziano"
    r"|finisce|parte|partono|esce|escono|pagano|paga)"
    r"|dove (?:si|sono|è)"
    r"|quando (?:vai|vão|será|serão|sai|saem|começa)|por que|quem (?:trata|é|decide|pode"
    r"|cuida)|o que (?:acontece|muda|vai|significa)"
    r"|alguém sabe|vai haver|vão (?:ser|ter)"
    r"|wanneer|waarom|hoeveel|hoelang|hoe (?:lang|zit|werkt|gaat)|welke|krijgen we"
    r"|komt er|is er|zijn er|gaan we|kunnen we|mogen we|moeten we|weet iemand"
    r"|czy|kiedy|dlaczego|ile|gdzie|co z\b"
    r"|когда|почему|зачем|сколько|где|кто|будет ли|будут ли|можно ли|есть ли"
    r"|hangi|ne zaman|neden|nasıl|kaç|nerede"
    r"|و?(?:هل|متى|كيف|لماذا|ماذا|أين)"
    r"|apakah|kapan|bagaimana|mengapa|kenapa|berapa|siapa"
    r"|när (?:kommer|blir|får|ska|är|börjar|betalas)|varför|hur (?:många|länge|mycket|ska"
    r"|blir)|är det|har ni|ska vi|kan vi|gäller det"
    r"|vilka (?:är|blir)|kommer vi|får vi"
    r"|blir det|finns det)(?=[\s,]|$)",
)
#: Questions without a mark, by a word anywhere: Russian ли, Hindi and Vietnamese question
#: words.
_ASKING_WORD = re.compile(
    r"(?<![^\W_])(?:ли|क्या|कब|क्यों|कैसे|कितन[ाेी]|कहाँ|कहां|कौन"
    r"|bao giờ|khi nào|tại sao|vì sao|bao nhiêu|thế nào|ở đâu|làm sao)(?![^\W_])"
)
#: French asks with the verb before its subject: "va-t-il", "pouvez-vous".
_FRENCH_INVERSION = re.compile(
    r"-t-(?:il|elle|on)\b"
    r"|\b(?:peut|doit|sait|va|faut|pourra|devra|aura|sera|est|sont|avez|allez|pouvez"
    r"|savez|pensez|comptez|prévoyez|envisagez|pourrons|pouvons|allons|aurons|sommes"
    r"|pourriez|pourrait|pourrais|devrait|devrions|avons|êtes|faites|voulez)"
    r"-(?:il|elle|on|ils|elles|vous|nous)\b"
)
#: Turkish asks with the particle "mi" (its vowel in harmony: dotless i, u, ü), written
#: apart; "mi" is Spanish and Italian too, so a sentence with it asks only when it has
#: letters only Turkish uses.
_TURKISH_ASKING = re.compile(
    r"(?<![^\W_])m[ıiuü](?:y[ıiuü]m|s[ıiuü]n|y[ıiuü]z|s[ıiuü]n[ıiuü]z|d[ıiuü]r|l[ae]r)?(?![^\W_])"
)
_TURKISH_LETTERS = re.compile(r"[ıİşŞğĞ]")
#: Japanese polite questions end in か after a polite or explanatory form ("ありますか",
#: "なくなるのでしょうか"), or wonder with かな; "そうですか" is "I see". With a question
#: word, a casual ending asks too ("どう変わるの").
_JAPANESE_ASKING = re.compile(r"(?:です|ます|ません|でしょう|ました|でした|の)か$|かな$|かしら$")
_JAPANESE_QUESTION_WORD = re.compile(r"どう|何|なに|いつ|どこ|誰|だれ|なぜ|どの|どれ|いくら|いくつ")
_JAPANESE_CASUAL_END = re.compile(r"(?:の|でしょう|だろう|っけ)$")
#: Chinese questions without a mark: 吗 (嗎), 呢, 是否 ("whether"), "when", "how many",
#: "which", or a verb and its negation ("开不开", "有没有").
_CHINESE_ASKING = re.compile(
    r"(?:吗|嗎|呢)$|是否|什么时候|什麼時候|多少|哪些|哪个|哪個|([\u4e00-\u9fff])[不没沒]\1"
)
#: Thai questions end in a particle (ไหม, หรือเปล่า...) or question word, before the
#: polite ending (ครับ, คะ).
_THAI_ASKING = re.compile(
    r"(?:ไหม|มั้ย|มั๊ย|หรือเปล่า|หรือไม่|หรือยัง|ไหน|อะไร|เมื่อไร|เมื่อไหร่|ทำไม|อย่างไร|ยังไง|บ้าง)"
    r"\s*(?:ครับ|คะ|ค่ะ|นะ|จ๊ะ|จ้ะ)?$|(?:ไหม|มั้ย|หรือเปล่า|หรือยัง)(?:ครับ|คะ|ค่ะ)?\s"
)
#: Vietnamese yes/no questions end in không or chưa, and others in gì ("what"; not
#: "không có gì", "you're welcome"), before a polite ạ or vậy.
_VIETNAMESE_ASKING = re.compile(r"(?:\b(?:không|chưa|hả|nhỉ)|(?<!có )\bgì)(?: (?:ạ|vậy|thế|nhỉ))?$")
#: Indonesian question words and the particle kah, anywhere (in letters English uses),
#: and Turkish "ne zaman" ("when").
_ASKING_WORD_ASCII = re.compile(
    r"\b(?:kapan|berapa|bagaimana|gimana|mengapa|kenapa|apakah|siapa|ne zaman)\b|\bkah$"
)
#: Hangul syllables are numbered by initial, vowel and final; finals ㄴ, ㄹ and ㅂ (of 28).
_HANGUL_FIRST, _HANGUL_COUNT, _FINALS = 0xAC00, 11172, 28
_FINAL_N, _FINAL_L, _FINAL_B = 4, 8, 17
#: Verbs whose stem ends in 나 ("만나요", "see you"; "끝나요", "it ends"): not the question
#: ending -나요.
_KOREAN_NA_STEMS = frozenset("만떠끝")
#: Korean question endings, each after a syllable with the final it needs.
_KOREAN_ENDINGS = (("니까", _FINAL_B), ("까요", _FINAL_L), ("까", _FINAL_L), ("가요", _FINAL_N))


def opens_asking(clause: str) -> bool:
    """Whether a clause (in lower case) opens as a question does in another language."""
    return _OPENS_ASKING_ELSEWHERE.match(clause) is not None


def asks_by_its_words(said: str, low: str) -> bool:
    """Whether a sentence without a question mark (``said``, and in lower case ``low``)
    asks by a word or an ending: the French verb before its subject, or in a sentence
    with letters beyond ASCII, a particle, question word or ending."""
    if "-" in low and _FRENCH_INVERSION.search(low):
        return True
    if _ASKING_WORD_ASCII.search(low):
        return True
    return not low.isascii() and _asks_in_other_letters(said, low)


def _asks_in_other_letters(said: str, low: str) -> bool:
    """The rules for sentences with letters beyond ASCII (a word or ending that asks)."""
    return bool(
        _ASKING_WORD.search(low)
        or (_TURKISH_ASKING.search(low) is not None and _TURKISH_LETTERS.search(said) is not None)
        or _ends_asking(said)
    )


def _ends_asking(sentence: str) -> bool:
    """Whether a sentence (without its final stop) ends as a question does without a
    question mark: Japanese polite -か and -かな, Chinese 吗 and 呢, Thai ไหม, Vietnamese
    không, Korean -ㅂ니까 ("있습니까"), -ㄹ까(요) ("할까요"; not "-니까요", "because"),
    -나요 ("있나요") and -ㄴ가요 ("인가요")."""
    if _JAPANESE_ASKING.search(sentence) and sentence != "そうですか":
        return True
    if _JAPANESE_CASUAL_END.search(sentence) and _JAPANESE_QUESTION_WORD.search(sentence):
        return True
    if (
        _CHINESE_ASKING.search(sentence)
        or _THAI_ASKING.search(sentence)
        or _VIETNAMESE_ASKING.search(sentence)
    ):
        return True
    if sentence.endswith("나요") and sentence[-3:-2] not in _KOREAN_NA_STEMS:
        return True
    return any(
        sentence.endswith(ending)
        and _hangul_final(sentence[-len(ending) - 1 : -len(ending)]) == final
        for ending, final in _KOREAN_ENDINGS
    )


def _hangul_final(syllable: str) -> int | None:
    """The final consonant's number of a Hangul syllable (0: none), None for anything else."""
    if len(syllable) != 1 or not 0 <= ord(syllable) - _HANGUL_FIRST < _HANGUL_COUNT:
        return None
    return (ord(syllable) - _HANGUL_FIRST) % _FINALS
