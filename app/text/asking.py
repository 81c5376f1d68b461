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
have loved this", "Will do"), and a question its writer answers or disowns in the next
sentence ("Could this have been an email? Yes it could.", "Rhetorical question.":
:func:`asks_at`); a statement before the thinking face asks ("... zerado em dezembro
🤔"). The rules for questions without a mark in other languages are in
``app.text.asking_elsewhere``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

from app.text import asking_elsewhere as elsewhere
from app.text.question_marks import QUESTION_MARKS

#: Sentence ends: ? and ! (fullwidth and Arabic ones too) but inside a link
#: ("policy?id=42"), 。 always (Chinese and Japanese put no space after it), . : and ;
#: before a space, and line breaks.
_SENTENCE_END = re.compile(r"[!？！؟]+|\?[?!？！؟]*(?![A-Za-z0-9_/=&%])|[.:;](?:\s|$)|。|\n")
#: Marks that end a sentence, and what may close it after them (quotes, brackets, spaces).
_ENDING_MARKS = QUESTION_MARKS | {"!", "！"}
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
    r"^(?:[^\s:—–]+(?:\s+[^\s:—–]+){0,6}\s*(?:\s[-–—]|:|—|–)\s+"
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
#: The thinking face after a statement asks it ("vai ser zerado em dezembro 🤔").
_THINKING = "\U0001f914"
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
    r"|(?:has|have) (?:a|an|any) \S+(?: \S+)? been"
    r"|(?:isn|aren|wasn|weren|don|doesn|didn|won|wouldn|can|couldn|shouldn|haven|hasn)"
    rf"['’]t\s+{_SUBJECT})\b(?!['’]t)",
)
#: Openings that are not questions: exclamations ("What a year!", "How proud I am"),
#: statements with their subject left out ("Can't wait", "Would have loved this", "Will
#: do", "Did the course yesterday"), "which is why...".
_OPENS_STATING = re.compile(
    r"^(?:what an?\b|how (?:great|cool|proud|amazing|awesome|exciting|lovely|nice|good"
    r"|brilliant|fantastic|wonderful)\b|who knew\b"
    r"|(?:would|could|should|might|must)(?: never)?(?:['’]ve| have)\b"
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
    r"|quién más\b|qui d['’]autre\b|siapa sangka\b|wer (?:noch|hätte (?:das )?gedacht|hat sich das)"
    r"|chi altro\b|wie (?:nog|anders)\b|quem mais\b"
    # English idioms and complaints shaped as questions: "why is it always...", "who
    # needs sleep anyway", "how is anyone supposed to...", "what's not to love"
    r"|(?:so |honestly,? )?why (?:is|are|do|does|did) (?:it|we|they|these|this|you|i|things)"
    r" (?:\S+ ){0,2}always\b|how (?:is|are) (?:anyone|anybody) (?:\S+ )?supposed to\b"
    r"|who needs (?!to\b)[^,]{1,40}\b(?:anyway|anyways)\b"
    r"|who needs (?!to\b)[^,]{1,40}\bwhen (?:you|we|they) (?:can|could|have|get)\b"
    r"|why am i not surprised|where would (?:we|i|this company) be without\b|is it me or\b"
    r"|why fix what|who could(?:['’]ve| have) (?:predicted|seen (?:this|that) coming"
    r"|imagined)"
    r"|what['’]s not to (?:love|like)\b|what else is new\b|(?:it )?is what it is\b"
    r"|where (?:has|did) (?:the|this) (?:year|time|week|month|summer|day) go(?:ne)?\b"
    r"|any excuse for\b|can we (?:just )?(?:take a (?:moment|minute|second) to )?appreciate\b"
    r"|am i the only one (?:who|that)\b|how did (?:we|i|anyone) ever (?:manage|survive|live"
    r"|cope)\b|where do (?:i|we) even (?:start|begin)\b|do i look like\b|how hard can it be\b"
    r"|how is (?:this|that|it) even (?:possible|allowed|legal|a thing)\b|need i say more\b"
    r"|what more could (?:you|we|anyone|one) (?:ask|want)\b|who doesn['’]t (?:love|like|want"
    r"|enjoy)\b"
    r"|.{0,80}?\b(?:we|i)['’]?re supposed to be (?:happy|grateful|glad|pleased|thankful"
    r"|excited)\b"
    # "who came up with this? 🙄"
    r"|who came up with (?:this|that)\b|a quién se le ocurrió|chi ha avuto (?:questa|sta)"
    r"|quem teve (?:essa|esta)|vem kom på|кто это (?:вообще )?придумал|qui a eu cette"
    r"|wie heeft dit (?:nou )?(?:weer )?bedacht|kto to wymyślił"
    r"|quién (?:ha tenido|tuvo) (?:esta|esa) idea|siapa (?:sih )?yang punya ide|誰がこれ考えた"
    r"|누가 이런 생각을"
    # "is it Friday yet?"
    r"|(?:\S+ ){0,2}(?:yet|ya|já|än|уже|もう|벌써|schon|déjà|già|al|już)\b.{0,12}"
    r"(?:friday|viernes|sexta|fredag|пятница|金曜|금요일|freitag|vendredi|venerdì|vrijdag"
    r"|piątek)|(?:ya|já|уже|もう|벌써|schon|déjà|già|już) (?:es |é |)(?:viernes|sexta|пятница"
    r"|金曜|금요일|freitag|vendredi|venerdì|piątek))",
)
#: What its writer says right after a question that needs no answer: the answer ("Could
#: this meeting have been an email? Yes it could.", "Who's ready for Monday? Not me") or
#: that it asks nothing ("Rhetorical question.", "(not expecting an answer)").
_ANSWERED = re.compile(
    r"^(?:(?:yes|yep|yup|no|nope|nah|of course|obviously|exactly|hardly|probably|definitely"
    r"|absolutely|certainly)(?: not)?|not (?:me|yet|really|likely|a chance)|me (?:too|neither)"
    r"|(?:yeah|yep|yes),? me too|nobody|no ?one|literally (?:everyone|everybody|nobody|no ?one)"
    r"|(?:i )?doubt it|(?:i )?didn['’]t think so|thought (?:not|so)"
    r"|they (?:wouldn['’]t|won['’]t|don['’]t|didn['’]t|can['’]t)|(?:yes|no),? (?:it|they|we|he|she"
    r"|you|i) (?:is|are|was|were|do|does|did|can|could|will|would|should|has|have|am)"
    r"(?:n['’]t| not)?)$"
)
_DISOWNED = re.compile(
    r"^\(?(?:rhetorical\b|not expecting an answer|no need to answer|don['’]t answer\b"
    r"|not a (?:real |serious )?question\b)"
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
    r"|^(?:а )?что (?:меняется|будет)|benieuwd (?:hoeveel|of|wanneer|wat|welke|waarom"
    r"|hoe(?! (?:dit|dat|het|alles) (?:gaat|zal|afloopt|uitpakt|loopt)))"
    r"|graag (?:een |de |het )?(?:lijst|overzicht|info|update|bevestiging)|quid (?:des?|du)"
    r"|(?:prośba|proszę) o (?:info|informacj|list|potwierdz|wyjaśn)|a co z"
    r"|궁금합니다|궁금해요|알고 싶습니다|알려주세요|아시는 분|أود أن أعرف|يا ريت|وماذا عن"
    r"|mohon (?:info|penjelasan)|ingin tahu|ada yang tahu|muốn biết|cho (?:em |tôi )?hỏi"
    r"|cho (?:mình|em|tôi|tớ|anh|chị) xin|có ai biết|जानना चाहत|बताइए|बताएं|किसी को पता"
    # requests to share, send or confirm something ("pásanos las diapos porfa")
    r"|(?:pása(?:me|nos)|pasad|compart(?:e|id|an)|envía(?:me|nos)|mánda(?:me|nos))\b"
    r"|(?:me|nos) (?:confirmas|confirmáis|pasas|pasáis|mandas|mandáis)\b"
    r"|(?:necesito|necesitamos|preciso|precisamos) (?:saber|confirmar|entender)\b"
    r"|(?:pode|podem|podes|podiam|poderiam) (?:compartilhar|partilhar|enviar|mandar"
    r"|confirmar)|me (?:confirma|manda|envia)(?:m)?\b"
    r"|(?:vous pouvez|pourriez-vous|pouvez-vous|tu peux|tu pourrais) (?:partager|envoyer"
    r"|transmettre|confirmer|nous dire|me dire)|(?:on en est|en est-on) où|où en est"
    r"|(?:potete|puoi|potreste|potresti) (?:condividere|mandare|inviare|girare|confermare)"
    r"|(?:mi|ci) confermate?\b|si sa (?:qualcosa|niente|nulla)\b"
    r"|(?:kunnen jullie|kun je|kunt u|kan iemand) (?:\S+ ){0,3}?(?:delen|sturen|doorsturen"
    r"|bevestigen|mailen)\b|graag (?:\S+ ){0,3}?(?:delen|sturen|doorsturen)\b"
    r"|bitte (?:\S+ ){0,3}?(?:teilen|schicken|senden|hochladen|bestätigen|rumschicken)\b"
    r"|(?:podeślij|prześlij|udostępnij|wyślij|potwierdź)(?:cie)?\b"
    r"|(?:kan|kunde) (?:ni|du) (?:dela|skicka|bekräfta|lägga upp)\b|vet nån\b"
    r"|(?:скиньте|пришлите|вышлите|поделитесь|подтвердите|скинь|пришли)\b"
    r"|(?:공유|확인|전달|안내|답변|회신)\s*부탁|^ممكن"
    r"|(?:يرجى|الرجاء|رجاء) (?:مشاركة|إرسال|توضيح|تأكيد)"
    r"|कृपया .*(?:शेयर|भेज|बता|साझा|कन्फर्म)|(?:tolong|mohon|minta) (?:\S+ ){0,2}?(?:share"
    r"|kirim|bagikan|konfirmasi|info|dibagikan|dikirim)\b|^ada kabar\b"
    r"|(?:gửi|chia sẻ) giúp|nhờ (?:anh|chị|mọi người|bạn))"
    # Japanese, Chinese and Thai put no space between words
    r"|教えて(?:ください|下さい)|知りたい|気になります|誰か知って|อยากทราบ|รบกวน|ขอทราบ"
    r"|(?:共有|送付|確認|連絡)(?:して)?(?:ください|下さい|お願い)"
    r"|请问|想知道|想了解|请告知|有人知道|麻烦(?:把|发|分享|确认|告知|说明)|(?:发|分享|确认)一下",
)
#: English questions that end as questions: "vans at home still a thing or not".
_ENDS_ASKING_EN = re.compile(
    r"(?<!whether)(?<!like it) or (?:not|what|nah|no|am i \w+|is it just me)$"
    r"|\s(?:oder nicht|o no|ou não|ou pas|of niet|eller inte|или нет|czy nie|o cambia"
    r"|atau (?:tidak|belum|nggak|enggak|gak)|या नहीं|hay (?:không|chưa)|أم لا)$"
    # "die Zuschläge bleiben, oder ist das auch Teil der Verhandlung"
    r"|(?:,|\s[-–—])\s+oder (?:ist|sind|wird|werden|gilt|bleibt|bleiben|gibt|kommt|zählt)"
    r" (?:das|es|die|der|man)\b",
)
#: A statement with a tag asks for a yes ("We still get the bonus, right"), not a short
#: reply ("Yes, correct").
_TAG_QUESTION = re.compile(r", ?(?:right|correct)$")
_TAG_FEWEST_WORDS = 5
#: What follows a lead-in asks only in a question's clear shape: a question word and an
#: auxiliary ("@Payroll Team when is..."), or an auxiliary and its subject ("honest q -
#: can you..."); not "@Sam when you get a chance", "Shout out to @Ana - who led it".
_AUXILIARY = r"(?:is|are|was|were|do|does|did|will|would|can|could|should|has|have)"
_QUESTION_WORD_FIRST = (
    rf"(?:who|what|when|where|why|how|which)(?:['’]s|s|\s+{_AUXILIARY}\b)"
    r"|any (?:update|news|word|idea|chance)\b"
)
_ASKS_AFTER_LEAD_IN = re.compile(rf"^(?:{_QUESTION_WORD_FIRST}|{_AUXILIARY}\s+{_SUBJECT})")
#: An exclaimed sentence asks only with a question word first: "When are we getting
#: paid!!", not "Did it!" or "Was that an amazing night!".
_EXCLAIMED_ASKING = re.compile(rf"^(?:{_QUESTION_WORD_FIRST})")
#: A question after a comma, "but" or "so": "MFA keeps failing, is there a fix coming",
#: "might be a silly question but what's an OKR".
_ASKS_INSIDE = re.compile(
    r"(?:,|(?<=\w) but|(?<=\w) so|[\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f?)\s+"
    r"(?:(?:who|what|when|where|why|how|which)(?:['’]s"
    rf"|\s+(?:am|{_AUXILIARY})\b)"
    r"|(?:is|are|will|can|could|should|do|does|did)\s+(?:there|we|i|you|they|it|the|our|my"
    r"|this|that|anyone|anybody|someone|somebody)\b|how (?:many|much|long|often|soon)\b)",
)
#: "If my store shuts can I transfer...": a condition, then the question's inversion.
_IF_THEN_ASKING = re.compile(
    r"^if\b[^,]{1,80}?\b(?:can|will|would|should|could|do|does|is|are|am)\s+"
    r"(?:i|we|you|they)\b",
)


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
    """Whether ``text`` asks something: one of its sentences does (:func:`asks`), and its
    writer does not answer it or say it asks nothing in the next (:func:`asks_at`)."""
    said = sentences(text)
    return any(asks_at(said, at) for at in range(len(said)))


def asks_at(said: Sequence[str], at: int) -> bool:
    """Whether the sentence ``at`` of a comment's sentences ``said`` asks (:func:`asks`),
    and the sentence after it neither answers it nor says it asks nothing."""
    return asks(said[at]) and not answered_after(said, at)


def answered_after(said: Sequence[str], at: int) -> bool:
    """Whether the sentence after ``at`` of ``said`` answers it or says it asks nothing
    (it does not itself end in a question mark)."""
    if at + 1 == len(said) or _ends_marked(said[at + 1]):
        return False
    after = " ".join(_trimmed(said[at + 1]).split()).lower()
    return bool(_ANSWERED.match(after) or _DISOWNED.match(after))


def asks(sentence: str) -> bool:
    """Whether one sentence asks something (see the module's docstring)."""
    words = _trimmed(sentence)
    said = " ".join(words.split()).lstrip(_OPENING_MARK).strip()
    low = said.lower()  # the rules are written in lower case: matching is faster so
    if not said or _RHETORICAL.match(low):
        return False
    if _ends_marked(sentence) or _OPENING_MARK in sentence:
        return True
    if _THINKING in sentence[len(words) :] and len(_WORDS.findall(low)) >= 3:
        return True  # "Quid des salariés en CDD 🤔"
    if _final_marks(sentence):  # "Will do!", "만나요!" say; "When are we getting paid!!" asks
        return _EXCLAIMED_ASKING.match(low) is not None and not _OPENS_STATING.match(low)
    if any(_opens_asking(clause.lower(), strict) for clause, strict in _clauses(said)):
        return True
    return bool(
        _ASKS_INDIRECTLY.search(low)
        or _ENDS_ASKING_EN.search(low)
        or (_TAG_QUESTION.search(low) is not None and len(low.split()) >= _TAG_FEWEST_WORDS)
        or _ASKS_INSIDE.search(low)
        or _IF_THEN_ASKING.match(low)
        or elsewhere.asks_by_its_words(said, low)
    )


def questions_among(said: Sequence[str]) -> list[str]:
    """Of a comment's sentences ``said``, those that ask: the ones ending in a question mark
    if any do (what the comment asks in so many words), else those asking without one."""
    asking = [sentence for at, sentence in enumerate(said) if asks_at(said, at)]
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
        return bool(_ASKS_AFTER_LEAD_IN.match(clause) or elsewhere.opens_asking(clause))
    return bool(_OPENS_ASKING.match(clause) or elsewhere.opens_asking(clause))
