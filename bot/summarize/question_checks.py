"""Last checks on an English question–answer pair before a reader sees it: is the question self-contained, and
does its answer answer it without leaving the reader to guess who "he" is?

The patterns that write questions read one sentence at a time, so some of what they write only makes sense with
the article open: a subject that points back ("the pair", "the 46-year-old", "the Midlands city"), a clause cut
where a list went on ("… nominations for Forest Whitaker" when three people were named), a time asked about that
the question itself already states, a question ending on a preposition whose object was removed. And news text
runs photo captions into the next sentence without a full stop ("… after he was beheaded It is the latest
footage"), so an answer can carry half of another sentence. These checks repair what can be repaired for sure
(cut the run-on answer at the caption's end; put the person a "He"/"She" opening stands for in its place) and
refuse the rest: zero pairs is better than a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import lemminflect

from bot.pipeline.language import word_set
from bot.summarize.question_names import EN_NOT_NAMES, EN_TITLES, NAME_PARTICLES, QuestionContext
from bot.summarize.questions_en_apposition import ROLE_HEAD
from bot.summarize.questions_en_facts import PURPOSE_MARKERS

# Heads of a definite description that points back to someone or something named earlier: "the pair",
# "the club", "the Midlands city". A question with one names nothing a reader can place.
_ANAPHORIC_HEADS = word_set(
    """
    pair couple duo trio man woman men women boy girl boys girls child children baby teenager teen youngster
    player players star stars side team club group company firm city town country nation state village
    victim victims suspect suspects driver father mother son daughter husband wife brother sister family
    singer actor actress officer officers shooter gunman attacker defendant pupil student students
    former latter visitors hosts champions champion veteran striker midfielder defender keeper goalkeeper stopper
    manager boss coach chief official spokesman spokeswoman source sources organisation organization agency
    giant brand outlet network retailer carrier airline organisers organizers
    news latest move
    """
)
# "the six" standing alone ("Where were the six arrested?"): the people counted earlier, whom it does not name
# ("the opening two frames", "the next four years" go on to their noun).
_BARE_NUMBER = re.compile(
    r"\bthe\s+(?:two|three|four|five|six|seven|eight|nine|ten)(?=\?|\s+(?:[a-z]+ed|[a-z]+ing|were|was|are|is|"
    r"have|has|had|will|would|could|did|do|of|in|on|at|for|from|with|by|to)\b)"
)
_NOUN_PHRASE_ENDS = word_set(
    """
    of for in on at to by with from into about over under and or but that which who whom is are was were has have
    had will would can could did does do be been after before since than as
    """
)
_DETERMINERS = word_set("the a an its his her their our this that these those each every")
_YEAR_OLD = re.compile(r"\b\d+-year-old\b", re.IGNORECASE)
# "the pair", "the North East city", "the former Chelsea boss", "the 46-year-old": a definite description whose
# head is one of the above and that names no one in full.
_DEFINITE = re.compile(r"\b(?:the|this|that|these|those)(?:\s+[\w'’-]+){1,4}")
# Words a question may not end on once something was cut out after them.
_DANGLING_LAST = word_set(
    "through until till since from to of by for with at in on than into onto over under between among and or but"
)
# Passive templates end on their preposition by design ("What was X charged with?").
_PREPOSITION_ENDINGS_ALLOWED = re.compile(
    r"\b(?:charged with|accused of|convicted of|sentenced to|diagnosed with|known for|nominated for|praised for|"
    r"blamed for|credited with|treated for|inspired by|based on|made of|linked to|famous for|say about|said about)"
    r"\?$"
    # a price: "How much did Christie's sell the manuscript for?"
    r"|^How much (?:did|does|do|was|were|has|have|had|will|is|are)\b.*\b(?:sell|sold|buy|bought|purchase|purchased|"
    r"auction|auctioned|acquire|acquired|sign|signed|rent|rented|lease|leased)\b[^?]*\bfor\?$"
    # an accusation: "What did Mr Hussen accuse police of?"
    r"|^What (?:did|has|have|had)\b.*\baccused?\b[^?]*\bof\?$"
)
_LOCATIVE_END = re.compile(r"\b(?:there|here|then|it|them|him)\?$")
# A time phrase still inside a when-question: what it asks for is already in it.
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_TIME_IN_QUESTION = re.compile(
    rf"\b(?:{_MONTHS}|(?:19|20)\d{{2}}|yesterday|today|tomorrow|tonight|(?:next|last|this)\s+(?:week|month|year|"
    rf"season|{_MONTHS.lower()}|{_MONTHS})|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_WHEN_ANSWER = re.compile(
    rf"\b(?:{_MONTHS}|(?:19|20)\d{{2}}|yesterday|today|tomorrow|tonight|next|last|this|earlier|later|within|"
    rf"ago|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|morning|evening|night|week|month|year|"
    rf"season|spring|summer|autumn|winter|decade|century|soon|end of|Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\b"
    r"|\d\.?\s?[ap]\.?m\b",
    re.IGNORECASE,
)
_FOR_BEFORE = re.compile(r"\bfor(?:\s+(?:next|last|this|the|a|an|the\s+next|the\s+coming))?\s*$", re.IGNORECASE)
_WHY_ANSWER = re.compile(
    r"\b(?:because|due to|as a result|in response|in protest|to protest|for fear|after|following|over "
    rf"(?:claims|allegations|concerns|fears|reports)|for|since|so that|as|caused|amid|{PURPOSE_MARKERS})\b",
    re.IGNORECASE,
)
_DURATION_ANSWER = re.compile(r"\bfor\s+(?:\S+\s+){0,3}(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)\b")
_HOW_ANSWER = re.compile(r"\b(?:by|through|using|with|via)\b", re.IGNORECASE)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|billion|dozens?|hundreds|thousands|millions|twice|half)\b",
    re.IGNORECASE,
)
# Two things joined in one question: "receive … and the Lib Dems £20", "fall … or 0.36%".
_JOINED = re.compile(r"\s(?:and|or)\s+(?:the\s+|a\s+|an\s+)?(?:[A-Z]\w*|[$£€]?\d)")


def _question_words(question: str) -> list[str]:
    return question.rstrip("?").split()


def anaphoric_phrase(text: str, ctx: QuestionContext) -> str | None:
    """The first phrase in `text` that points back instead of naming ("the pair", "the 46-year-old", "the
    bluesman"), if any.

    A description that goes on to a name ("the club's owner Mike Ashley", "the city of Leeds") names someone.
    """
    if year_old := _YEAR_OLD.search(text):
        return year_old.group(0)
    if bare_number := _BARE_NUMBER.search(text):
        return bare_number.group(0)
    for match in _DEFINITE.finditer(text):
        words = match.group(0).split()
        for position, word in enumerate(words[1:], start=1):
            if word.lower() in _NOUN_PHRASE_ENDS:
                break  # "this season for": the phrase ended
            if word[:1].isupper():
                continue  # "the French duo", "the Baggies player"; "the Labour leader Keir Starmer" goes on to a name
            lowered = word.lower().strip("'’")
            singular = lowered[:-1] if lowered.endswith("s") else lowered
            person_role = words[0] == "the" and (
                bool(ROLE_HEAD.fullmatch(singular)) or singular.endswith(("man", "men"))
            )
            if lowered not in _ANAPHORIC_HEADS and not person_role:
                continue
            if not _named_after(text[match.start() :].split()[position + 1 : position + 3]):
                return " ".join(words[: position + 1])
            break
    return None


def _named_after(following: list[str]) -> bool:
    """ "the striker Harry Kane", "the city of Leeds": the words after a description name it."""
    if following and following[0][:1].isupper():
        return True
    linked = len(following) > 1 and following[0].lower() in {"of", "at", "in", "for", "from"}
    return linked and following[1][:1].isupper()


def question_is_self_contained(question: str, kind: str, ctx: QuestionContext, subject: str = "") -> bool:
    """The question names what it asks about and reads as a whole sentence on its own.

    `subject` is who or what the question is about, as written in it: an "and" inside it ("Aldi and Lidl") is
    not two clauses joined."""
    if anaphoric_phrase(question, ctx) is not None:
        return False
    words = _question_words(question)
    if not words:
        return False
    if words[-1].lower().strip(",") in _DANGLING_LAST and not _PREPOSITION_ENDINGS_ALLOWED.search(question):
        return False  # "When does X expect to produce three rockets through?": its object was the answer
    if _LOCATIVE_END.search(question) or (kind != "speech" and re.search(r"\b(?:there|here)\b", question)):
        return False  # "Why was McCain held there?": where, only the article knows
    if re.search(r"[,;:]\?$|\s[,;:]|\s[-–—]\?$", question) or "  " in question:
        return False
    glued = re.search(r"\b(?P<before>[a-z]+) [A-Z][a-z]+ [a-z]+\?$", question)
    if glued and kind != "speech" and glued.group("before") not in _NOUN_PHRASE_ENDS | _DETERMINERS:
        return False  # "… in private and public sectors Survival expert?": a caption glued on
    if re.search(r"\b[A-Z]{7,}\b", question):
        return False  # "What happened to NORTHAMPTON V SARACENS Courtney Lawes?": a heading glued on
    if re.search(r"\b(?:on|in|at|by|from)\s+to\b", question):
        return False  # "holding an event on to highlight …": the date between them was cut out
    if re.search(r"\s(?:said|says|told|reported|added|claimed)\?$", question) and kind != "speech":
        return False  # "Who interviewed the officer police said?": an attribution glued to the clause
    if kind == "when" and _TIME_IN_QUESTION.search(question.split(" ", 1)[1] if " " in question else ""):
        return False  # "When will … come down to next March's playoffs?": the time is already asked
    if kind == "how many" and re.search(r"\d", question):
        return False  # "How much were analysts expecting a share on revenue of $27.53 billion?": two amounts
    if subject and subject.split()[-1].strip(".").lower() in EN_TITLES | NAME_PARTICLES:
        return False  # "Who is Medical Officer Dr?", "Who is Louis Van?": the name was cut short
    if _DEICTIC_TIME.search(question):
        return False  # "What did judge Stephen Kramer QC today order?": "today" was the article's day
    if any(_written_lower(word, ctx) for word in words[1:]):
        return False  # "When does microsoft expect …?", "What did archer-Bradshaw say …?"
    # "How many saves did Rask make and New Jersey native Clifton added a goal?"
    predicate = question.replace(subject, "", 1) if subject else question
    return kind in {"speech", "definition", "identity"} or not _JOINED.search(predicate)


_DEICTIC_TIME = re.compile(r"\b(?:today|yesterday|tonight|tomorrow|last night|this morning)\b", re.IGNORECASE)


_QUESTION_FRAME = word_set(
    """
    what who whom why how when where which did does do is are was were has have had will would can could should
    might may must say tell about to the a an of in on at for by with from many much long happened
    """
)


def _written_lower(word: str, ctx: QuestionContext) -> bool:
    """A name the question spells in lower case: the article writes it capitalised and never in lower case
    ("microsoft"), or it is a hyphenated name whose first part lost its capital ("archer-Bradshaw")."""
    word = word.strip("?,.'’\"")
    if not word[:1].islower() or word in _QUESTION_FRAME:
        return False  # the question's own words: an article that writes "Did" only in a heading has no name "Did"
    if "-" in word and any(part[:1].isupper() for part in word.split("-")[1:]):
        return True
    return word.capitalize() in ctx.proper and word not in ctx.common


_QUOTED = re.compile(r"(?:^|\s)['‘\"“](?P<quoted>[\w’'-]+(?:\s[\w’'-]+){0,2})['’\"”](?=[\s,.;:!?]|$)")


# A quotation that opens by answering the reporter's question, or pointing back at something unsaid.
_ANSWERS_AN_UNSEEN_QUESTION = re.compile(
    r"^['‘\"“](?:No|Yes|Yeah|Nope|Well|Because|That|That['’]s|Absolutely|Definitely|Exactly|Sure)\b"
)


# Two words in capitals of four letters or more, side by side or across a "v"/"vs": a heading ("WASPS v EXETER"),
# not an acronym.
_HEADING = re.compile(r"\b[A-Z]{4,}(?:\s+(?:v|vs|VS|V)\.?)?\s+[A-Z]{4,}\b")


def answer_answers(question: str, answer: str, kind: str) -> bool:
    """The answer holds what the question's kind asks for: a reason, a means, a time or a number; and the
    question does not turn a word the article only quotes into its own ("the economy 'excites' millions")."""
    if re.search(r"\s[.,;:]$", answer.rstrip("'’\"”")) or not answer.rstrip("'’\"”)]").endswith((".", "!", "?", "…")):
        return False  # the text breaks off: "… while MSCI's gauge of stocks across the globe ."
    if _HEADING.search(answer):
        return False  # "WASPS v EXETER (SUNDAY: Ricoh Arena, 2pm) Nathan Hughes will …": a heading ran into it
    if kind == "definition" and answer.rstrip("'’\"”").endswith("!"):
        return False  # "The GROW stage is a pretty amazing place to be!": an exclamation, not a definition
    if _ANSWERS_AN_UNSEEN_QUESTION.match(answer):
        return False  # "'No, not really,' Scott said": the reporter's question is not on the page
    stems = {w.lower()[:5] for w in re.findall(r"[\w’'-]{4,}", question)}
    for match in _QUOTED.finditer(answer):
        quoted = match.group("quoted").lower()
        if quoted[:5] in stems and kind not in {"speech", "definition", "identity"}:
            return False
    if kind == "why":
        return bool(_WHY_ANSWER.search(answer))
    if kind == "how":
        return bool(_HOW_ANSWER.search(answer))
    if kind == "when":
        # "… their hopes of securing their status for next season": a time the answer's object is for, not when
        return any(not _FOR_BEFORE.search(answer[: m.start()]) for m in _WHEN_ANSWER.finditer(answer))
    if kind == "how long":
        return bool(_DURATION_ANSWER.search(answer))
    if kind == "how many":
        numbers = _NUMBER.findall(answer)
        return bool(numbers) and not re.search(r"\bseveral\b|\ba number of\b", answer, re.IGNORECASE)
    return True


# --- run-on answers -------------------------------------------------------------------------------------------

# A new sentence glued to the previous one without a full stop: a word that cannot end a sentence is excluded
# before it ("the", "of", "said"), and the new sentence opens with a word that usually opens one.
_RUN_ON = re.compile(
    r"(?<=[a-z0-9%’'\)])\s+(?=['‘\"“]?(?:The|It|It['’]s|He|She|They|We|His|Her|Their|Its|This|That|These|Those|There|"
    r"But|However|A|An|In|On|At|By|During|Since|Despite|When|After|Before|If|As|Meanwhile|Family|Iconic|Now|Then|Last|"
    r"Earlier)[\s,])"
    # or a name and its verb right after a lower-case word: "… for being pregnant Lizzi had reached …"
    r"|(?<=[a-z])\s+(?=[A-Z][a-z]+\s+(?:had|has|was|is|were|are|will|would|said|says)\b)"
    # or a titled name and its past-tense verb: "… under the plan Former Deputy Prime Minister John Prescott offered"
    # (not a participle that goes on describing the name: "the firm Acme Widgets Limited owned by …")
    r"|(?<=[a-z])\s+(?=(?:[A-Z][\w'’-]+\s+){2,6}"
    r"(?!(?:owned|based|called|named|located|founded|backed|funded|listed|headed|linked|used)\b)[a-z]+ed\b)"
    # or a name with a photo caption's pointer right after a lower-case word: "… eruptions Mr Cervantes (shown
    # above) spent …"
    r"|(?<=[a-z])\s+(?=(?:[A-Z][\w'’-]+\s+){1,5}\((?:pictured|shown|above|below|left|right|centre|center|inset)\b)"
)
_STARTERS = ("The ", "It ", "He ", "She ", "They ", "This ", "That ", "But ", "However", "In ", "A ", "An ")
_OPENS_SENTENCE = re.compile(r"(?:The|It|He|She|They|We|His|Her|Their|Its|This|These|Those|There|But|However)\s")
_NO_SENTENCE_END_BEFORE = word_set(
    """
    the a an of in on at to by for with from and or but that said says told than as is was are were be been
    has have had will would could should may might can did does do not its his her their our this these
    into onto over under about after before during since until via per named called whether when while
    because if although though unless where how why what who nor so like including against told asked
    """
)


_QUESTION_OPENERS = frozenset({"What", "Who", "When", "Why", "How", "Where", "Which"})


def _inside_single_quotes(text: str) -> bool:
    """More straight single quotes opened than closed ("'Even after all he's been through James is …")."""
    opened = len(re.findall(r"(?:^|\s)'(?=\w)", text))
    closed = len(re.findall(r"[\w.,!?\"”]'(?=\s|$|[,.;:])", text))
    return opened > closed


def cut_run_on(answer: str, question: str) -> str | None:
    """The answer with a glued-on second sentence cut off, or None when the question belongs to that part.

    "Lizzi dropped over 7st after a stranger mistook her for being pregnant Lizzi had reached a size 24" →
    "Lizzi dropped over 7st after a stranger mistook her for being pregnant."
    """
    for match in _RUN_ON.finditer(answer):
        before = answer[: match.start()]
        last = before.split()[-1].lower().strip("'’,") if before.split() else ""
        opens_sentence = bool(_OPENS_SENTENCE.match(answer[match.end() :]))
        if not before.split() or (before.split()[-1][:1].isupper() and not opens_sentence):
            continue  # "Steven Camarota said": one name, not a sentence end
        if re.search(r",[’'\"”]$", before):
            continue  # "'…,' Mrs Creag said": the attribution of a quotation
        if last in _NO_SENTENCE_END_BEFORE or before.count('"') % 2 or before.count("“") > before.count("”"):
            continue  # inside a quotation: its sentences are the speaker's, not glued captions
        if before.count("‘") > before.count("’") - len(re.findall(r"\w’\w", before)) or _inside_single_quotes(before):
            continue
        if len(before.split()) < 5:
            continue
        if ROLE_HEAD.fullmatch(last) and not answer[match.end() :].startswith(_STARTERS):
            continue  # "while midfielder Hammond has …": a role before a name, not a sentence end
        content = [w for w in re.findall(r"[A-Za-z][\w'’-]{3,}", question)]
        in_first = sum(1 for w in content if w.lower() in before.lower())
        in_rest = sum(1 for w in content if w.lower() in answer[match.end() :].lower())
        if in_rest > in_first:
            return None
        before = before.rstrip(" ,;:")
        return before if re.search(r"[.!?…][\"'’”]*$", before) else before + "."
    return _cut_at_seam(answer, question)


# A weekday then a full name and its verb: "… at the Amsterdam Arena on Tuesday Gerard Pique fouled …".
_WEEKDAY_SEAM = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)( )(?=[A-Z][a-z]+ [A-Z][\w'’-]+ [a-z])"
)


# A capitalised word and the space after it; `_cut_at_seam` checks that the question's name follows, at a word
# boundary, with these two static patterns rather than a pattern compiled per name.
_CAPITALISED_THEN_SPACE = re.compile(r"\b(?P<word>[A-Z][\w'’-]*)( )")
_BOUNDARY = re.compile(r"\b")


def _cut_at_seam(answer: str, question: str) -> str | None:
    """ "Karim Benzema has been ruled out of the match against Malaga Benzema was injured …": the question's
    name comes back glued to another capitalised word, where a caption or the next sentence was run on; or a
    weekday runs straight into a name and its verb."""
    seam = _WEEKDAY_SEAM.search(answer)
    if seam and len(answer[: seam.start(1)].split()) >= 5:
        return answer[: seam.start(1)] + "."
    names = {w for w in re.findall(r"\b[A-Z][a-z][\w'’-]{2,}", question) if w not in _QUESTION_OPENERS}
    for name in names:
        for match in _CAPITALISED_THEN_SPACE.finditer(answer):
            if not answer.startswith(name, match.end()) or not _BOUNDARY.match(answer, match.end() + len(name)):
                continue
            word = match.group("word")
            if word in names or word.lower().strip(".") in EN_TITLES or word.endswith(("'s", "’s")):
                continue  # "Karim Benzema", "Mr Benzema", "Madrid's Benzema": the name as written, no seam
            following = answer[match.end(2) + len(name) :].split()[:1]
            if following and following[0][:1].isupper() and not _OPENS_SENTENCE.match(following[0] + " "):
                continue  # "Southern California Edison": a longer name goes on, no seam
            before = answer[: match.start(2)]
            if before.count(name) and len(before.split()) >= 5:
                return before.rstrip(" ,;:") + "."
    return answer


# --- pronouns opening an answer -------------------------------------------------------------------------------

_OPENING_THEY = re.compile(r"^(?P<intro>(?:[^,]{3,60},\s+)?)(?:They|they)\s+(?=(?:said|say|added|told|warned)\b)")
_OPENING_PRONOUN = re.compile(r"^(?P<intro>(?:[^,]{3,60},\s+)?)(?P<pronoun>He|She|he|she)\s+(?=[a-z])")
# Openings that point back and cannot be resolved safely: the reader would not know what they stand for.
_UNRESOLVABLE_OPENING = re.compile(
    r"^(?:It|They|This|That|These|Those|There|We|I|You|His|Her|Their|Its|Such|Both|Neither|Another|Others|"
    r"The (?:group|team|company|firm|club|agency|organisation|organization|pair|couple|duo|man|woman|boy|"
    r"girl|star|player|side|move|decision|report|study|city|country|former|latter|\d+-year-old|"
    r"[a-z]+(?:\s+[a-z]+)?\s+(?:said|says|added)))\b"
)
_PERSON = re.compile(
    r"(?<![\w’'])(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Lord|Lady)\.?\s+)?"
    r"(?P<name>[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]*[.'’]?[A-Za-z]*){0,2}?\s+"
    r"(?P<last>[A-Z](?:[a-z]+|['’][A-Z][a-z]+)(?:-[A-Z]?[a-z]+)?))(?![\w])"
)
_ORGANISATION_WORDS = word_set(
    """
    agency council ministry department company corporation university party office group bank court committee
    commission association institute foundation union league club team government police service
    administration board authority organisation organization inc ltd fc city united airport airlines hospital
    school college street road park river house news times post daily mail journal network national federal
    army navy corps marines force forces guard brigade regiment battalion
    county castle palace casino arena stadium centre center hotel island valley
    """
)
_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr")
# Words right before a capitalised pair that make it a place or a thing: "in Leicester West", "his Jackdaws
# Castle yard".
_NOT_BEFORE_A_PERSON = word_set("in at near outside inside into from his her their its our my your")
# Capitalised words of an office before a name: "Prime Minister Narendra Modi", "First Minister Nicola Sturgeon".
_OFFICE_WORDS = word_set(
    """
    prime minister first deputy president vice secretary chancellor chief general governor mayor senator
    attorney judge justice chairman chairwoman director commissioner inspector detective sergeant captain
    coach manager professor
    """
)
_PLACE_WORDS = word_set("north south east west new san los las el st saint fort port mount lake")


# A whole word as the name patterns read one (letters, digits, apostrophes, hyphens): "Hughes" in "Hughes'" is not
# the word, "Hughes" in "Mr Hughes," is. One compiled pattern, not one per surname (compiling was a tenth of the
# question generator's time).
_WORD_RUN = re.compile(r"[\w'’-]+")


def persons_named(text: str, ctx: QuestionContext) -> list[str]:
    """People a sentence names, as written ("Ellen Stofan", "Mr Hussen"), in order: two or more capitalised
    words that are not an organisation, a place opener or a weekday, or a title with a surname, or a surname
    the article writes elsewhere with its first name."""
    found: list[str] = []
    for match in _PERSON.finditer(text):
        words = match.group(0).split()
        lowered = [w.lower().strip(".'’") for w in words]
        if any(w in _ORGANISATION_WORDS or w in EN_NOT_NAMES for w in lowered):
            continue
        if lowered[0] in _PLACE_WORDS:
            continue
        preceding = text[: match.start()].split()[-1:]
        if preceding and preceding[0].lower() in _NOT_BEFORE_A_PERSON:
            continue  # "at Caesars Palace", "his Jackdaws Castle yard": a place or a thing, not a person
        following = text[match.end() :].split()[:1]
        if following and following[0].isalpha() and following[0].islower() and _only_a_noun(following[0]):
            continue  # "his former Leicester West constituency": the name of a place before a noun
        while len(words) > 2 and lowered[0] in _OFFICE_WORDS:
            words, lowered = words[1:], lowered[1:]  # "Prime Minister Narendra Modi" → "Narendra Modi"
        if lowered[0] in _OFFICE_WORDS or lowered[-1] in _OFFICE_WORDS:
            continue  # "Prime Minister", "Minister Nicola": an office cut from its holder's name
        if match.start() == 0 and ctx.is_common(words[0]) and lowered[0] not in EN_TITLES:
            words = words[1:]  # "Police Chief Tom Ray": the common word is the sentence's capital, not a name
            if len(words) < 2:
                continue
        if any(ctx.is_common(w) and w.lower().strip(".") not in EN_TITLES for w in words[-2:]):
            continue
        found.append(" ".join(words))
    text_words = set(_WORD_RUN.findall(text))
    for surname in sorted(ctx.surnames & text_words):
        if surname.lower() in _ORGANISATION_WORDS or surname.lower() in _OFFICE_WORDS:
            continue  # "Marine Corps": the last word of an organisation's name, not a surname
        alone = [
            m
            for m in _WORD_RUN.finditer(text)
            if m.group() == surname
            and (
                not re.search(r"[A-Z][\w'’.-]*\s+$", text[: m.start()])
                or re.search(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+$", text[: m.start()])
            )
        ]
        if not alone and not any(p.endswith(surname) for p in found):
            continue  # "Caesars Palace", "Los Angeles": the last word of a longer name, not someone's surname
        titled = [f"{title} {surname}" for title in _TITLES if f"{title} {surname}" in text]
        found += titled
        if not titled and not any(p.endswith(surname) for p in found):
            found.append(surname)
    return found


def _only_a_noun(word: str) -> bool:
    """The lexicon knows `word` only as a noun ("constituency", "yard"), not as a verb or an adverb."""
    lemmas = lemminflect.getAllLemmas(word.lower())
    return bool(lemmas) and set(lemmas) <= {"NOUN"}


def _surname(name: str) -> str:
    return name.split()[-1].strip(".'’")


# A sentence about an unnamed "he"/"she" already: a name in it is somebody else (an opponent, a victim).
_PRONOUN_SUBJECT = re.compile(r"^[\"'“‘]?(?:He|She|His|Her)\s")


def resolve_person(preceding: Sequence[str], ctx: QuestionContext) -> str | None:
    """The one person the nearest preceding sentence that names anybody names; None when it names several
    (or no sentence in `preceding`, nearest last, names anyone)."""
    for text in reversed(preceding):
        people = persons_named(text, ctx)
        if not people:
            continue
        if _PRONOUN_SUBJECT.match(text):
            return None  # "His last fight was a win over Gene Pukall.": the person named is not the one "he" is
        distinct = {_surname(p) for p in people}
        owners = {m.group(1) for m in re.finditer(r"\b([A-Z][a-z]+)['’]s\b", text) if m.group(1) in ctx.proper}
        distinct |= {o for o in owners if not any(o in p.split() for p in people)}
        if len(distinct) != 1:
            return None
        return min(people, key=lambda p: (len(p.split()) < 2, -len(p)))
    return None


def resolve_answer(
    answer: str, question: str, preceding: Sequence[str], ctx: QuestionContext, known: str | None = None
) -> str | None:
    """The answer with an opening "He"/"She" replaced by the person it stands for, the answer unchanged when it
    opens with no pronoun, None when it opens with one that cannot be resolved safely.

    `known` is who the pronoun was already resolved to when the question was made (the speaker of "he said",
    the subject of "He joined …"): the question names them, so the answer says the same name; a "They" that
    was resolved so ("They said …" after officials spoke) is replaced too.
    """
    if known and (plural := _OPENING_THEY.match(answer)):
        return f"{plural.group('intro')}{_opening(known, plural.group('intro'))} {answer[plural.end() :]}"
    if _UNRESOLVABLE_OPENING.match(answer):
        return None
    match = _OPENING_PRONOUN.match(answer)
    if not match:
        return answer
    person = known or resolve_person(preceding, ctx)
    if person is None:
        return None
    named_in_question = persons_named(question, ctx)
    if named_in_question and _surname(person) not in {_surname(p) for p in named_in_question}:
        return None  # the question is about someone else: the "he" is not who it asks about
    return f"{match.group('intro')}{_opening(person, match.group('intro'))} {answer[match.end() :]}"


def _opening(name: str, intro: str) -> str:
    """The name as it reads where the pronoun stood: capitalised when it opens the answer."""
    return name if intro else name[:1].upper() + name[1:]
