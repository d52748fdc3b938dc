"""English questions about the facts a sentence states: why, how, how many / how much, when, who and what.

Each kind looks for the words in a sentence that answer it and asks for exactly those, rebuilding the rest of the
main clause (`english_clause`) into the question:
- why: a reason clause ("because …", "due to …", "after …" following an arrest or a resignation) →
  "Why did the city double the night ferry service?";
- how: a means ("by collecting rainwater") → "How did Louis Jordan survive?";
- how many / how much: a number with its unit as object or subject, an amount of money, a percentage change →
  "How many people used the night boats this summer?", "How much did Stripe raise?";
- when: a date, a month or year, "next month", "within a decade", for what will happen or a dated event →
  "When will the sleeper train start running?";
- what: a named subject doing something to an object worth asking about → "What did NASA release?";
- who: a named person as the subject of an action → "Who scored the winning goal?".
The question must name its subject or topic (a name, or a term the article keeps using), contain no pronoun it
cannot resolve, and stay short; otherwise that kind is not asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lemminflect

from bot.summarize.english_clause import BE_FORMS, MODALS, Clause
from bot.summarize.english_verbs import PERSON_OBJECT_VERBS, SPEECH_FORMS, THING_OBJECT_VERBS, verb_reading
from bot.summarize.language import WORD_RE, word_set
from bot.summarize.question_names import EN_TITLES, QuestionContext, is_upper_start, looks_like_name

MAX_REST_WORDS = 10
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|"
    "dozens\\s+of|hundreds\\s+of|thousands\\s+of|millions\\s+of|several|a\\s+dozen|scores\\s+of"
)
_QUALIFIER = (
    r"(?:(?:more|less|fewer)\s+than|nearly|almost|about|around|over|roughly|some|up\s+to|at\s+least|"
    r"an\s+estimated|a\s+total\s+of|just|only|another|a\s+further|a\s+record|as\s+many\s+as)\s+"
)
_NUMBER = rf"(?:\d[\d,.]*|{_NUMBER_WORDS})(?:\s+(?:million|billion|thousand|hundred|trillion))?"
_COUNT_START = re.compile(rf"^(?:{_QUALIFIER})?{_NUMBER}\s+(?P<words>.*)$", re.IGNORECASE)
_OF_PHRASE = re.compile(r"^of\s+(?:[a-z][\w-]*\s+)?[a-z][\w-]*(?=[\s,.;]|$)")


@dataclass(frozen=True, slots=True)
class _Count:
    unit: str  # "jobs", "new homes", "tons of food"
    after: str  # the words after the counted phrase


def _count(text: str) -> _Count | None:
    """A number and what it counts at the start of `text`: "200 new jobs at its plant" → ("new jobs", "at its
    plant"). The unit ends at its first plural word, at most three words in; "tons of food" keeps its "of"."""
    match = _COUNT_START.match(text)
    if not match:
        return None
    words = match.group("words").split()
    for end in range(min(3, len(words))):
        word = words[end].rstrip(",.;:")
        if not re.fullmatch(r"[a-z][\w-]*", word) or word in _DANGLING_ENDS or word in _NOT_UNITS:
            return None
        if (word.endswith("s") and not word.endswith("ss")) or word in _IRREGULAR_PLURALS:
            unit_words = [w.rstrip(",.;:") for w in words[: end + 1]]
            after = " ".join(words[end + 1 :])
            if words[end] != word:  # punctuation right after the unit
                return _Count(" ".join(unit_words), after)
            of_phrase = _OF_PHRASE.match(after)
            if of_phrase:
                unit_words.append(of_phrase.group(0))
                after = after[of_phrase.end() :].strip()
            return _Count(" ".join(unit_words), after)
    return None


_MONEY = re.compile(
    rf"^(?:{_QUALIFIER})?(?:(?:US|A|C|NZ|HK)?[$£€¥₹]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|bn|m|k)\b)?|"
    rf"\d[\d,.]*\s+(?:million\s+|billion\s+)?(?:dollars|euros|pounds|yen|francs|rupees|yuan))(?P<after>.*)$"
)
_PERCENT = re.compile(rf"^(?P<by>by\s+)?(?:{_QUALIFIER})?\d[\d,.]*\s?(?:%|percent\b|per\s+cent\b)(?P<after>.*)$")
_CHANGE_VERBS = word_set(
    "rise fall increase decrease drop grow climb jump surge slump decline gain lose cut raise shrink plunge soar "
    "slide dip tumble fall rally"
)
_TIME_UNITS = word_set("years days months weeks hours minutes seconds decades centuries times")
# Plurals without an -s: "200 people", "three men", "four children".
_IRREGULAR_PLURALS = word_set("people men women children police staff crew feet teeth mice geese sheep cattle")
_NOT_UNITS = word_set("per cent percent more less other those these")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_SEASONS = "spring|summer|autumn|fall|winter"
_SPAN_UNITS = "days?|weeks?|months?|years?|decades?|decade"
# A time phrase with the preposition that introduces it: what a when-question removes from the sentence.
_TIME = re.compile(
    rf"(?:^|\s)(?P<time>"
    rf"(?:(?:in|by|before|from|during|of)\s+)?(?:(?:early|late)\s+|mid-?|the\s+end\s+of\s+)?"
    rf"(?:(?:{_MONTHS})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+(?:19|20)\d{{2}})?|(?:19|20)\d{{2}})"
    rf"|(?:by\s+)?(?:next|later\s+this|early\s+next|late\s+next)\s+(?:week|month|year|season|{_SEASONS}|decade)"
    rf"|(?:by\s+)?(?:this|next)\s+(?:{_SEASONS})"
    rf"|by\s+the\s+end\s+of\s+(?:the|this|next)\s+(?:year|month|decade|week)"
    rf"|within\s+(?:a|the\s+next|\d+|two|three|four|five|six|ten)\s+(?:{_SPAN_UNITS})"
    rf"|on\s+(?:{_WEEKDAYS})(?:\s+(?:morning|afternoon|evening|night))?"
    rf")(?=$|[\s,.;])"
)
_SPECIFIC_DATE = re.compile(rf"(?:19|20)\d{{2}}|\b(?:{_MONTHS})\b|next|within|end\s+of|this\s+(?:{_SEASONS})")
_WHY = re.compile(
    r"(?:,\s*|\s)(?P<marker>because(?:\s+of)?|due\s+to|as\s+a\s+result\s+of|in\s+response\s+to|"
    r"in\s+protest\s+(?:at|against|over)|to\s+protest|for\s+fear\s+(?:of|that)|after|following|"
    r"over\s+(?:claims|allegations|concerns|fears|reports))\b"
)
# "after"/"following" give a reason only to verbs of consequence ("was arrested after …", "resigned after …").
_TEMPORAL_MARKERS = word_set("after following over")
_CONSEQUENCE_VERBS = word_set(
    """
    arrest ban sack fire suspend charge fine jail close cancel quit resign apologise apologize withdraw evacuate
    recall halt delay postpone drop expel dismiss criticise criticize condemn sue investigate hospitalise
    hospitalize rescue kill injure die shut remove scrap reject defend warn leave retire step vow recover
    surrender flee
    """
)
_REPORTING_LEMMAS = frozenset(SPEECH_FORMS.values()) | word_set("tell report announce confirm reveal insist claim")
_NAMING_VERBS = word_set("name call model style base design rename")
_HOW = re.compile(r"(?:,\s*|\s)by\s+(?P<means>[a-z]+ing)\b")
# Where the part of a clause that a question keeps ends.
_REST_BOUNDARY = re.compile(
    r",|;|:|\s[-–—]\s|\s(?:because|after|which|who|whom|whose|while|when|as|but|where|although|though|since|"
    r"saying|adding|noting|including|according|despite|amid|following|until|before|so|if|than|and\s+(?:said|is|was|"
    r"will|has|had|have|are|were))\b"
)
_ANOTHER_CLAUSE = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would)\b")
_DANGLING_ENDS = word_set(
    "the a an of to in on at for with by from and or but his her their its our this that these those as into "
    "about than over under more most very so such"
)
# Pronouns a question cannot carry; "this"/"these"/"those" only standing alone ("this summer" is fine).
_PERSONAL_PRONOUNS = re.compile(
    r"\b(?:he|she|him|they|them|it|we|us|i|me|you|itself)\b|\b(?:this|these|those)\b(?!\s+[a-z])"
    r"|\bher\b(?=\s*$|\s+(?:with|to|for|from|in|on|at|by|of|as|after|before|and|or)\b)"
)
_POSSESSIVES = re.compile(r"\b(?:his|her|their|its|our|my|your)\b")
_SUBJECT_PRONOUNS = word_set("he she")
_UNUSABLE_SUBJECTS = word_set(
    "it they we i you this that these those there here one others some many most all both each someone something"
)
_ORGANISATION_WORDS = word_set(
    """
    agency council ministry department company corporation university party office group bank court committee
    commission association institute foundation union league club team government police service administration
    board authority organisation organization inc ltd fc newspaper magazine times post news daily channel
    network radio tv paper journal
    """
)
_QUESTION_WORDS = word_set(
    "what why how when who whom which many much did does do is are was were has have had will would can could "
    "should may might must the a an of to in on at for with by from and or"
)


@dataclass(frozen=True, slots=True)
class FactQuestion:
    kind: str
    question: str
    subject: str


def _boundary(text: str) -> int:
    """Where the first clause boundary of `text` (a clause remainder, with a leading space) is."""
    match = _REST_BOUNDARY.search(text)
    end = match.start() if match else len(text)
    for coordination in re.finditer(r"\sand\s+(?P<next>[a-z]+)", text[:end]):
        following = coordination.group("next")
        reading = verb_reading(following)
        if following.endswith("ly") or (reading is not None and reading.tags & {"VBD", "VBZ"}):
            return coordination.start()  # "finished sixth and actually led …": a second verb phrase
    return end


def trim_rest(text: str) -> str | None:
    """The part of a clause's remainder that a question keeps: up to the first clause boundary, at most ten
    words, not ending on a word that needs something after it. None when that is not possible."""
    kept = (" " + text)[: _boundary(" " + text)]
    words = kept.split()
    while words and words[-1].lower().strip(".,;:") in _DANGLING_ENDS:
        words.pop()
    if len(words) > MAX_REST_WORDS:
        return None
    kept = " ".join(words).strip(" ,;:.")
    if _ANOTHER_CLAUSE.search(kept) or re.search(r"\.\s+[A-Z]", kept):
        return None  # "played in court Chancey Luna has been charged": two sentences run together
    if any(c in kept for c in '"“”‘’«»()[]') or kept.count("'") > (kept.count("'s") + kept.count("s'")):
        return None  # a quotation cut in half
    return kept


def _usable_rest(rest: str) -> bool:
    return not _PERSONAL_PRONOUNS.search(rest)


def subject_in_question(clause: Clause, ctx: QuestionContext, resolved_person: str | None) -> str | None:
    """The clause's subject as it should read inside a question, or None when it names nothing usable.

    "He"/"She" becomes the person named just before (`resolved_person`); other pronouns, possessive openers
    ("His lawyer") and long or quoted subjects give None. A common word that opens the sentence is lowered
    ("The city" → "the city", "Police" → "police") unless it is a name, an acronym or a title.
    """
    raw = clause.subject.strip(" ,")
    tokens = raw.split()
    lowered = [t.lower().strip(".,") for t in tokens]
    if len(tokens) == 1 and lowered[0] in _SUBJECT_PRONOUNS:
        return resolved_person
    if not tokens or len(tokens) > 9 or lowered[0] in _UNUSABLE_SUBJECTS or lowered[0] in _POSSESSIVE_WORDS:
        return None
    if lowered[0] in _SUBJECT_OPENERS_REFUSED or lowered[-1] in _DANGLING_ENDS or not _starts_a_noun_phrase(tokens):
        return None
    if any(t in _FIRST_PERSON for t in lowered):
        return None  # "the bulk of my time": whose, a colleague reading the question cannot tell
    if any(t in {"–", "—", "-", "--"} for t in tokens) or any(
        lowered[i] in {"the", "a", "an"} and lowered[i - 1] not in _PREPOSITION_WORDS for i in range(1, len(lowered))
    ):
        return None  # "Tuesday the original lyrics", "1942 – the prisoners": two phrases run together
    if any(c in raw for c in '"“”«»()[]:;') or any(t in _UNUSABLE_SUBJECTS - {"one"} for t in lowered[1:2]):
        return None
    first = tokens[0]
    bare = re.sub(r"['’]s$", "", first.strip(",.'’"))
    keep_capital = (
        looks_like_name(bare)
        or first.lower().strip(".") in EN_TITLES
        or (lowered[0] not in {"the", "a", "an"} and not ctx.is_common(bare))
        or (len(tokens) > 1 and is_upper_start(tokens[1]) and lowered[0] not in {"the", "a", "an"})
    )
    if not keep_capital:
        tokens[0] = first[:1].lower() + first[1:]
    return " ".join(tokens)


_POSSESSIVE_WORDS = word_set("his her their its our my your")
_SUBJECT_OPENERS_REFUSED = word_set(
    "no none nobody neither few as if when while although though because since after before once unless until "
    "gone apart not"
)
_FIRST_PERSON = word_set("my our your me us i we you")


def _starts_a_noun_phrase(tokens: list[str]) -> bool:
    """A capitalised word, a number, or a word the lexicon knows as a noun or determiner ("Gone is …" is not)."""
    first = tokens[0].strip("\"'“‘(").rstrip(",.")
    if not first:
        return False
    if first[:1].isdigit() or looks_like_name(first):
        return True
    lowered = first.lower()
    if lowered in _NP_OPENERS or lowered in {"the", "a", "an", "this", "that", "these", "those"}:
        return True
    if first[:1].islower():
        return False  # the sentence opens in lower case after an introduction we could not read
    lemmas = lemminflect.getAllLemmas(lowered)
    return not lemmas or "NOUN" in lemmas or "PROPN" in lemmas or len(tokens) > 1


def _names_something(text: str, ctx: QuestionContext, salient: int) -> bool:
    """A name in `text`, or at least `salient` terms the article uses more than once."""
    words = WORD_RE.findall(text)
    if any(w in ctx.proper or looks_like_name(w) for w in words):
        return True
    return sum(1 for w in words if len(w) > 2 and ctx.term_counts.get(ctx.tools.stem(w.lower()), 0) >= 2) >= salient


def is_specific(question: str, ctx: QuestionContext) -> bool:
    """The question carries something of this article: a name, or a term the article uses more than once."""
    words = [w for w in WORD_RE.findall(question) if w.lower() not in _QUESTION_WORDS]
    if not words:
        return False
    for position, word in enumerate(WORD_RE.findall(question)):
        if position > 0 and (is_upper_start(word) or looks_like_name(word)) and word.lower() not in _QUESTION_WORDS:
            return True
    return any(ctx.term_counts.get(ctx.tools.stem(w.lower()), 0) >= 2 for w in words if len(w) > 2)


def _is_person(subject: str, ctx: QuestionContext) -> bool:
    """A personal name ends the subject: "Tottenham striker Harry Kane", not "the Football Association"."""
    tokens = subject.split()
    if len(tokens) < 2 or any(t.lower().strip(".,") in _ORGANISATION_WORDS for t in tokens):
        return False
    last_two = [t.strip(".,'’") for t in tokens[-2:]]
    return all(is_upper_start(t) and not t.isupper() and not ctx.is_common(t) for t in last_two)


def _why(clause: Clause, subject: str) -> str | None:
    match = _WHY.search(" " + clause.rest)
    if not match or clause.lemma in _REPORTING_LEMMAS:
        return None
    marker = match.group("marker").split()[0].lower()
    if marker in _TEMPORAL_MARKERS and not (clause.is_passive or clause.lemma in _CONSEQUENCE_VERBS):
        return None
    if marker == "after" and clause.lemma in _NAMING_VERBS:
        return None  # "named after her grandmother": not a reason
    before = (" " + clause.rest)[: match.start()].strip()
    kept = trim_rest(before) if before else ""
    if kept is None or kept != before.strip(" ,") or not _usable_rest(kept):
        return None
    if not clause.verb and not kept:
        return None  # "Why is X?": a copula needs its complement
    return clause.question("Why", kept, subject)


def _how(clause: Clause, subject: str) -> str | None:
    match = _HOW.search(" " + clause.rest)
    if not match or clause.is_passive or not clause.verb or clause.lemma in _REPORTING_LEMMAS:
        return None
    before = (" " + clause.rest)[: match.start()].strip()
    kept = trim_rest(before) if before else ""
    if kept is None or kept != before.strip(" ,") or not _usable_rest(kept):
        return None
    return clause.question("How", kept, subject)


def _how_many(clause: Clause, subject: str | None, ctx: QuestionContext) -> str | None:
    """A count or an amount as the object ("cut 200 jobs", "raised $50m", "rose 12%") or as the subject."""
    counted = _count(clause.subject.strip())
    if counted and clause.verb and not clause.rest.startswith(("of ", "in ")):
        unit = counted.unit
        if _unit_is_noun(unit) and not counted.after.strip():
            kept = trim_rest(clause.rest)
            if kept is not None and _usable_rest(kept):
                return clause.subject_question(f"How many {unit}", kept, singular=False)
    if subject is None or not clause.verb:
        return None
    rest = clause.rest
    money = _MONEY.match(rest)
    if money:
        kept = trim_rest(money.group("after").strip())
        if kept is not None and _usable_rest(kept):
            return clause.question("How much", kept, subject)
        return None
    percent = _PERCENT.match(rest)
    if percent and clause.lemma in _CHANGE_VERBS:
        kept = trim_rest(percent.group("after").strip())
        if kept is not None and _usable_rest(kept):
            return clause.question("By how much" if percent.group("by") else "How much", kept, subject)
        return None
    counted = _count(rest)
    if counted and not clause.is_passive:
        unit = counted.unit
        if unit.split()[-1].lower() in _TIME_UNITS or not _unit_is_noun(unit):
            return None
        kept = trim_rest(counted.after.strip())
        if kept is not None and _usable_rest(kept):
            return clause.question(f"How many {unit}", kept, subject)
    return None


def _unit_is_noun(unit: str) -> bool:
    """Every word of "new jobs" / "people" can sit in a noun phrase (no finite verb, no preposition)."""
    words = unit.split()
    if "of" in words:
        words = words[: words.index("of")] + words[words.index("of") + 1 :]
    for word in words:
        if word in _DANGLING_ENDS or word in _NOT_UNITS:
            return False
        reading = verb_reading(word)
        if reading is not None and not reading.also_noun and (reading.tags & {"VBD", "VBZ"}):
            return False
    return True


def _when(clause: Clause, subject: str) -> str | None:
    if clause.lemma in _REPORTING_LEMMAS or (clause.lemma == "have" and not clause.auxiliary):
        return None  # "authorities say the pair met in 2014": the date belongs to another clause
    reach = _boundary(" " + clause.rest) - 1
    found = next((m for m in _TIME.finditer(clause.rest) if m.end("time") <= max(reach, 0)), None)
    if found is None:
        if not clause.time or clause.tag in {"VBZ", "VBP"}:
            return None
        kept = trim_rest(clause.rest) if clause.rest else ""
        if kept is None or not _usable_rest(kept) or (not clause.verb and not kept):
            return None
        return clause.question("When", kept, subject)
    time = found.group("time")
    future = (
        clause.auxiliary.lower() in MODALS
        or "be" in clause.chain
        or (clause.lemma in _TO_VERBS and clause.rest.startswith("to "))
        or re.search(r"\b(?:expected|set|due|scheduled|planned|plans|aims)\s+to\b", clause.rest)
    )
    if not future and (clause.tag in {"VBZ", "VBP"} or not _SPECIFIC_DATE.search(time)):
        return None  # a present-tense caption ("Klopp waves to the fans on Saturday") or a bare weekday
    before_time = clause.rest[: found.start("time")].split()
    if before_time and before_time[-1].endswith("ed") and before_time[-1] != clause.verb:
        return None  # "an indoor pool built in 1989": the date belongs to the participle
    remaining = (clause.rest[: found.start("time")] + " " + clause.rest[found.end("time") :]).strip()
    kept = trim_rest(remaining) if remaining else ""
    if kept is None or not _usable_rest(kept):
        return None
    if not clause.verb and not kept:
        return None
    return clause.question("When", kept, subject)


def _what(clause: Clause, subject: str, ctx: QuestionContext) -> str | None:
    """'What did NASA release?' / 'Who did police arrest?': a named subject and a verb with an object."""
    if not clause.verb or clause.is_passive or clause.tag == "VBG":
        return None
    lemma = clause.lemma
    rest = clause.rest.split()
    if not rest or rest[0].lower() in _PREPOSITION_WORDS or _PERSONAL_PRONOUNS.match(rest[0].lower()):
        return None
    person_object = lemma in PERSON_OBJECT_VERBS and (is_upper_start(rest[0]) or rest[0].isdigit())
    if lemma not in THING_OBJECT_VERBS and not person_object:
        return None
    if not any(is_upper_start(t) or looks_like_name(t) for t in subject.split()):
        return None
    return clause.question("Who" if person_object else "What", "", subject)


def _who(clause: Clause, subject: str, ctx: QuestionContext) -> str | None:
    if not clause.verb or clause.is_passive or not _is_person(subject, ctx) or clause.lemma in _REPORTING_LEMMAS:
        return None
    if clause.tag not in {"VBD", "VBZ", "VBN"}:
        return None
    kept = trim_rest(clause.rest)
    if not kept or len(kept.split()) < 2 or not _usable_rest(kept) or _POSSESSIVES.search(kept):
        return None
    first = kept.split()[0]
    if first.lower() in {"that", "to"} or (is_upper_start(first) and first not in ctx.proper):
        return None
    if not _names_something(kept, ctx, salient=2):
        return None  # "Who takes a look?": the answer would be a name without a fact
    question = clause.subject_question("Who", kept)
    return question or None


# Verbs that take "to" + a verb: "What does X plan to do?".
_TO_VERBS = word_set(
    """
    plan want hope aim intend decide refuse agree promise vow threaten attempt try seek expect need prepare
    offer fail manage choose pledge propose set schedule struggle wish continue
    """
)
# Verbs whose "that"-clause is a finding: "What did researchers find?".
_FINDING_VERBS = word_set("find show reveal discover learn realise realize conclude suggest indicate confirm prove")
# Verbs too light to ask "What did X <verb>?" about: the question would say nothing.
_LIGHT_VERBS = word_set(
    """
    be have get make take give do go come put keep let see look seem become remain turn stand sit lie feel
    appear happen begin start stop try use say tell add note explain write continue mean include involve
    need want like love know think believe hope wish call leave bring hold run set attribute urge ask encourage
    force allow help invite persuade order lead follow represent face share cost point
    """
)
_PREPOSITION_WORDS = word_set("of to in on at for with by from into about over under after before as than that")
_FUNCTION_WORDS = word_set("that this these those which what who whom whether if than then there here so such")
_NP_OPENERS = word_set("the a an its his her their our two three four five several many some new")


def _to_plan(clause: Clause, subject: str) -> str | None:
    """'X plans to build a factory' → 'What does X plan to do?'; 'X is expected to …' → 'What is X expected
    to do?'."""
    if clause.lemma not in _TO_VERBS or clause.tag == "VBG":
        return None
    rest = clause.rest.split()
    if len(rest) < 2 or rest[0] != "to" or not (verb_reading(rest[1]) or None):
        return None
    reading = verb_reading(rest[1])
    if reading is None or "VB" not in reading.tags or rest[1] in {"be", "have"}:
        return None
    return clause.question("What", "to do", subject)


def _finding(clause: Clause, subject: str) -> str | None:
    if clause.lemma not in _FINDING_VERBS or clause.is_passive or not clause.rest.startswith("that "):
        return None
    return clause.question("What", "", subject)


def _object(clause: Clause, subject: str, ctx: QuestionContext) -> str | None:
    """'The shelter rescued a green-eyed cat' → 'What did the shelter rescue?': any verb with a noun-phrase
    object, when the subject is a name or a term the article keeps using."""
    if not clause.verb or clause.is_passive or clause.tag == "VBG" or clause.lemma in _LIGHT_VERBS:
        return None
    if clause.lemma in THING_OBJECT_VERBS or clause.lemma in _REPORTING_LEMMAS:
        return None  # asked by `_what`, or speech
    rest = clause.rest.split()
    if not rest or not (rest[0].lower() in _NP_OPENERS or _person_object(clause) or _bare_noun(rest[0])):
        return None
    if not any(word in ctx.proper or looks_like_name(word) for word in WORD_RE.findall(subject)):
        return None  # the least specific kind: only for a subject the article names ("Who did another school …")
    return clause.question("Who" if _person_object(clause) else "What", "", subject)


def _bare_noun(word: str) -> bool:
    """ "surgery", "profits": a word the lexicon knows only as a noun or adjective, opening an object."""
    if not word.isalpha() or not word.islower() or word in _FUNCTION_WORDS:
        return False
    lemmas = lemminflect.getAllLemmas(word)
    return bool(lemmas) and ("NOUN" in lemmas or "ADJ" in lemmas) and "ADV" not in lemmas and "VERB" not in lemmas


def _person_object(clause: Clause) -> bool:
    rest = clause.rest.split()
    return bool(rest) and is_upper_start(rest[0]) and rest[0].lower() not in _NP_OPENERS


def _happened(clause: Clause, subject: str, ctx: QuestionContext) -> str | None:
    """'Stancil was arrested in Daytona Beach' → 'What happened to Stancil?'."""
    if not clause.is_passive or clause.auxiliary.lower() not in {"was", "were", "has", "have"}:
        return None
    if not any(is_upper_start(t) or looks_like_name(t) for t in subject.split()):
        return None  # "What happened to the photo?": only a named subject makes this worth asking
    return f"What happened to {subject}?"


def _identity(clause: Clause, subject: str, ctx: QuestionContext) -> str | None:
    """'Kayahan was one of Turkey's best-loved singers' → 'Who was Kayahan?'; 'Ceres is the largest object in
    the asteroid belt' → 'What is Ceres?'. Named subjects only: "What is the video?" asks nothing."""
    if clause.verb or clause.chain or clause.negated or clause.auxiliary.lower() not in {"is", "are", "was"}:
        return None
    if not re.match(r"^(?:a|an|the|one\s+of)\s+\w", clause.rest):
        return None
    tokens = subject.split()
    if not all(is_upper_start(t) or looks_like_name(t) for t in tokens) or tokens[0].lower() in {"the", "a", "an"}:
        return None
    person = _is_person(subject, ctx) or subject in ctx.surnames
    if person:
        return f"Who {clause.auxiliary.lower()} {subject}?"
    return f"What {clause.auxiliary.lower()} {subject}?" if clause.auxiliary.lower() != "was" else None


def fact_questions(clause: Clause, ctx: QuestionContext, resolved_person: str | None) -> list[FactQuestion]:
    """Every fact question the clause supports, most informative kind first."""
    subject = subject_in_question(clause, ctx, resolved_person)
    found: list[FactQuestion] = []
    count = _how_many(clause, subject, ctx)
    if count:
        found.append(FactQuestion("how many", count, subject or clause.subject))
    if _count(clause.subject.strip()):
        subject = None  # "When did about 120,000 passengers …?": the number is what to ask about
    if subject is None:
        return [q for q in found if is_specific(q.question, ctx)]
    for kind, question in (
        ("why", _why(clause, subject)),
        ("how", _how(clause, subject)),
        ("when", _when(clause, subject)),
        ("what", _what(clause, subject, ctx)),
        ("who", _who(clause, subject, ctx)),
        ("plan", _to_plan(clause, subject)),
        ("finding", _finding(clause, subject)),
        ("object", _object(clause, subject, ctx)),
        ("happened", _happened(clause, subject, ctx)),
        ("definition", _identity(clause, subject, ctx)),
    ):
        if question:
            found.append(FactQuestion(kind, question, subject))
    return [q for q in found if is_specific(q.question, ctx) and len(q.question.split()) <= 20]


# For the other English question modules: a subject that ends in a personal name.
is_person_name = _is_person

__all__ = [
    "BE_FORMS",
    "FactQuestion",
    "fact_questions",
    "is_person_name",
    "is_specific",
    "subject_in_question",
    "trim_rest",
]
