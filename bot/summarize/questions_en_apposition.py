"""English identity questions from an apposition: "Ascom, a global provider of healthcare ICT, announced …" →
"What is Ascom?"; "… said Jennifer Ngo-Anh, the head of the research team." → "Who is Jennifer Ngo-Anh?".

A colleague who meets a name they do not know asks who or what it is, and news writing answers that in the
comma-delimited phrase right after the name. The question is asked only where that phrase is a noun phrase
opening with an article (a verb inside it means the commas close a clause, not an apposition: "In Paris, a
man was arrested"), the name is a name (capitalised words, not a pronoun, a weekday or a place the sentence
merely starts in), and the sentence does not report a death (where "Who is …?" would be the wrong tense).
"""

from __future__ import annotations

import re

from bot.summarize.question_names import (
    EN_NOT_NAMES,
    EN_PREPOSITIONS,
    PRONOUNS,
    QuestionContext,
    en_is_verb_form,
    is_upper_start,
    looks_like_name,
    named_phrase,
)
from bot.summarize.questions_en_facts import is_person_name
from bot.summarize.sentences import Sentence

_APPOSITION = re.compile(
    r"(?:^|(?<=\s))(?P<name>(?:[A-Z][\w'’.&-]*\s+){0,4}[A-Z][\w'’&-]*[\w]),\s+"
    r"(?P<phrase>(?:a|an|the)\s+[^,;:()\"“”—–]{3,90}?)(?=,\s|\s+[—–-]{1,2}\s|\.$)"
)
_FINITE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|may|might|must|should|do|does|did|says|said|"
    r"that|because|if|when|while|whether|than|he|she|they|we|it|it['’]s|there['’]s)\b"
)
_DEATH = re.compile(r"\b(?:died|dies|dead|death|killed|late|murdered|stabbed|shot|obituary|funeral)\b", re.IGNORECASE)
# Words a sentence opens with before a name that are not part of it ("In Paris, a …", "On Monday, the …").
_OPENERS = EN_PREPOSITIONS | frozenset(
    {"and", "but", "or", "when", "while", "as", "since", "until", "during", "across", "near", "like", "unlike"}
)
# What may stand right before the name: a reporting verb, "by"/"with"/"including", or a role noun ("study
# co-author Anezina Solomonidou"). Not an article or a particle (the name started earlier: "the Pentagon",
# "Braunau am Inn"), not "and"/"or" (a list: "Souness and Peter Reid, the former managers").
_NOT_BEFORE = (
    frozenset(
        {"the", "a", "an", "and", "or", "&", "am", "im", "de", "von", "van", "der", "du", "la", "le", "of", "nor"}
    )
    | (EN_PREPOSITIONS - {"by", "with"})
    | frozenset({"beyond", "across", "near", "toward", "towards", "via"})
)
# What may stand before a name that is not a person's: the sentence start or one of these.
_THING_INTRODUCERS = frozenset({"by", "with", "including", "said", "says", "told", "from"})
# The head of a phrase that describes a person ("a European Space Agency research fellow", "the founder").
_PERSON_HEAD = re.compile(
    r"(?:ist|ian|man|woman|person|people|ee|ess|or|ant|ent|eer|ster|"
    r"chief|head|member|leader|official|minister|director|president|founder|author|student|native|resident|"
    r"doctor|officer|analyst|scholar|expert|player|singer|actor|star|champion|fellow|writer|designer|lawyer|"
    r"manager|owner|worker|teacher|researcher|reporter|publisher|farmer|father|mother|brother|sister|son|"
    r"daughter|wife|husband|partner|boss|coach|captain|striker|defender|keeper|rapper|dancer|trainer|"
    r"employee|candidate|advocate|judge|senator|governor|mayor|colleague|friend|veteran|survivor|victim)$"
)
_THING_HEADS = frozenset(
    {"airliner", "computer", "container", "paper", "center", "centre", "trailer", "tower", "cluster", "river",
     "corridor", "sector", "motor", "reactor", "factor", "monitor", "error", "vendor", "event", "agent",
     "component", "department", "government", "tournament", "parliament", "continent", "restaurant", "plant",
     "element", "instrument", "document", "movement", "settlement", "establishment", "investment", "treatment",
     "equipment", "management", "agreement", "statement", "payment", "segment", "apartment", "platform",
     "ess", "business", "press", "address", "access", "process", "progress", "congress", "fortress"}
)  # fmt: skip
_HEAD_END = re.compile(r"\s(?:of|with|at|for|from|in|on|who|which|whose|to|based|known|focused)\s")


def _head(phrase: str) -> str:
    """The phrase's head noun: its last word before a preposition or relative clause ("the head of …")."""
    core = _HEAD_END.split(f" {phrase} ", maxsplit=1)[0].split()
    return core[-1].lower().strip("'’") if core else ""


def _is_person_head(head: str) -> bool:
    return head not in _THING_HEADS and bool(_PERSON_HEAD.search(head))


def apposition_question(sentence: Sentence, ctx: QuestionContext) -> tuple[str, str] | None:
    """("Who is X?" / "What is X?", X) for the first named apposition in the sentence, or None."""
    text = sentence.text
    if _DEATH.search(text):
        return None
    for match in _APPOSITION.finditer(text):
        name_tokens = match.group("name").split()
        if name_tokens[0].lower() in _OPENERS:
            continue  # "In Paris, a city …": a place the sentence starts in, asked about nothing
        before = text[: match.start()].split()
        if before and (before[-1].lower() in _NOT_BEFORE or before[-1].endswith((",", ";", ":"))):
            continue  # a list, or a name that began before what we read
        phrase = match.group("phrase")
        phrase_words = phrase.split()
        if len(phrase_words) < 3 or _FINITE.search(phrase):
            continue  # "a spokesman": too thin to answer; a verb: a clause, not an apposition
        if any(
            en_is_verb_form(w) and not phrase_words[i - 1].endswith("ly") for i, w in enumerate(phrase_words) if i > 1
        ):
            continue  # "Yesterday, the company announced …": a verb after the noun ("a retired teacher" is fine)
        described = phrase_words[1:]
        if sum(1 for w in described if is_upper_start(w)) * 2 > len(described):
            continue  # "Canada, the United Kingdom, Ireland": more names, not a description
        if any(t.lower().strip(".") in EN_NOT_NAMES for t in name_tokens):
            continue
        if len(name_tokens) == 1 and name_tokens[0].lower() in PRONOUNS["en"]:
            continue
        name = named_phrase(match.group("name"), ctx, sentence_start=match.start() == 0)
        if name is None or not is_upper_start(name):
            continue
        if not all(is_upper_start(t) or looks_like_name(t) for t in name.split()):
            continue
        person_name = is_person_name(name, ctx) or name in ctx.surnames
        if _is_person_head(_head(phrase)):
            return f"Who is {name}?", name
        if person_name:
            continue  # "Monbeg Dude, the horse …": a name like a person's, a description that is not
        if before and before[-1].lower() not in _THING_INTRODUCERS:
            continue  # "his father Peter, the …", "Airbus' iconic A380, …": the name is part of a longer phrase
        return f"What is {name}?", name
    return None
