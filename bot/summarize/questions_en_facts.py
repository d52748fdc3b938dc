"""English questions about the facts a sentence states: why, how, how long, how many / how much, when, who, what.

Each kind looks for the words in a sentence that answer it and asks for exactly those, rebuilding the rest of the
main clause (`english_clause`) into the question:
- why: a reason clause ("because …", "due to …", "mainly due to …", "after …" following an arrest or a
  resignation, or a named person's release: "released after posting a $6,000 bond") or a purpose phrase ("in
  the hope of …", "in an attempt to …", "in order to …"; never a bare "to") → "Why did the city double the
  night ferry service?";
- how: a means ("by collecting rainwater") → "How did Louis Jordan survive?";
- how long: a duration ("was banned from driving for six months", "has been in New York for the past year") →
  "How long was McGowan banned from driving?";
- how many / how much: a number with its unit as object or subject ("two police officers", "more than a
  million people"), an amount of money, a price after "for" ("How much did X sell the manuscript for?"), a
  payment ("How much was X ordered to pay back?"), a percentage change → "How many people used the night boats
  this summer?", "How much did Stripe raise?";
- when: a date, a month or year, an AP-style "Jan. 13" or bare weekday, a clock time, "next month", "within a
  decade", for what will happen or a dated event; also a time that opens the sentence ("In 2013 the council …",
  "On Tuesday, police …"; not "Since"/"Until", which date a state) → "When will the sleeper train start running?";
- where: a verb whose place is news (arrested, held, born, killed, grew up, premiered) with a named place as the
  first phrase after it, a move to a named place ("moved to Los Angeles", "was taken to Liverpool Women's
  Hospital"), an event's place ("The crash happened on the M6") → "Where was Monsour Alshammari arrested?";
- what: a named subject and a verb whose question stands alone ("announce", "launch", "ban", "reveal") → "What did
  NASA announce?"; "score", "win", "suffer", "clinch" … only before "the"/"a" and no number ("What did Hinestroza
  score?" → "the only goal", never "scored twice"); never a verb that needs its object to mean anything ("What
  has Bertrand joined?", "What did Russia lose?"); a named request ("What did the Greens call on Premier Mike
  Baird to do?") or accusation ("What did Mr Hussen accuse police of?");
- who: a named person or organisation as the subject of a past action or of an announced one ("Who will remain
  Acting Premier?"), or given a role in the passive ("Who was appointed chief executive of Acme?") → "Who scored
  the winning goal?" (not with a verb that says nothing alone: "Who read out a letter …?", "Who made the
  comments …?").
The question must name its subject or topic (a name, or a term the article keeps using), contain no pronoun it
cannot resolve, and stay short; otherwise that kind is not asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lemminflect

from bot.pipeline.language import WORD_RE, word_set
from bot.summarize.english_clause import BE_FORMS, MODALS, Clause, finish_question
from bot.summarize.english_verbs import PERSON_OBJECT_VERBS, SPEECH_FORMS, verb_reading
from bot.summarize.question_names import EN_NOT_NAMES, EN_TITLES, QuestionContext, is_upper_start, looks_like_name

MAX_REST_WORDS = 10
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|"
    "dozens\\s+of|hundreds\\s+of|thousands\\s+of|millions\\s+of|several|a\\s+dozen|scores\\s+of|"
    "(?:a|half\\s+a)(?=\\s+(?:million|billion|hundred|thousand)\\b)"
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
        following = words[end + 1].rstrip(",.;:") if end + 1 < len(words) and words[end] == word else ""
        if word in _IRREGULAR_PLURALS and re.fullmatch(r"[a-z]+[^s]s", following) and end + 1 < 3:
            continue  # "two police officers", "three staff members": the head noun comes next
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
# "per cent", "more", and measures before a noun ("Eleven metre waves"): the number is a size, not a count.
_NOT_UNITS = word_set(
    """
    per cent percent more less other those these metre meter mile inch foot yard kilometre kilometer tonne ton
    pound ounce gallon litre liter acre hectare degree
    """
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBREVIATIONS = r"Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."
# A clock time: "at 2:30 p.m.", "about 11.50pm", "shortly before 8pm" (what happened at a time, on the day the
# article reports).
_CLOCK = (
    r"(?:(?:at|about|around|shortly\s+(?:before|after)|just\s+(?:before|after)|soon\s+after|before|after)\s+)"
    r"(?:about\s+|around\s+)?\d{1,2}(?:[:.]\d{2})?\.?\s?(?:a\.?m\.?|p\.?m\.?)"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_SEASONS = "spring|summer|autumn|fall|winter"
_SPAN_UNITS = "days?|weeks?|months?|years?|decades?|decade"
# A time phrase with the preposition that introduces it: what a when-question removes from the sentence.
_TIME = re.compile(
    rf"(?:^|\s)(?P<time>"
    rf"(?:(?:in|on|by|before|from|during|of)\s+)?(?:(?:early|late)\s+|mid-?|the\s+end\s+of\s+)?"
    rf"(?:(?:{_MONTHS})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
    rf"(?:,?\s+(?:of\s+)?(?:19|20)\d{{2}}|\s+(?:last|this|next)\s+year)?"
    rf"|(?:19|20)\d{{2}}"
    rf"|(?:{_MONTH_ABBREVIATIONS})\s+\d{{1,2}}(?:,?\s+(?:19|20)\d{{2}})?)"
    rf"|(?:by\s+)?(?:next|later\s+this|early\s+next|late\s+next)\s+(?:week|month|year|season|{_SEASONS}|decade)"
    rf"|(?:by\s+)?(?:this|next)\s+(?:{_SEASONS})"
    # a sports season by its years: "came through at Real Madrid in the 2006-07 season"
    rf"|(?:in|during)\s+the\s+(?:19|20)\d{{2}}[-/–](?:\d{{2}}|(?:19|20)\d{{2}})\s+season"
    rf"|by\s+the\s+end\s+of\s+(?:the|this|next)\s+(?:year|month|decade|week)"
    rf"|within\s+(?:a|the\s+next|\d+|two|three|four|five|six|ten)\s+(?:{_SPAN_UNITS})"
    rf"|on\s+(?:{_WEEKDAYS})(?:\s+(?:morning|afternoon|evening|night))?"
    # AP style, a bare weekday ("died Tuesday"), only where a phrase or the clause ends after it ("gave workers
    # Monday off" is no date)
    rf"|(?:(?:early|late)\s+)?(?:{_WEEKDAYS})(?:\s+(?:morning|afternoon|evening|night))?"
    rf"(?=$|[,.;]|\s+(?:in|at|after|before|when|as|and|but|during|while|from|near|outside|amid|following)\b)"
    rf"|(?:(?:early|late)\s+)?(?:last|earlier\s+this)\s+(?:week|month|year|season|weekend|night|{_SEASONS}|"
    rf"{_WEEKDAYS})|yesterday"
    rf"|{_CLOCK}(?:\s+(?:on\s+)?(?:{_WEEKDAYS}|yesterday))?"
    rf")(?=$|[\s,.;])"
)
_SPECIFIC_DATE = re.compile(
    rf"(?:19|20)\d{{2}}|\b(?:{_MONTHS})\b|(?:{_MONTH_ABBREVIATIONS})\s\d|next|within|end\s+of|this\s+(?:{_SEASONS})"
)
# For something that already happened, a weekday, "last week" or a clock time dates it as well as a month does.
_PAST_DATE = re.compile(rf"\b(?:{_WEEKDAYS})\b|last|earlier\s+this|yesterday|\d\.?\s?[ap]\.?m\b")
# A purpose is a reason too, when a phrase says it is one: "in the hope of becoming a star", "in an attempt to
# get more students protected", "in order to", "so as to". A bare "to" is not: "was ordered to pay", "is
# expected to open", "tried to" are verbs that take an infinitive, and "Why was X ordered?" asks nothing.
PURPOSE_MARKERS = (
    r"in\s+(?:the\s+)?hopes?\s+(?:of|that)|in\s+an?\s+(?:attempt|effort|bid)\s+to|in\s+order\s+to|so\s+as\s+to"
)
_WHY = re.compile(
    r"(?:,\s*|\s)(?P<marker>because(?:\s+of)?|due\s+to|as\s+a\s+result\s+of|in\s+response\s+to|"
    r"in\s+protest\s+(?:at|against|over)|to\s+protest|for\s+fear\s+(?:of|that)|after|following|"
    rf"over\s+(?:claims|allegations|concerns|fears|reports)|for(?=\s+[a-z]+ing\b)|{PURPOSE_MARKERS})\b"
)
# "after"/"following" give a reason only to verbs of consequence ("was arrested after …", "resigned after …").
_TEMPORAL_MARKERS = word_set("after following over for")
_CONSEQUENCE_VERBS = word_set(
    """
    arrest ban sack fire suspend charge fine jail close cancel quit resign apologise apologize withdraw evacuate
    recall halt delay postpone drop expel dismiss criticise criticize condemn sue investigate hospitalise
    hospitalize rescue kill injure die shut remove scrap reject defend warn leave retire step vow recover
    surrender flee deport convict sentence punish disqualify bar penalise penalize discipline reprimand expel
    kick dismiss
    """
)
# Reporting verbs by their own base form too ("added" is "say" in SPEECH_FORMS, "add" as a lemma): "Correction
# added Nov. 18:" dates a note, not an event.
_REPORTING_LEMMAS = frozenset(SPEECH_FORMS.values()) | word_set(
    "tell report announce confirm reveal insist claim add explain note write state recall continue"
)
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
    "it they we i you this that these those there here one others some many most all both each someone something "
    "another other several such summary"
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


# "as" right after the verb, before a name or a bare noun, is the role it names ("confirmed as Kilmarnock's
# permanent manager", "served as chairman"), not a clause ("left as the crowd cheered").
_ROLE_AS = re.compile(
    r"^\s*as\s+(?!(?:a|an|the|he|she|it|they|we|i|you|this|that|these|those|his|her|their|its|our|"
    r"well|soon|long|much|many|far|if|though|part|usual)\b)[\w'’-]+"
)


def _boundary(text: str) -> int:
    """Where the first clause boundary of `text` (a clause remainder, with a leading space) is."""
    role = _ROLE_AS.match(text)
    match = _REST_BOUNDARY.search(text, role.end() if role else 0)
    end = match.start() if match else len(text)
    for coordination in re.finditer(r"\sand\s+(?P<next>[a-z]+)", text[:end]):
        following = coordination.group("next")
        reading = verb_reading(following)
        if following.endswith("ly") or (reading is not None and reading.tags & {"VBD", "VBZ"}):
            return coordination.start()  # "finished sixth and actually led …": a second verb phrase
    return end


# Prepositions that open an adverbial phrase a long question may end before.
_PHRASE_STARTS = word_set("at during after before amid since ahead")


def trim_rest(text: str) -> str | None:
    """The part of a clause's remainder that a question keeps: up to the first clause boundary, at most ten
    words, not ending on a word that needs something after it. None when that is not possible."""
    kept = (" " + text)[: _boundary(" " + text)]
    if _ANOTHER_CLAUSE.search(kept):
        # "six men in 2002 and her last marriage was in 2010": keep what comes before the second clause
        coordination = re.search(r"\s(?:and|but)\s+(?:the|a|an|his|her|their|its|[A-Z]\w*)\b", kept)
        if coordination and not _ANOTHER_CLAUSE.search(kept[: coordination.start()]):
            kept = kept[: coordination.start()]
    words = kept.split()
    if len(words) > MAX_REST_WORDS:
        # "a media stable visit on Thursday at his yard in Gloucestershire": the object and the first
        # adverbial phrase say the fact; later phrases are detail the answer keeps.
        cuts = [i for i in range(3, MAX_REST_WORDS + 1) if words[i].lower() in _PHRASE_STARTS]
        if cuts and "to" not in (w.lower() for w in words[: cuts[-1]]):  # "to keep Bouchard [on her heels]"
            words = words[: cuts[-1]]
    while words and words[-1].lower().strip(".,;:") in _DANGLING_ENDS:
        if words[-1].lower().strip(".,;:") == "her":
            # "accused X of repeatedly abusing her [when …]": an object, not a determiner; without it the question
            # would ask "Who has accused X of repeatedly abusing?"
            return None
        words.pop()
    if len(words) > MAX_REST_WORDS:
        return None
    kept = " ".join(words).strip(" ,;:.")
    if _ANOTHER_CLAUSE.search(kept) or re.search(r"\.\s+[A-Z]", kept):
        return None  # "played in court Chancey Luna has been charged": two sentences run together
    if any(c in kept for c in '"“”‘’«»()[]') or kept.count("'") > (kept.count("'s") + kept.count("s'")):
        return None  # a quotation cut in half
    return kept


# What may follow a comma where a question's part of the clause ends: a new clause or a participle phrase, not
# the rest of a list ("for Forest Whitaker, Nate Parker and …") nor an aside the clause goes on after
# ("asked pupils, pictured, to make …").
_CLAUSE_AFTER_COMMA = word_set(
    """
    and but which who whom whose where while when as saying adding according including although though despite
    after before since so because with without amid until then while whereas meaning leaving making bringing
    taking giving sending putting according plus however nevertheless nonetheless meanwhile therefore
    """
)
_TIME_SPAN_END = re.compile(
    r"(?:\b(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+|a\s+few|several|few)\s+"
    r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?))$"
)


def clean_rest(text: str) -> str | None:
    """`trim_rest`, and None where what the question keeps was cut from something that goes on: a list
    continued after a comma, an aside before the verb's complement, a time span whose "after …" was cut."""
    kept = trim_rest(text)
    if kept is None:
        return None
    padded = " " + text
    after = padded[_boundary(padded) :].strip()
    if after.startswith(","):
        following = after[1:].split()
        word = following[0].lower().strip("'’\"“,") if following else ""
        if following and word not in _CLAUSE_AFTER_COMMA and not (word.endswith("ing") and word.isalpha()):
            return None
    if _TIME_SPAN_END.search(kept) and re.match(r"(?:after|before|later|earlier|ago)\b", after):
        return None  # "made the comments in Baghdad a few hours [after …]"
    if re.search(r"\b(?:and|or)$", kept) or re.match(r"(?:and|or)\b", kept):
        return None
    first = kept.split()[0] if kept.split() else ""
    reading = verb_reading(first) if first.isalpha() and first.islower() else None
    if reading is not None and reading.tags == {"VBG"} and not reading.also_noun:
        return None  # "gained 0.02% eking out its seventh session": a participle phrase, not the clause
    return kept


def _usable_rest(rest: str) -> bool:
    """No pronoun the question cannot resolve, nor an indefinite one ("Who cost Palace nothing?")."""
    return not _PERSONAL_PRONOUNS.search(rest) and not re.search(r"\b(?:no|some|any|every)thing\b", rest)


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
    if (
        lowered[0] in _SUBJECT_OPENERS_REFUSED
        or lowered[-1] in _DANGLING_ENDS
        or not _starts_a_noun_phrase(tokens, after_introduction=clause.subject_start > 0)
    ):
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
    next_lower = len(tokens) > 1 and tokens[1][:1].islower()
    if not keep_capital or _lower_modifier(bare, ctx, next_lower=next_lower):
        tokens[0] = first[:1].lower() + first[1:]
    return " ".join(tokens)


_LOWER_MODIFIERS = word_set("former late then outgoing incoming ousted disgraced embattled veteran fellow rival one")


def _lower_modifier(word: str, ctx: QuestionContext, *, next_lower: bool = False) -> bool:
    """A sentence-initial modifier before a name ("Former President Barack Obama", "Documented and
    undocumented immigrants"): lower case inside a question."""
    if word in ctx.proper or looks_like_name(word) or not word[:1].isupper():
        return False
    lowered = word.lower()
    if lowered in _LOWER_MODIFIERS or (is_role_noun(lowered) and not next_lower and lowered in ctx.common):
        return True  # "Defender Upson" → "defender Upson"
    lemmas = set(lemminflect.getAllLemmas(lowered))
    if "ADJ" in lemmas and next_lower:
        return True  # "Professional hearings": an adjective capitalised only by its position
    return bool(lemmas) and not ({"NOUN", "PROPN"} & lemmas) and bool({"ADJ", "VERB"} & lemmas)


_POSSESSIVE_WORDS = word_set("his her their its our my your")
_SUBJECT_OPENERS_REFUSED = word_set(
    "no none nobody neither few as if when while although though because since after before once unless until "
    "gone apart not"
)
_FIRST_PERSON = word_set("my our your me us i we you")


def _starts_a_noun_phrase(tokens: list[str], *, after_introduction: bool = False) -> bool:
    """A capitalised word, a number, or a word the lexicon knows as a noun or determiner ("Gone is …" is not).

    A lower-case noun opens a subject only after an introduction the clause reader took off ("On Tuesday,
    police arrested …")."""
    first = tokens[0].strip("\"'“‘(").rstrip(",.")
    if not first:
        return False
    if first[:1].isdigit() or looks_like_name(first):
        return True
    lowered = first.lower()
    if lowered in _NP_OPENERS or lowered in {"the", "a", "an", "this", "that", "these", "those"}:
        return True
    if first[:1].islower():
        # "On April 1, police executed …": a plain noun after the introduction; otherwise the sentence opens in
        # lower case after an introduction we could not read
        return after_introduction and len(tokens) <= 3 and _plain_noun(lowered)
    lemmas = lemminflect.getAllLemmas(lowered)
    return not lemmas or "NOUN" in lemmas or "PROPN" in lemmas or len(tokens) > 1


def _plain_noun(word: str) -> bool:
    """A word the lexicon knows as a noun ("police", "investigators") and not as an adjective or adverb."""
    lemmas = set(lemminflect.getAllLemmas(word))
    return "NOUN" in lemmas and not lemmas & {"ADJ", "ADV"} and word not in _FUNCTION_WORDS


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


_ROLE_SUFFIX = re.compile(
    r"(?:ist|ian|man|woman|er|or|ant|ent|eer|ster|ee|ess|chief|head|member|leader|official|minister|director|"
    r"president|founder|author|student|native|resident|doctor|officer|analyst|scholar|expert|star|champion|"
    r"fellow|boss|coach|captain|striker|defender|keeper|rapper|candidate|advocate|judge|senator|governor|mayor|"
    r"colleague|friend|veteran|survivor|victim|chairman|mother|father|son|daughter|wife|husband|ceo|cfo)$"
)
_NOT_ROLES = word_set("handful number lot matter center centre order offer answer power paper quarter corner border")


def is_role_noun(word: str) -> bool:
    """A noun that says what a person is ("striker", "economist", "founder"), not what they are like."""
    lowered = word.lower()
    return lowered not in _NOT_ROLES and bool(_ROLE_SUFFIX.search(lowered))


def _is_person(subject: str, ctx: QuestionContext) -> bool:
    """A personal name ends the subject: "Tottenham striker Harry Kane", not "the Football Association"."""
    tokens = subject.split()
    if len(tokens) < 2 or any(t.lower().strip(".,") in _ORGANISATION_WORDS for t in tokens):
        return False
    last_two = [t.strip(".,'’") for t in tokens[-2:]]
    return all(is_upper_start(t) and not t.isupper() and not ctx.is_common(t) for t in last_two)


# "after two years", "following a few months": a span of time, not an event that caused anything.
_SPAN_AFTER = re.compile(
    r"^(?:just\s+|only\s+|nearly\s+|almost\s+|about\s+|more\s+than\s+|less\s+than\s+)?"
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|several|\d+)\s+"
    r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|seasons?|games?|matches?)\b"
)


# An adverb that hedges the reason ("a £453m charge, mainly due to a slump"): the reason is still the answer.
_HEDGE_END = re.compile(
    r"(?:,|\s[-–—])?\s+(?:mainly|largely|partly|partially|primarily|mostly|chiefly|in\s+part|in\s+large\s+part)$"
)


# Verbs of release whose "after …" is why, when said of a named person in the passive: "Carrion-Moore was
# released from jail after posting a $6,000 bond" ("the album was released after …" is only a sequence).
_RELEASE_VERBS = word_set("release free clear acquit bail")


def _why(clause: Clause, subject: str, ctx: QuestionContext | None = None) -> str | None:
    match = _WHY.search(" " + clause.rest)
    if not match or clause.lemma in _REPORTING_LEMMAS:
        return None
    marker = match.group("marker").split()[0].lower()
    released = (
        clause.lemma in _RELEASE_VERBS
        and clause.is_passive
        and ctx is not None
        and (_is_person(subject, ctx) or subject in ctx.surnames)
    )
    if marker in _TEMPORAL_MARKERS and clause.lemma not in _CONSEQUENCE_VERBS and not released:
        return None  # "The teams were tied after Tsonga won": a sequence of events, not a reason
    if marker == "for" and not clause.is_passive:
        return None  # "was deported for making threats" is a reason; "sentenced for …" in a headline is not a clause
    if marker == "after" and clause.lemma in _NAMING_VERBS:
        return None  # "named after her grandmother": not a reason
    before = _HEDGE_END.sub("", (" " + clause.rest)[: match.start()]).strip()
    kept = trim_rest(before) if before else ""
    if kept is None or kept != before.strip(" ,") or not _usable_rest(kept):
        return None
    if not clause.verb and not kept:
        return None  # "Why is X?": a copula needs its complement
    reason = (" " + clause.rest)[match.end() :].split()
    if not reason or reason[0].endswith((",", ";", ":")):
        return None  # "charged with trespassing after warning, resisting arrest …": the charge's name
    if marker in _TEMPORAL_MARKERS and _SPAN_AFTER.match(" ".join(reason[:4])):
        return None  # "dropped out after two years": how long before, not why
    return clause.question("Why", kept, subject)


# A duration after the verb's complement: "was banned from driving for six months", "has lived there for 20 years".
_DURATION = re.compile(
    r"\s(?P<duration>for\s+(?:up\s+to\s+|more\s+than\s+|nearly\s+|almost\s+|about\s+|at\s+least\s+|"
    r"the\s+(?:past|last)\s+)?"
    r"(?:(?:\d[\d,.]*|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"several)\s+|(?<=past\s)|(?<=last\s))(?:years?|months?|weeks?|days?|hours?|minutes?|decades?))\b"
)


def _how_long(clause: Clause, subject: str) -> str | None:
    """'McGowan was banned from driving for six months' → 'How long was McGowan banned from driving?': the
    duration is the answer, the rest of the clause up to it stays in the question."""
    # "has been in New York for the past year": a copula after "been" asks how long as well
    stayed = not clause.verb and "been" in clause.chain and clause.auxiliary.lower() in {"has", "have", "had"}
    if not (clause.verb or stayed) or clause.lemma in _REPORTING_LEMMAS or clause.tag in {"VBZ", "VBP", "VBG"}:
        return None
    match = _DURATION.search(" " + clause.rest)
    if not match:
        return None
    before = (" " + clause.rest)[: match.start()].strip()
    kept = trim_rest(before) if before else ""
    if kept is None or kept != before.strip(" ,") or not _usable_rest(kept):
        return None  # the duration belongs to something after a clause boundary
    return clause.question("How long", kept, subject)


def _how(clause: Clause, subject: str) -> str | None:
    match = _HOW.search(" " + clause.rest)
    if not match or clause.is_passive or not clause.verb or clause.lemma in _REPORTING_LEMMAS:
        return None
    before = (" " + clause.rest)[: match.start()].strip()
    kept = trim_rest(before) if before else ""
    if kept is None or kept != before.strip(" ,") or not _usable_rest(kept):
        return None
    if not kept and clause.lemma in _REPLY_VERBS:
        return None  # "How did Mr Ray respond?": to what, the question does not say
    return clause.question("How", kept, subject)


# Verbs that answer something: "How did X respond?" needs what they responded to.
_REPLY_VERBS = word_set("respond react reply retaliate answer")


def _how_many(clause: Clause, subject: str | None, ctx: QuestionContext) -> str | None:
    """A count or an amount as the object ("cut 200 jobs", "raised $50m", "rose 12%") or as the subject."""
    counted = _count(clause.subject.strip())
    if counted and clause.verb and not clause.rest.startswith("of "):
        unit = counted.unit
        if _unit_is_noun(unit) and not counted.after.strip():
            kept = clean_rest(clause.rest)
            if kept is not None and _usable_rest(kept) and _names_something(f"{unit} {kept}", ctx, salient=2):
                # "How many people may have perished?": in what, the question has to say
                return clause.subject_question(f"How many {unit}", kept, singular=False)
    if subject is None:
        return None
    rest = clause.rest
    worth = re.match(r"worth\s+", rest) if not clause.verb and clause.auxiliary.lower() in BE_FORMS else None
    if worth and _MONEY.match(rest[worth.end() :]):
        # "The deal is worth $5bn" → "How much is the deal worth?"
        after = _MONEY.match(rest[worth.end() :])
        kept = clean_rest(after.group("after").strip()) if after else None
        if kept == "":  # "worth $5bn to Siemens": the rest would land before "worth"
            return clause.question("How much", "worth", subject)
        return None
    if not clause.verb:
        return None
    money = _MONEY.match(rest)
    if money:
        following = money.group("after").strip()
        kept = clean_rest(following)
        if kept is None and clause.tag != "VBG":
            # "will invest $1bn over the next four years to speed up …": the purpose is detail the answer keeps
            purpose = _PURPOSE.search(" " + following)
            kept = clean_rest(following[: purpose.start()].strip()) if purpose else None
        if kept is not None and _usable_rest(kept):
            return clause.question("How much", kept, subject)
        return None
    price = _price(clause, rest)
    if price is not None:
        return clause.question("How much", price, subject)
    percent = _PERCENT.match(rest)
    if percent and clause.lemma in _CHANGE_VERBS:
        kept = clean_rest(percent.group("after").strip())
        if kept is not None and _usable_rest(kept):
            return clause.question("By how much" if percent.group("by") else "How much", kept, subject)
        return None
    counted = _count(rest)
    if counted and not clause.is_passive:
        unit = counted.unit
        custody = _CUSTODY.match(counted.after)
        if custody and unit in {"years", "months"} and clause.lemma in _CUSTODY_VERBS:
            # "could face up to 45 years in prison": a term of custody is a count, not a time span
            kept = clean_rest(counted.after[custody.end() :].strip())
            if kept is not None and _usable_rest(kept):
                return clause.question(f"How many {unit} {custody.group(0).strip()}", kept, subject)
            return None
        if unit.split()[-1].lower() in _TIME_UNITS or not _unit_is_noun(unit):
            return None
        if re.search(r"\b(?:and|or)\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten)\b", counted.after):
            return None  # "three quadcopters and one ground robot": two counts, one question
        kept = clean_rest(counted.after.strip())
        if kept is not None and _usable_rest(kept):
            return clause.question(f"How many {unit}", kept, subject)
    return None


# A purpose clause after an amount: "invest $1bn over four years to speed up …" ("to" and a verb's base form).
_PURPOSE = re.compile(r"\s(?:in\s+order\s+)?to\s+(?!the\b|a\b|an\b|[A-Z\d$£€])[a-z]+\b")
# Verbs whose price comes after "for": "sold the manuscript for $1.2m" → "How much did X sell the manuscript for?"
_PRICE_VERBS = word_set("sell buy purchase auction acquire sign rent lease")
# Verbs of paying after "to": "was ordered to pay back £10,000" → "How much was X ordered to pay back?"
_PAYING = re.compile(r"^to\s+(?P<verb>pay|repay|refund|forfeit|spend|invest|raise)(?P<back>\s+back)?\s+(?=\S)")
_PAYING_FRAMES = word_set("order agree offer promise plan refuse fail decide vow pledge expect set force require")


def _price(clause: Clause, rest: str) -> str | None:
    """What a "How much …?" keeps of a clause whose amount is a price or a payment, or None.

    "Christie's sold the manuscript for $1.2 million to a buyer" → "the manuscript for" ("How much did
    Christie's sell the manuscript for?"); "The painting was sold for £40,000" → "for"; "Byatt was ordered to pay
    back £10,000" → "to pay back". The amount must be the only one, and nothing but a detail may follow it."""
    if clause.tag in {"VBG", "VBZ", "VBP"} and not clause.auxiliary:
        return None  # a present-tense caption, or a participle phrase
    paying = _PAYING.match(rest)
    if paying and clause.lemma in _PAYING_FRAMES:
        amount = _MONEY.match(rest[paying.end() :])
        if amount is None or _MONEY_ANYWHERE.search(amount.group("after")):
            return None
        if amount.group("after").strip()[:1].isalnum() and not re.match(
            r"(?:for|to|in|over|as|after|by|within)\b", amount.group("after").strip()
        ):
            return None  # "pay £20 costs": the amount is an adjective of something else
        return f"to {paying.group('verb')}{paying.group('back') or ''}"
    if clause.lemma not in _PRICE_VERBS:
        return None
    before, sep, after = (" " + rest).partition(" for ")
    if not sep:
        return None
    amount = _MONEY.match(after)
    if amount is None or _MONEY_ANYWHERE.search(amount.group("after")) or _MONEY_ANYWHERE.search(before):
        return None  # two amounts: which one is asked, the question cannot say
    following = amount.group("after").strip()
    if following and not re.match(r"(?:[,;.]|to\b|from\b|in\b|at\b|last\b|this\b|on\b|after\b)", following):
        return None  # "sold for $5 a share": the amount is a rate, not the price
    obj = before.strip()
    if clause.is_passive:
        return "for" if not obj else None  # "was sold for £40,000"; "was sold to X for …" is two facts
    if not obj or len(obj.split()) > 8:
        return None
    kept = clean_rest(obj)
    named = len(obj.split()) <= 3 and all(is_upper_start(w) for w in obj.split())  # "signed Silva for £30m"
    if kept != obj or not _usable_rest(kept) or not (named or obj.split()[0].lower() in _NP_OPENERS):
        return None  # the object must be a plain noun phrase or a name: "the manuscript", "a stake in the club"
    return f"{obj} for"


_MONEY_ANYWHERE = re.compile(r"[$£€¥₹]\s?\d|\d\s*(?:dollars|euros|pounds)\b")
_CUSTODY = re.compile(r"(?:in\s+(?:prison|jail|gaol)|behind\s+bars)\b")
_CUSTODY_VERBS = word_set("face serve spend get receive")


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


_DETERMINER_BEFORE = re.compile(r"(?:^|\s)(?:the|a|an|its|his|her|their|this|that)\s*$", re.IGNORECASE)


def _modifies_noun(rest: str, time: re.Match[str]) -> bool:
    """A year after "the"/"its" names a model or an edition, not when anything happened ("on the 2020 Sentra")."""
    return bool(_DETERMINER_BEFORE.search(rest[: time.start("time")]))


def _when(clause: Clause, subject: str) -> str | None:
    if (clause.lemma in _REPORTING_LEMMAS and not clause.is_passive) or (
        clause.lemma == "have" and not clause.auxiliary
    ):
        # "authorities say the pair met in 2014": the date belongs to another clause ("Locke will be confirmed
        # as manager on Friday": a passive report dates the report itself)
        return None
    if clause.auxiliary.lower() == "had":
        return None  # "When had Khanal undergone surgery?": a pluperfect is background, odd as a question
    reach = _boundary(" " + clause.rest) - 1
    times = [m for m in _TIME.finditer(clause.rest) if not _modifies_noun(clause.rest, m)]
    found = next((m for m in times if m.end("time") <= max(reach, 0)), None)
    if found is None:
        if not clause.time or clause.tag in {"VBZ", "VBP"} or clause.time.split()[0] in {"Since", "Until"}:
            return None  # "Since 2012, Microsoft assessed …": since when, not when
        if clause.time.startswith("By") and clause.auxiliary.lower() not in MODALS:
            return None  # "By Monday, India was in crisis mode": a state reached by then, not an event dated
        kept = clean_rest(clause.rest) if clause.rest else ""
        if kept is None or not _usable_rest(kept) or (not clause.verb and not kept):
            return None
        if not kept and re.search(rf"\b(?:{_WEEKDAYS})\b", clause.time):
            return None  # "On Monday, Switzerland and Denmark clinched.": a weekday dates a fact, not a fragment
        return clause.question("When", kept, subject)
    time = found.group("time")
    future = (
        clause.auxiliary.lower() in MODALS
        or "be" in clause.chain
        or (clause.lemma in _TO_VERBS and clause.rest.startswith("to "))
        or re.search(r"\b(?:expected|set|due|scheduled|planned|plans|aims)\s+to\b", clause.rest)
    )
    past = clause.tag == "VBD" or (clause.tag == "VBN" and clause.auxiliary.lower() in {"was", "were"})
    if not future and (
        clause.tag in {"VBZ", "VBP"} or not (_SPECIFIC_DATE.search(time) or (past and _PAST_DATE.search(time)))
    ):
        return None  # a present-tense caption ("Klopp waves to the fans on Saturday") or a bare weekday
    before_time = clause.rest[: found.start("time")].split()
    if (
        before_time
        and before_time[-1].endswith("ed")
        and before_time[-1] != clause.verb
        and not (len(before_time) > 1 and before_time[-2].lower() in {"be", "been"})
    ):
        return None  # "an indoor pool built in 1989": the date belongs to the participle ("to be sentenced" is
        # the verb the clause plans, so its date is the one asked about)
    after_time = clause.rest[found.end("time") :].strip()
    if after_time.startswith(",") and clause.verb and not before_time:
        # "was arrested in March, nearly a month after …": the time closes the clause the question asks about
        after_time = ""
    remaining = (clause.rest[: found.start("time")] + " " + after_time).strip()
    kept = clean_rest(remaining) if remaining else ""
    if kept is None or not _usable_rest(kept):
        return None
    if not clause.verb and not kept:
        return None
    if clause.verb.lower() == "born":
        kept = ""  # "When was Montoya-Lewis born in Spain?": the place is not what is asked
    return clause.question("When", kept, subject)


# Verbs whose place is news: where someone was arrested, held, found, born, killed; where a film premiered.
_WHERE_VERBS = word_set(
    """
    arrest detain hold jail imprison find bear kill shoot stab attack injure wound die bury rescue spot grow
    raise educate premiere meet marry crash land live settle hide abandon strand maroon
    """
)
# Particles a where-question keeps with its verb ("grew up in Ankara" → "Where did X grow up?").
_WHERE_PARTICLES = word_set("up out down back")
_PLACE = re.compile(
    r"^(?P<particle>[a-z]+\s+)?(?:in|at|near|outside)\s+(?:the\s+)?"
    r"(?P<place>[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|upon|on|de|del|la))*)"
)


# Verbs of movement whose destination is news: "moved to Los Angeles", "fled to Spain"; and those only in the
# passive ("was taken to Liverpool Women's Hospital", "was airlifted to …": "took Smith to …" has an object first).
_MOVING_VERBS = word_set("move relocate flee emigrate travel fly take rush airlift transfer deport extradite")
_MOVED_VERBS = word_set("take rush airlift transfer deport extradite fly")
# Events whose place is what a reader asks: "The crash happened on the M6 near Preston".
_HAPPENING_VERBS = word_set("happen occur")
# The place must end its phrase: "moved to the Spanish island" names an adjective, not a place.
_PLACE_END = r"(?=$|[,.;]|\s+(?:with|in|on|for|and|after|before|from|where|when|at|to|last|this|as|near)\b)"
_PLACE_TO = re.compile(
    r"^(?P<particle>)to\s+(?:the\s+)?(?P<place>[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|upon|on|de|del|la))*)"
    + _PLACE_END
)
_PLACE_ON = re.compile(
    r"^(?P<particle>)(?:in|at|near|outside|on)\s+(?:the\s+)?"
    r"(?P<place>[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|upon|on|de|del|la))*)" + _PLACE_END
)


def _where(clause: Clause, subject: str) -> str | None:
    """'Monsour Alshammari was arrested at the border near San Diego' → 'Where was Monsour Alshammari
    arrested?': a verb whose place is news, and a named place as the first phrase after it (after a time, if one
    comes first); the place is the answer, so it stays out of the question."""
    if not clause.verb or clause.tag in {"VBZ", "VBP", "VBG"}:
        return None
    rest = clause.rest
    moved = clause.lemma in _MOVING_VERBS and (clause.lemma not in _MOVED_VERBS or clause.is_passive)
    happened = clause.lemma in _HAPPENING_VERBS or (
        clause.lemma == "take" and not clause.is_passive and rest.startswith("place ")
    )
    if clause.lemma not in _WHERE_VERBS and not moved and not happened:
        return None
    if clause.lemma in {"hold", "find", "spot", "meet", "raise", "land", "live", "settle"} and not clause.is_passive:
        return None  # "held talks in Paris", "found evidence in …", "raised money at …": the object is the news
    if moved and (clause.time or _TIME.search(" " + rest)):
        return None  # "moved to Tbilisi in March 2012": "When did X move to Tbilisi?" asks both
    if clause.lemma == "take" and happened:
        rest = rest.removeprefix("place ")  # "The crash took place on the A1 near Leeds"
    time = _TIME.match(" " + rest)
    if time:
        rest = rest[time.end() - 1 :].lstrip(" ,")
    match = (_PLACE_TO if moved else _PLACE_ON if happened else _PLACE).match(rest)
    if not match or _boundary(" " + clause.rest) < len(clause.rest) - len(rest):
        return None
    particle = (match.group("particle") or "").strip()
    if particle and particle not in _WHERE_PARTICLES:
        return None  # "arrested Smith in Leeds": an object before the place
    place = match.group("place").split()
    if any(w.lower().strip(".") in EN_NOT_NAMES or re.fullmatch(r"(?:19|20)\d\d", w) for w in place):
        return None  # "in March", "in 2013": a time, not a place
    if clause.lemma == "take" and happened:
        particle = "place"
    return clause.question("Where", particle, subject)


def _what(clause: Clause, subject: str, ctx: QuestionContext) -> str | None:
    """'What did NASA release?' / 'Who did police arrest?': a named subject and a verb with an object."""
    if not clause.verb or clause.is_passive or clause.tag in {"VBG", "VBZ", "VBP"}:
        return None  # "What does Gomis unleash?": a present-tense photo caption
    lemma = clause.lemma
    rest = clause.rest.split()
    if not rest or rest[0].lower() in _PREPOSITION_WORDS or _PERSONAL_PRONOUNS.match(rest[0].lower()):
        return None
    if lemma in _OBJECT_FIRST_VERBS and (
        rest[0].lower() not in {"the", "a", "an"}
        or any(re.search(r"\d", w) for w in rest[:4])
        or not _names_an_actor(subject, ctx)  # "What has the £6million former Ajax skipper suffered?"
    ):
        return None  # "What did Ramsey score?" → "twice"; "What has Hamilton scored?" → "an astonishing 286"
    if clause.auxiliary.lower() == "had":
        return None  # "What had Ford won?": a pluperfect is background to the story, odd out of it
    if re.match(_VAGUE_OBJECT, clause.rest, re.IGNORECASE):
        return None  # "What did Visa's survey reveal?" → "some interesting disparities": which, it does not say
    if lemma == "deny" and rest[0].lower() in _POSSESSIVE_WORDS:
        return None  # "denied his old team victory": to deprive, not to deny a claim
    person_object = lemma in PERSON_OBJECT_VERBS and (is_upper_start(rest[0]) or rest[0].isdigit())
    if lemma not in _SELF_CONTAINED_WHAT and not (person_object and lemma in _SELF_CONTAINED_WHO):
        return None  # "What did Russia lose?", "What did Davis break?": the verb alone asks nothing
    if not any(is_upper_start(t) or looks_like_name(t) for t in subject.split()):
        return None
    return clause.question("Who" if person_object else "What", "", subject)


# Objects that promise something without saying it: the answer to "What did X reveal?" would not tell.
_VAGUE_OBJECT = (
    r"(?:some|several|various|many|a\s+(?:number|series|range|host|lot|couple)\s+of|a\s+few|details|more|"
    r"new\s+details|other)\b"
)
# Verbs after which "What did X <verb>?" is a question of its own: what was announced, launched, banned, found.
_SELF_CONTAINED_WHAT = word_set(
    """
    announce unveil launch release propose approve reject ban reveal deny introduce publish recommend cancel
    scrap postpone impose lift outline predict discover invent acquire buy sell donate endorse veto patent
    destroy seize steal build order award sign demand create develop design produce post tweet upload film
    record issue deploy submit test unleash
    """
) | word_set("score suffer undergo sustain clinch secure file open earn complete win host")
# Verbs that often go on without a thing as object ("scored twice", "clinched despite …", "has scored 286"):
# asked only before a noun phrase opened by an article, with no number in it.
_OBJECT_FIRST_VERBS = word_set("score suffer undergo sustain clinch secure file open earn complete win host")
# And "Who did X <verb>?" before a person: who was arrested, hired, sacked, elected.
_SELF_CONTAINED_WHO = word_set("appoint arrest charge detain elect fire hire nominate sack sign sue suspend")


def _names_an_actor(subject: str, ctx: QuestionContext) -> bool:
    """A person ("Tony Pulis", "Mr Hussen", a surname the article gives in full elsewhere) or a named
    organisation, team or country ("UEFA", "Russia", "the Football Association"): who a "Who …?" can be."""
    if _is_person(subject, ctx) or subject in ctx.surnames or re.fullmatch(r"(?:Mr|Mrs|Ms|Dr)\.? [A-Z]\w+", subject):
        return True
    tokens = subject.split()
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    if not tokens or len(tokens) > 5 or not is_upper_start(tokens[0]):
        return False
    if any(t.lower() in EN_NOT_NAMES for t in tokens):
        return False  # "Tuesday", "March": a time, not an actor
    return all(is_upper_start(t) or t in {"of", "and", "for", "&"} for t in tokens) and (
        tokens[0] in ctx.proper or looks_like_name(tokens[0]) or not ctx.is_common(tokens[0])
    )


# Verbs a "Who …?" cannot carry: "Who read out a letter …?", "Who used freely available images …?"; and verbs
# whose point is the "as …" the question cuts off ("Who has described animal welfare laws in the US?").
_EMPTY_WHO_VERBS = word_set("read make use have get describe call label brand dub term")


# Passives that give someone a role: "Laura Dern was named best supporting actress" → "Who was named best
# supporting actress?".
_ROLE_GIVING_VERBS = word_set("name appoint elect crown choose select")


def _who_was_named(clause: Clause, subject: str, ctx: QuestionContext) -> str | None:
    """'Who was named best supporting actress?' / 'Who was appointed chief executive of Acme?': a named person
    given a role in the passive; the role follows the verb."""
    if not clause.is_passive or clause.lemma not in _ROLE_GIVING_VERBS or clause.negated:
        return None
    if not (_is_person(subject, ctx) or subject in ctx.surnames):
        return None
    rest = clause.rest.removeprefix("as ")
    if not rest or rest.split()[0].lower() in _PREPOSITION_WORDS | {"after", "in", "on", "by", "the", "a", "an"}:
        return None  # "was named after her grandmother", "was named in the squad": no role follows
    kept = clean_rest(rest)
    if not kept or len(kept.split()) < 2 or not _usable_rest(kept) or _POSSESSIVES.search(kept):
        return None  # "named captain": whose captain, the question cannot say
    verb = clause.verb + (" as" if clause.rest.startswith("as ") else "")
    return finish_question(" ".join(w for w in ["Who", clause.auxiliary.lower(), *clause.chain, verb, kept] if w))


def _who(clause: Clause, subject: str, ctx: QuestionContext) -> str | None:
    if not clause.verb or clause.is_passive or not _names_an_actor(subject, ctx) or clause.lemma in _REPORTING_LEMMAS:
        return None
    if clause.tag not in {"VBD", "VBN"} and not (clause.tag == "VB" and clause.auxiliary.lower() == "will"):
        return None  # "Who closes down a team-mate?": a present-tense photo caption, not a fact of the story ("Who
        # will remain Acting Premier?" is a fact the story announces)
    if clause.lemma in _EMPTY_WHO_VERBS:
        return None  # "Who read out a letter …?", "Who made the comments …?": the verb says nothing of its own
    kept = clean_rest(clause.rest)
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
    plan want hope aim intend decide refuse agree promise vow threaten attempt try seek expect need
    offer fail manage choose pledge propose set schedule struggle wish
    """
)
# Plan verbs whose active "What did X <verb> to do?" says nothing of a plan (passive "expected to" does).
_GUESS_VERBS = word_set("expect choose")
# Verbs whose "that"-clause is a finding: "What did researchers find?".
_FINDING_VERBS = word_set(
    "find show reveal discover learn realise realize conclude suggest indicate confirm prove announce rule"
)
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
    if clause.lemma in _GUESS_VERBS and not clause.is_passive:
        return None  # "What does Bridenstine expect to do?", "What did NASA choose to do?": reads as vague
    if not any(is_upper_start(t) or looks_like_name(t) for t in subject.split()):
        return None  # "What are temperatures set to do?": whose plan, the question does not say
    rest = clause.rest.split()
    if len(rest) < 2 or rest[0] != "to" or not (verb_reading(rest[1]) or None):
        return None
    reading = verb_reading(rest[1])
    if reading is None or "VB" not in reading.tags or rest[1] in {"be", "have"}:
        return None
    return clause.question("What", "to do", subject)


# Verbs that ask someone named to do something: "What did the Greens call on Premier Mike Baird to do?".
_REQUEST_VERBS = word_set("urge ask order call encourage advise instruct challenge invite")
_REQUEST = re.compile(
    r"^(?P<on>on\s+)?(?P<object>(?:the\s+)?(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’-]*)\s+to\s+(?P<verb>[a-z]+)\b"
)


def _request(clause: Clause, subject: str, ctx: QuestionContext) -> str | None:
    """'The Greens called on Premier Mike Baird to give workers Monday off' → 'What did the Greens call on Premier
    Mike Baird to do?': a named subject asked a named person or body to do something; what, the answer says."""
    if clause.lemma not in _REQUEST_VERBS or clause.is_passive or clause.tag not in {"VBD", "VBN"}:
        return None
    match = _REQUEST.match(clause.rest)
    if match is None or bool(match.group("on")) != (clause.lemma == "call"):
        return None  # "called Smith to …" is no request; "urged on" is no object
    reading = verb_reading(match.group("verb"))
    if reading is None or "VB" not in reading.tags:
        return None
    target = match.group("object")
    if any(t.lower().strip(".") in EN_NOT_NAMES for t in target.split()) or not _names_an_actor(subject, ctx):
        return None  # "asked Tuesday to …": a time, not a person
    if target.split()[0] != "the" and not _names_an_actor(target, ctx):
        return None
    return clause.question("What", f"{match.group('on') or ''}{target} to do", subject)


def _accusation(clause: Clause, subject: str, ctx: QuestionContext) -> str | None:
    """'Mr Hussen accused police of not doing enough' → 'What did Mr Hussen accuse police of?': who accused whom
    is in the question, of what is the answer."""
    if clause.lemma != "accuse" or clause.is_passive or clause.tag not in {"VBD", "VBN"}:
        return None
    target, of, _ = clause.rest.partition(" of ")
    words = target.split()
    if not of or not words or len(words) > 6 or not _names_an_actor(subject, ctx):
        return None
    if words[0].lower() not in {"the"} | _NP_OPENERS and not all(
        is_upper_start(w) or w == "and" or (w.islower() and _plain_noun(w)) for w in words
    ):
        return None  # "accused him of", "accused his old team of": whom, the question cannot say
    if clean_rest(target) != target or not _usable_rest(target):
        return None
    return clause.question("What", f"{target} of", subject)


def _finding(clause: Clause, subject: str) -> str | None:
    if clause.lemma not in _FINDING_VERBS or clause.is_passive or not clause.rest.startswith("that "):
        return None
    if re.match(r"that\s+(?:a|an|the)\s+(?:man|woman|player|person|source|figure)\s+(?:who|whom|whose)\b", clause.rest):
        return None  # "indicated that a man who has been linked with United …": a riddle, whom it means is unsaid
    if len(subject.split()) < 2 and not any(is_upper_start(t) or looks_like_name(t) for t in subject.split()):
        return None  # "What do studies indicate?": which studies?
    return clause.question("What", "", subject)


# Participles that describe, report or relate rather than tell what happened to someone.
_NOT_EVENTS = word_set(
    """
    involve follow say think believe know see expect consider criticise criticize base link name call describe
    report show praise base tell ask give use make set hold find require allow expect schedule plan design
    build make sell buy fill locate house own run launch found create establish develop affiliate associate
    employ base consult bear induct honour honor award inaugurate shortlist teach educate train raise
    """
)


def _happened(clause: Clause, subject: str, ctx: QuestionContext) -> str | None:
    """'Stancil was arrested in Daytona Beach' → 'What happened to Stancil?': a named person, and a verb that
    is an event ("arrested", "expelled", "swept to her death"), not a description ("was involved in")."""
    if not clause.is_passive or clause.auxiliary.lower() not in {"was", "were", "has", "have"}:
        return None
    if clause.lemma in _NOT_EVENTS or not (_is_person(subject, ctx) or subject in ctx.surnames):
        return None  # "What happened to the Department of Homeland Security?" → "was involved": no event
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
    role = re.match(
        r"^(?:a|an|the)\s+(?:[\w'’-]+\s+){0,2}?(?P<head>[a-z][\w-]*)(?=$|\s(?:of|for|at|in|with|who)\b|,)", clause.rest
    )
    if person:
        # "Who is X?" only where the answer says what X is: a role ("a former Arsenal striker"), not an
        # opinion ("a handful for defenders") or a ranking ("one of the best").
        if role is None or not is_role_noun(role.group("head")) or clause.auxiliary.lower() == "was":
            return None  # "Who was X?" reads as if X were dead, and a past role is seldom what X is known for
        return f"Who {clause.auxiliary.lower()} {subject}?"
    if not clause.rest.startswith(("a ", "an ")) or clause.auxiliary.lower() == "was":
        return None  # "What is Trump?" → "the final decision-maker": a ranking, not a definition
    return f"What {clause.auxiliary.lower()} {subject}?"


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
        ("why", _why(clause, subject, ctx)),
        ("how", _how(clause, subject)),
        ("how long", _how_long(clause, subject)),
        ("when", _when(clause, subject)),
        ("where", _where(clause, subject)),
        ("what", _what(clause, subject, ctx)),
        ("who", _who(clause, subject, ctx) or _who_was_named(clause, subject, ctx)),
        ("plan", _to_plan(clause, subject)),
        ("request", _request(clause, subject, ctx) or _accusation(clause, subject, ctx)),
        ("finding", _finding(clause, subject)),
        ("happened", _happened(clause, subject, ctx)),
        ("definition", _identity(clause, subject, ctx)),
    ):
        if question:
            found.append(FactQuestion(kind, question, subject))
    return [q for q in found if is_specific(q.question, ctx) and len(q.question.split()) <= 20]


# For the other English question modules: a subject that ends in a personal name.
is_person_name = _is_person
names_an_actor = _names_an_actor

__all__ = [
    "BE_FORMS",
    "PURPOSE_MARKERS",
    "FactQuestion",
    "fact_questions",
    "is_person_name",
    "is_specific",
    "names_an_actor",
    "subject_in_question",
    "trim_rest",
]
