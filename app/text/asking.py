"""Whether a comment asks something: the Questions view, the scorecard's share of questions
answered, "same question" and the ``{question}`` reply variable all read this.

A comment asks when one of its sentences (:func:`sentences`) does. A sentence asks when it
ends with a question mark in any script (or opens with Spanish's ¿), or, without one, when
it reads as a question in its language: it opens like one ("when is the bonus paid", after
a lead-in too: "honest q - can you promise...", "@Payroll Team when is..."), ends like one
("... or not", Japanese -か, Thai ไหม), asks indirectly ("wondering whether..."), or asks
for something ("list pls", "please tell me..."). A sentence that only sounds like a
question asks nothing: rhetorical and social questions ("Who else loved the offsite?", "Is
it Friday yet?", "What could possibly go wrong"), exclamations ("What a year!") and
statements whose subject is left out ("Can't wait", "Did the course yesterday", "Would
have loved this", "Will do").
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

from app.text.question_marks import QUESTION_MARKS

#: Sentence ends: ? and ! (fullwidth and Arabic ones too) but inside a link
#: ("policy?id=42"), 。 always (Chinese and Japanese put no space after it), . : and ;
#: before a space, and line breaks.
_SENTENCE_END = re.compile(r"[!？！؟]+|\?[?!？！؟]*(?![A-Za-z0-9_/=&%])|[.:;](?:\s|$)|。|\n")
#: Marks that end a sentence, and what may close it after them (quotes, brackets, spaces).
_ENDING_MARKS = "?!？！؟"
_CLOSING = string.whitespace + "\"'”’)]"
#: Spanish opens a question with its own mark, and sometimes leaves the closing one out.
_OPENING_MARK = "¿"
#: What a sentence may end with after its words: marks, closing quotes and brackets,
#: emoji and other symbols ("... or not 😂"), besides spaces.
_TRAILING = frozenset(".!?。！？؟…,;:\"'”’)]\ufe0f\u200d")
_SYMBOLS = ((0x2600, 0x27BF), (0x1F000, 0x1FAFF))
#: A lead-in before what is asked: a few words and a dash or colon ("honest q - ...",
#: "bottom line: ...", "Warehouse team here - ..."), an @-mention of up to three words,
#: words before an ellipsis ("Great news...when do we get it"), or a word that carries on
#: a conversation ("so", "ok so", "and").
_LEAD_IN = re.compile(
    r"^(?:[^\s:—–]+(?:\s+[^\s:—–]+){0,4}\s*(?:\s[-–—]|:|—|–)\s+"
    r"|@[^\W_]+(?:\s+(?-i:[A-Z])[^\W_]*){0,2}[\s,:-]+"
    r"|[^.…]{1,80}?(?:\.{2,}|…)\s*"
    r"|(?:(?:ok(?:ay)?|right|and|but|also|then)\s+)?so[\s,]+"
    r"|(?:and|but|also|ok(?:ay)?|right|hi all|hey all|hi team|hey|hi|hello|ok but|und|och"
    r"|oye y|oye|y"
    r"|entonces|e|ma|mais|et|en|dus|donc|então|allora|а|и|ну)[\s,]+)",
    re.IGNORECASE,
)
#: After "so", a question has more than a few words: "So is everyone else." answers.
_SO_MOST_WORDS = 3
_SO = re.compile(r"\bso$")
_CARRYING_ON = re.compile(r"^[^\W\d_]+(?:\s+[^\W\d_]+)*[\s,]*$")
_WORDS = re.compile(r"[^\W_]+")
#: Who a question asks about, right after its auxiliary ("were staff records..."): a
#: pronoun, or a determiner or group not followed by what subject-dropped statements say
#: ("Had the best time", "Was my pleasure", "Has my vote", "Was all worth it").
_PRONOUN = (
    r"(?:i|you|we|they|he|she|it|there|this|that|these|those|anyone|anybody|everyone"
    r"|everybody|someone|somebody)\b"
)
_SUBJECT = (
    rf"(?:{_PRONOUN}|(?:the|our|your|their|my|any|all|staff|people|employees|colleagues"
    r"|customers|managers)\b(?! (?:best|most|greatest|biggest|pleasure|vote|worth)\b))"
)
#: English questions open with a question word or an auxiliary; the auxiliaries that also
#: open statements with their subject left out ("Was great to see everyone", "Have a good
#: weekend", "Don't forget") only before a subject.
_OPENS_ASKING = re.compile(
    r"^(?:(?:honest|quick|genuine|serious|straight) (?:question|q)[\s,:-]+)?"
    r"(?:who|what|when|where|why|how|which|whose|whats|hows|wheres|whos|whens|will|would|can"
    r"|could|should|shall|is|are"
    r"|do|does|did|any"
    rf"|(?:was|were|has|have)\s+{_SUBJECT}|(?:had|am|may|might|must)\s+{_PRONOUN}"
    r"|(?:isn|aren|wasn|weren|don|doesn|didn|won|wouldn|can|couldn|shouldn|haven|hasn)"
    rf"['’]t\s+{_SUBJECT})\b(?!['’]t)",
)
#: Openings that are not questions: exclamations ("What a year!", "How proud I am"),
#: statements with their subject left out ("Can't wait", "Would have loved this", "Will
#: do", "Did the course yesterday"), "which is why...".
_OPENS_STATING = re.compile(
    r"^(?:what an?\b|how (?:great|cool|proud|amazing|awesome|exciting|lovely|nice|good"
    r"|brilliant|fantastic|wonderful)\b|who knew\b"
    r"|(?:would|could|should|might|must)(?:['’]ve| have)\b"
    r"|(?:will|would|should|could|can|might|must|may)\s+be\b"
    r"|(?:will|would|can|could)(?: definitely| happily| totally)? (?:love|like|miss|recommend"
    r"|confirm|do|try|check|share|join|attend|agree|echo|second|add|say|vouch|relate|keep"
    r"|get back|follow up|circle back|send|update|reach out|let you know|look into|pass"
    r"|forward|sort|fix|be in touch|let|ask|attest|post|chase|raise|flag|bring)\b(?! to know)"
    r"|(?:is|are|was|were|do|does|did|will|would|can|could|should) not\b"
    r"|(?:is|are) (?:on|off|out|back|away|now|live|up|down|done|closed|open)\b"
    r"|(?:what|when|where|why|how|who|once|as soon as) (?:i|you|we|they|he|she)\b"
    r"(?! (?:will|can|could|should|would|must|are|were|am|is|do|did|have|has|need)\b)"
    r"|when in doubt\b|should (?:you|anyone|anybody)\b[^,]{1,60},"
    r"|any (?:questions?|issues?|feedback|help|updates?|thoughts|comments|concerns)\b"
    r"(?:,| (?:let|just|welcome|appreciated|will|is|are|much|greatly|gratefully)\b)"
    r"|(?:is|are|was|were) (?:so|such|really|very|totally|absolutely|definitely|doing)\b"
    r"|(?:does|do|did) (?:make|help|sound|look)\b"
    r"|what (?:great|wonderful|good|fantastic|brilliant|amazing|lovely|exciting|sad"
    r"|terrible) (?:news|work|job|results?|team|idea|day|year)\b"
    r"|how (?:true|kind|very|sad|awful)\b"
    r"|c[óo]mo me alegro|cu[áa]nt[oa]s? (?:me alegro|recuerdos|orgullo)"
    r"|quand on veut|ci sarà da\b"
    r"|why not$"
    r"|do (?:share|keep|let|join|come|check|give|send|reach|get|take|read|watch|feel|try"
    r"|sign|miss|love|like|think|hope|wish|agree|appreciate)\b|any ?time\b|any day now\b"
    r"|does (?:exactly|what it says|the job|the trick)\b"
    r"|how (?:lucky|blessed|fortunate|fun|sweet|time flies|is it already)\b"
    r"|which (?:is|was|means|meant|makes|made)\b"
    r"|did (?:the|my|a|an|our|it|that|this)\b.*\b(?:yesterday|today|last (?:week|month|year"
    r"|night)|this (?:morning|week)|earlier)\b)",
)
#: Questions nobody is asked to answer: rhetorical, sarcastic or social ones, in the
#: languages people write them in most ("Who else...?", "¿Quién más...?").
_RHETORICAL = re.compile(
    r"^(?:who else (?:loved|loves|love|enjoyed|is excited|is looking forward|can['’]t wait"
    r"|teared|cried|laughed|thinks|feels|misses|remembers|agrees|is proud|is buzzing"
    r"|is loving|is ready|is already|is counting)\b|anyone else (?:love|loving|enjoy|excited)"
    r"|what could possibly go wrong|what could go wrong$"
    r"|is it (?:friday|the weekend|home time)(?: yet)?\b|what (?:she|he"
    r"|they|you) said\b|(?:really|seriously|srsly|en serio|sérieux|echt|davvero|sério)$"
    r"|(?:isn['’]t|wasn['’]t|ain['’]t) (?:it|this|that) (?:great|funny|amazing|nice|good"
    r"|wonderful|lovely|cool|awesome|brilliant|fantastic|exciting|incredible|ironic"
    r"|refreshing)\b|(?:how|what) (?:cool|great|awesome|amazing) is that"
    r"|who (?:would|could)(?:['’]ve| have) (?:thought|guessed|known)"
    r"|who (?:thought|decided) (?:\S+ ){1,7}(?:was|were|is) a good idea"
    r"|why (?:do|does|did|would|should) (?:we|i|they|you|anyone) even\b|why not\b[,!]"
    r"|is it just me\b|wouldn['’]t it be (?:nice|great|good|lovely)\b|who says\b"
    r"|are you (?:kidding|serious|joking)\b|anyone else['’]s\b"
    r"|how many times (?:have|do|must|are|did) we\b|warum auch nicht|waarom ook niet"
    r"|comment ne pas\b"
    r"|quién más\b|qui d['’]autre\b|wer (?:noch|hätte (?:das )?gedacht|hat sich das)"
    r"|chi altro\b|wie (?:nog|anders)\b|quem mais\b"
    # "who came up with this? 🙄"
    r"|who came up with (?:this|that)\b|a quién se le ocurrió|chi ha avuto (?:questa|sta)"
    r"|quem teve (?:essa|esta)|vem kom på|кто это (?:вообще )?придумал|qui a eu cette"
    r"|wie heeft dit bedacht|kto to wymyślił"
    # "is it Friday yet?"
    r"|(?:\S+ ){0,2}(?:yet|ya|já|än|уже|もう|벌써|schon|déjà|già|al|już)\b.{0,12}"
    r"(?:friday|viernes|sexta|fredag|пятница|金曜|금요일|freitag|vendredi|venerdì|vrijdag"
    r"|piątek)|(?:ya|já|уже|もう|벌써|schon|déjà|già|już) (?:es |é |)(?:viernes|sexta|пятница"
    r"|金曜|금요일|freitag|vendredi|venerdì|piątek))",
)
#: A question asked as a statement ("I'd love to know whether the freeze ends"), or a
#: request for an answer ("bonus date pls", "please tell me we're closed").
_ASKS_INDIRECTLY = re.compile(
    r"\b(?:wonder(?:ing)?\s+(?:is\s+)?(?:if|whether|when|what|how|why|who|where|which)"
    r"|(?:(?:like|love|good|helpful|great) to know|any idea|curious (?:if|whether))\s+"
    r"(?:if|whether|what|when|where|why|how|who|which)|^(?:does )?any(?:one|body) know\b"
    r"|(?:checking|check|ask|asking|confirm|confirming) (?:if|whether|when|what|how|who"
    r"|where)\b|curious (?:how|when|why)\b"
    r"|^anyone else (?:having|seeing|getting|experiencing|noticing|had|got)\b"
    r"|(?:pls|plz|please)\s+(?:tell|let)\s+(?:me|us)\b(?! know (?:if (?:you|anyone|we|there"
    r"|anything|the team)|what))"
    r"|(?:can|could) (?:someone|somebody"
    r"|anyone) (?:confirm|clarify|explain|tell|share)"
    r"|(?:date|dates|list|link|details?|update|info|eta|numbers?|timeline|breakdown"
    r"|figures?|names?|slides|deck|recording)\b(?:\s+\S+){0,4}\s+(?:pls|plz|please)(?:$|\s*[,;])"
    r"|^(?:(?:pls|plz|please|kindly)\s+(?:share|send|clarify|confirm|explain|post|advise"
    r"|tell|let (?:me|us) know(?! if (?:you|anyone|we|there|anything|the team)| what))"
    r"|let (?:me|us) know (?:if|whether|when|what|how|who|where)"
    r"(?! (?:you|anyone|i can|we|there|anything|the team|what you think))"
    r"|tell (?:me|us)\b(?! about it)|need (?:the|to know)\b)"
    r"|(?:keen|eager|curious|interested) to (?:understand|hear|know|learn|find out) (?:if"
    r"|whether|what|when|where|why|who|which|more about|how (?!(?:it|this|things) (?:goes"
    r"|go|went)))"
    r"|i['’]d (?:appreciate|welcome) (?:some |more |an? )?(?:detail|details|clarity"
    r"|clarification|info|information|update)|i['’]d like to (?:understand|know|hear)"
    # German, Spanish, Italian, Portuguese, French, Dutch, Swedish, Polish, Turkish
    r"|würde (?:mich )?interessieren|ich frage mich|wüsste gerne?|me gustaría saber"
    r"|quisiera saber|me pregunto|me quedo con la duda|mi piacerebbe (?:sapere|capire)"
    r"|vorrei (?:sapere|capire)|gostaria de saber|podiam esclarecer|podem confirmar"
    r"|je me demande|j['’]aimerais (?:savoir|comprendre)|quelqu['’]un sait"
    r"|ik vraag me af|zou graag willen weten|jag undrar|vet någon|vore bra att veta"
    r"|skulle vara bra att veta|czy ktoś wie|chciał(?:a)?bym wiedzieć|merak ediyorum"
    r"|bitte (?:kurze )?info(?! an)|was ist mit|por favor confirm|qué pasa con|cómo queda$"
    r"|si sa già|cosa cambia$|me digam|muda o quê$|vad händer med|хотелось бы (?:понять"
    r"|узнать)|подскажите|интересно,? (?:когда|как|сколько|будет|что)"
    r"|^(?:а )?что (?:меняется|будет)"
    r"|教えて(?:ください|下さい)|知りたい|気になります|궁금합니다|궁금해요|알고 싶습니다"
    r"|알려주세요|아시는 분|อยากทราบ|รบกวนแจ้ง|ขอทราบ|请问|想知道|想了解|请告知|أود أن أعرف"
    r"|mohon (?:info|penjelasan)|ingin tahu|muốn biết|cho (?:em |tôi )?hỏi|जानना चाहत"
    r"|बताइए|बताएं)",
)
#: English questions that end as questions: "vans at home still a thing or not".
_ENDS_ASKING_EN = re.compile(
    r"(?<!whether)(?<!like it) or (?:not|what|nah|no|am i \w+|is it just me)$"
    r"|\s(?:oder nicht|o no|ou não|ou pas|of niet|eller inte|или нет|czy nie|o cambia)$",
)
#: A statement with a tag asks for a yes ("We still get the bonus, right"), not a short
#: reply ("Yes, correct").
_TAG_QUESTION = re.compile(r", ?(?:right|correct)$")
_TAG_QUESTION_FEWEST_WORDS = 4
#: What follows a lead-in asks only in a question's clear shape: a question word and an
#: auxiliary ("@Payroll Team when is..."), or an auxiliary and its subject ("honest q -
#: can you..."); not "@Sam when you get a chance", "Shout out to @Ana - who led it".
_QUESTION_WORD_FIRST = (
    r"(?:who|what|when|where|why|how|which)(?:['’]s|s|\s+(?:is|are|was|were|do|does|did"
    r"|will|would|can|could|should|has|have)\b)|any (?:update|news|word|idea|chance)\b"
)
_ASKS_AFTER_LEAD_IN = re.compile(
    rf"^(?:{_QUESTION_WORD_FIRST}"
    rf"|(?:is|are|was|were|will|would|can|could|should|do|does|did|has|have)\s+{_SUBJECT})"
)
#: An exclaimed sentence asks only with a question word first: "When are we getting
#: paid!!", not "Did it!" or "Was that an amazing night!".
_EXCLAIMED_ASKING = re.compile(rf"^(?:{_QUESTION_WORD_FIRST})")
#: A question after a comma, "but" or "so": "MFA keeps failing, is there a fix coming",
#: "might be a silly question but what's an OKR".
_ASKS_INSIDE = re.compile(
    r"(?:,|(?<=\w) but|(?<=\w) so)\s+(?:(?:who|what|when|where|why|how|which)(?:['’]s"
    r"|\s+(?:am|is|are|was|were|do|does|did|will|would|can|could|should|has|have)\b)"
    r"|(?:is|are|will|can|could|should|do|does|did)\s+(?:there|we|i|you|they|it|the|our|my"
    r"|this|that|anyone|anybody|someone|somebody)\b|how (?:many|much|long|often|soon)\b)",
)
#: "If my store shuts can I transfer...": a condition, then the question's inversion.
_IF_THEN_ASKING = re.compile(
    r"^if\b[^,]{1,80}?\b(?:can|will|would|should|could|do|does|is|are|am)\s+"
    r"(?:i|we|you|they)\b",
)
#: Questions without a mark in other languages, by how they open: a question word or
#: particle that opens no statement (German "wann", Polish "czy", Arabic "هل", Indonesian
#: "apakah"...), or a verb before its subject (French "va-t-il", "peut-on").
_OPENS_ASKING_ELSEWHERE = re.compile(
    r"^(?:wann(?! immer)|warum(?! auch nicht)|wieso|weshalb|weswegen|wie (?:viele?|lange"
    r"|oft|geht|sieht|läuft|ist)|welche[rnsm]?|gibt es|weiß jemand|wird es|werden wir"
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
    r"|هل|متى|كيف|لماذا|ماذا|أين"
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
#: Chinese questions without a mark: 吗 (嗎), 呢, or 是否 ("whether").
_CHINESE_ASKING = re.compile(r"(?:吗|嗎|呢)$|是否")
#: Thai questions end in a particle (ไหม, หรือเปล่า...) or question word, before the
#: polite ending (ครับ, คะ).
_THAI_ASKING = re.compile(
    r"(?:ไหม|มั้ย|มั๊ย|หรือเปล่า|หรือไม่|หรือยัง|ไหน|อะไร|เมื่อไร|เมื่อไหร่|ทำไม|อย่างไร|ยังไง|บ้าง)"
    r"\s*(?:ครับ|คะ|ค่ะ|นะ|จ๊ะ|จ้ะ)?$|(?:ไหม|มั้ย|หรือเปล่า|หรือยัง)(?:ครับ|คะ|ค่ะ)?\s"
)
#: Vietnamese yes/no questions end in không or chưa.
_VIETNAMESE_ASKING = re.compile(r"\b(?:không|chưa|hả|nhỉ)$")
#: Hangul syllables are numbered by initial, vowel and final; finals ㄴ, ㄹ and ㅂ (of 28).
_HANGUL_FIRST, _HANGUL_COUNT, _FINALS = 0xAC00, 11172, 28
_FINAL_N, _FINAL_L, _FINAL_B = 4, 8, 17
#: Verbs whose stem ends in 나 ("만나요", "see you"; "끝나요", "it ends"): not the question
#: ending -나요.
_KOREAN_NA_STEMS = frozenset("만떠끝")
#: Korean question endings, each after a syllable with the final it needs.
_KOREAN_ENDINGS = (("니까", _FINAL_B), ("까요", _FINAL_L), ("까", _FINAL_L), ("가요", _FINAL_N))


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, each with its final mark."""
    found, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        if sentence := text[start : end.end()].strip():
            found.append(sentence)
        start = end.end()
    if sentence := text[start:].strip():
        found.append(sentence)
    return found


def is_question(text: str) -> bool:
    """Whether ``text`` asks something: one of its sentences does (:func:`asks`)."""
    return any(asks(sentence) for sentence in sentences(text))


def asks(sentence: str) -> bool:
    """Whether one sentence asks something (see the module's docstring)."""
    said = " ".join(_trimmed(sentence).split()).lstrip(_OPENING_MARK).strip()
    low = said.lower()  # the rules are written in lower case: matching is faster so
    if not said or _RHETORICAL.match(low):
        return False
    if _ends_marked(sentence) or _OPENING_MARK in sentence:
        return True
    if _final_marks(sentence):  # "Will do!", "만나요!" say; "When are we getting paid!!" asks
        return _EXCLAIMED_ASKING.match(low) is not None and not _OPENS_STATING.match(low)
    if any(_opens_asking(clause.lower(), strict) for clause, strict in _clauses(said)):
        return True
    return bool(
        _ASKS_INDIRECTLY.search(low)
        or _ENDS_ASKING_EN.search(low)
        or (_TAG_QUESTION.search(low) is not None and low.count(" ") >= _TAG_QUESTION_FEWEST_WORDS)
        or _ASKS_INSIDE.search(low)
        or _IF_THEN_ASKING.match(low)
        or ("-" in low and _FRENCH_INVERSION.search(low))
        or (not low.isascii() and _asks_in_other_letters(said, low))
    )


def _asks_in_other_letters(said: str, low: str) -> bool:
    """The rules for sentences with letters beyond ASCII (a word or ending that asks)."""
    return bool(
        _ASKING_WORD.search(low)
        or (_TURKISH_ASKING.search(low) is not None and _TURKISH_LETTERS.search(said) is not None)
        or _ends_asking(said)
    )


def questions_among(said: Sequence[str]) -> list[str]:
    """Of a comment's sentences ``said``, those that ask: the ones ending in a question mark
    if any do (what the comment asks in so many words), else those asking without one."""
    asking = [sentence for sentence in said if asks(sentence)]
    return [sentence for sentence in asking if _ends_marked(sentence)] or asking


def _ends_marked(sentence: str) -> bool:
    """Whether the sentence's last marks ("?", "?!", the fullwidth one) hold a question
    mark."""
    return not QUESTION_MARKS.isdisjoint(_final_marks(sentence))


def _final_marks(sentence: str) -> str:
    """The marks a sentence ends with, before any closing quotes, brackets and spaces (a
    loop from the end, not a pattern: a pattern anchored at the end is tried from every
    place a run of marks starts, which takes minutes on a hostile 100,000)."""
    end = len(sentence.rstrip(_CLOSING))
    start = end
    while start and sentence[start - 1] in _ENDING_MARKS:
        start -= 1
    return sentence[start:end]


def _trimmed(sentence: str) -> str:
    """The sentence without what it ends with after its words (:data:`_TRAILING`, emoji)."""
    end = len(sentence)
    while end and _trails(sentence[end - 1]):
        end -= 1
    return sentence[:end]


def _trails(char: str) -> bool:
    return (
        char.isspace()
        or char in _TRAILING
        or any(first <= ord(char) <= last for first, last in _SYMBOLS)
    )


def _clauses(said: str) -> list[tuple[str, bool]]:
    """The sentence, and what follows its lead-in (:data:`_LEAD_IN`) if it has one, each
    with whether it must have a question's clear shape (:data:`_ASKS_AFTER_LEAD_IN`): after
    a mention, a dash, a colon or an ellipsis, not after "so" or "and"."""
    found = [(said, False)]
    lead_in = _LEAD_IN.match(said)
    if lead_in:
        rest = said[lead_in.end() :].strip()
        after_so = _SO.search(lead_in.group().strip(" ,").lower()) is not None
        if rest and not (after_so and len(_WORDS.findall(rest)) <= _SO_MOST_WORDS):
            found.append((rest, not _CARRYING_ON.match(lead_in.group())))
    return found


def _opens_asking(clause: str, after_lead_in: bool) -> bool:
    if _OPENS_STATING.match(clause):
        return False
    if after_lead_in:
        return bool(_ASKS_AFTER_LEAD_IN.match(clause) or _OPENS_ASKING_ELSEWHERE.match(clause))
    return bool(_OPENS_ASKING.match(clause) or _OPENS_ASKING_ELSEWHERE.match(clause))


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
