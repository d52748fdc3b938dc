"""English identity questions from an apposition: "Ascom, a global provider of healthcare ICT, announced …" →
"What is Ascom?"; "… said Jennifer Ngo-Anh, the head of the research team." → "Who is Jennifer Ngo-Anh?".

A colleague who meets a name they do not know asks who or what it is, and news writing answers that in the
comma-delimited phrase right after the name. The question is asked only where that phrase is a noun phrase
opening with an article (a verb inside it means the commas close a clause, not an apposition: "In Paris, a
man was arrested"), the name is a name (capitalised words, not a pronoun, a weekday or a place the sentence
merely starts in), and the sentence does not report a death (where "Who is …?" would be the wrong tense).

News also writes the role before the name ("AA president Edmund King"); `title_question` asks about those; and
a role without an article that names its organisation ("Pete Saunders, chief executive of the National
Association for …,"); `bare_role_question` asks about those. All answer with the description itself ("Edmund
King is the AA president."), since the sentence around it is usually about something else. The other patterns
read such a sentence without the role (`without_role_aside`: "Alex Stevens, regional policy advisor, said …" →
"Alex Stevens said …"), so that the name is the subject of its verb.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import lemminflect

from bot.pipeline.language import word_set
from bot.summarize.english_verbs import verb_reading
from bot.summarize.question_names import (
    EN_LOWER_MODIFIERS,
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
    r"employee|candidate|advocate|judge|senator|governor|mayor|colleague|friend|veteran|survivor|victim|"
    r"grapher|banker|campaigner|lecturer|presenter|programmer|"
    r"entrepreneur|nurse|midwife|surgeon|pilot|soldier|detective|chef|principal|negotiator)$"
)
_THING_HEADS = frozenset(
    {"airliner", "computer", "container", "paper", "center", "centre", "trailer", "tower", "cluster", "river",
     "corridor", "sector", "motor", "reactor", "factor", "monitor", "error", "vendor", "event", "agent",
     "component", "department", "government", "tournament", "parliament", "continent", "restaurant", "plant",
     "element", "instrument", "document", "movement", "settlement", "establishment", "investment", "treatment",
     "equipment", "management", "agreement", "statement", "payment", "segment", "apartment", "platform",
     "ess", "business", "press", "address", "access", "process", "progress", "congress", "fortress"}
)  # fmt: skip
_RELATIVE = re.compile(r"\s(?:who|whose)\s")
_HEAD_END = re.compile(r"\s(?:of|with|at|for|from|in|on|who|which|whose|to|based|known|focused)\s")


def _head(phrase: str) -> str:
    """The phrase's head noun: its last word before a preposition or relative clause ("the head of …")."""
    core = _HEAD_END.split(f" {phrase} ", maxsplit=1)[0].split()
    return core[-1].lower().strip("'’") if core else ""


def _is_person_head(head: str) -> bool:
    return head not in _THING_HEADS and bool(_PERSON_HEAD.search(head))


class Apposition(NamedTuple):
    """A question about a name and its answer, made of the apposition itself: "X is <the phrase>."

    The sentence an apposition sits in is usually about something else ("… said Jennifer Ngo-Anh, the head of
    the research team."), so the answer a reader needs is the description, not the whole sentence.
    """

    question: str
    name: str
    answer: str


def _answer(name: str, phrase: str) -> str:
    return f"{name} is {phrase.strip()}."


def apposition_question(sentence: Sentence, ctx: QuestionContext) -> Apposition | None:
    """("Who is X?" / "What is X?", X, "X is …") for the first named apposition in the sentence, or None."""
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
        # "a photographer who worked as an engineer for Minolta": a relative clause goes on describing the noun,
        # its verbs belong to it; the checks for a clause read only the noun phrase before it.
        noun_phrase = _RELATIVE.split(phrase, maxsplit=1)[0]
        phrase_words = noun_phrase.split()
        if len(phrase.split()) < 3 or len(phrase_words) < 2 or _FINITE.search(noun_phrase):
            continue  # "a spokesman": too thin to answer; a verb: a clause, not an apposition
        if any(
            en_is_verb_form(w) and not phrase_words[i - 1].endswith("ly") for i, w in enumerate(phrase_words) if i > 1
        ):
            continue  # "Yesterday, the company announced …": a verb after the noun ("a retired teacher" is fine)
        described = _HEAD_END.split(f" {noun_phrase} ", maxsplit=1)[0].split()[1:]
        if not described or sum(1 for w in described if is_upper_start(w)) * 2 > len(described):
            continue  # "Canada, the United Kingdom, Ireland": more names, not a description ("the boss of Direct
            # Health Solutions" is one: the names after "of" say whose boss)
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
            return Apposition(f"Who is {name}?", name, _answer(name, phrase))
        if person_name:
            continue  # "Monbeg Dude, the horse …": a name like a person's, a description that is not
        if before and before[-1].lower() not in _THING_INTRODUCERS:
            continue  # "his father Peter, the …", "Airbus' iconic A380, …": the name is part of a longer phrase
        return Apposition(f"What is {name}?", name, _answer(name, phrase))
    return None


# A role written before a name, news style: "NASA chief scientist Ellen Stofan", "AA president Edmund King",
# "former astronaut John Grunsfeld". The head must be a role noun; up to three words (an organisation, an
# adjective) may stand before it.
_ROLE_HEADS = (
    "president|chairman|chairwoman|chair|chief|ceo|cfo|cto|founder|co-founder|director|minister|secretary|"
    "spokesman|spokeswoman|spokesperson|leader|coach|manager|captain|striker|defender|midfielder|goalkeeper|"
    "keeper|star|actor|actress|singer|author|professor|lawyer|attorney|judge|senator|governor|mayor|analyst|"
    "economist|researcher|scientist|astronaut|officer|editor|executive|boss|head|commissioner|ambassador|"
    "prosecutor|investigator|general|colonel|chancellor|presenter|player|champion|jockey|trainer|rapper|"
    "designer|architect|historian|physicist|engineer|surgeon|doctor|owner|winner"
)
_ROLE_HEAD_WORDS = frozenset(_ROLE_HEADS.split("|"))
ROLE_HEAD = re.compile(r"(?i:" + _ROLE_HEADS + r")")
_ROLE_THEN_NAME = re.compile(
    r"\b(?i:" + _ROLE_HEADS + r")\s+"
    r"(?P<name>[A-Z][a-z]+(?:-[A-Z]?[a-z]+|['’][A-Z][a-z]+)?(?:\s+[A-Z][a-z]+(?:-[A-Z]?[a-z]+|['’][A-Z][a-z]+)?){1,2})"
    r"(?![\w'’-])"
)
# Roles one of several people hold: "a Taliban spokesman", not "the".
_INDEFINITE_ROLES = word_set(
    """
    spokesman spokeswoman spokesperson official analyst researcher scientist expert lawyer attorney officer
    professor player star striker defender midfielder goalkeeper keeper author actor actress singer astronaut
    economist historian physicist engineer surgeon doctor investigator prosecutor jockey trainer rapper designer
    architect presenter executive
    """
)
_ROLE_STOP = word_set(
    """
    the a an and or but nor yet so of in on at to for by with from as said says told his her their its who that
    which when while after before than however meanwhile also then now yesterday today earlier later last this
    both including
    """
)


def _role_words(before: list[str]) -> list[str]:
    """The words of a role that stand before its head ("NASA chief", "former New York"): back from the head
    until a word that cannot be part of it (an article, a preposition, a verb, punctuation)."""
    kept: list[str] = []
    for word in reversed(before):
        if word.endswith((",", ";", ":", ".", '"', "”", "’", "'")) or word.lower() in _ROLE_STOP:
            break
        if word[:1].islower() and not _role_modifier(word):
            break
        kept.insert(0, word)
    return kept


def _role_modifier(word: str) -> bool:
    """A lower-case word that can describe a role ("former", "soccer", "assistant"), not a verb ("face")."""
    lemmas = lemminflect.getAllLemmas(word.lower())
    return bool(lemmas) and "VERB" not in lemmas and bool({"ADJ", "NOUN"} & set(lemmas))


def title_question(sentence: Sentence, ctx: QuestionContext) -> Apposition | None:
    """ "Who is Edmund King?" → "Edmund King is the AA president." for a role written before a full name.

    The role words must be the role's own (no article, preposition or verb among them: "said AA president
    Edmund King" keeps "AA president"), the name two or three capitalised words that are not an organisation,
    and the sentence must not report a death.
    """
    text = sentence.text
    if _ROLE_HEAD_WORDS.isdisjoint(text.lower().split()) or _DEATH.search(text):
        return None  # no role word at all: spare the pattern
    for match in _ROLE_THEN_NAME.finditer(text):
        before = text[: match.start()].split()[-3:]
        head_word = text[match.start() : match.start("name")].split()
        role_words = _role_words(before) + head_word
        owner = next((i for i, w in enumerate(role_words) if w.endswith(("'s", "’s"))), None)
        if owner is not None and (owner > 0 or not role_words[owner][:1].isupper()):
            continue  # "Nepal India's Prime Minister", "Assistant State's Attorney": where the role starts is unclear
        if len(role_words) < 2:
            continue  # "founder Yen Reis": whose founder, the answer would not say
        if role_words[-1][:1].isupper() and role_words[-2].islower() and role_words[-2] not in EN_LOWER_MODIFIERS:
            continue  # "honeybee Professor James Marshall": a word from the sentence, not part of the title
        name = match.group("name")
        name_tokens = name.split()
        if any(t.lower() in EN_NOT_NAMES or ctx.is_common(t) for t in name_tokens):
            continue
        if not is_person_name(name, ctx):
            continue
        start = match.start() - len(" ".join(role_words[:-1])) - 1
        positional = len(role_words) > 1 and (role_words[1][:1].islower() or "-" in role_words[0])
        lowered_first = (ctx.is_common(role_words[0]) or positional) and not looks_like_name(role_words[0])
        if start <= 0 and lowered_first and owner is None:
            role_words[0] = role_words[0].lower()  # "Panel chair Martin Pilkington" → "the panel chair"
        head = role_words[-1].lower()
        article = "a" if head in _INDEFINITE_ROLES else "the"
        if owner is not None:
            return Apposition(f"Who is {name}?", name, f"{name} is {' '.join(role_words)}.")
        if article == "a" and role_words[0][:1].lower() in "aeiou":
            article = "an"
        if role_words[0].lower() in {"former", "ex"} and head in _INDEFINITE_ROLES:
            article = "a"
        return Apposition(f"Who is {name}?", name, f"{name} is {article} {' '.join(role_words)}.")
    return None


# A role with no article in commas after a person's name, news style, saying of what: "Pete Saunders, chief
# executive of the National Association for People Abused in Childhood, said …"; "… said Leonard Ellerbe, CEO
# of Mayweather Promotions." The organisation must be named (capitalised words after "of"/"at").
_BARE_ROLE = re.compile(
    r"(?:^|(?<=\s))(?P<name>(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?[A-Z][a-z][\w'’-]*(?:\s+[A-Z][a-z][\w'’-]*){0,2}),\s+"
    r"(?P<role>(?:[\w-]+\s+){0,3}?(?P<head>[\w-]+))\s+(?P<link>of|at)\s+"
    r"(?P<org>(?:the\s+)?[A-Z][\w'’&.-]*(?:\s+(?:[A-Z][\w'’&.-]*|of|for|and|&|the|in|on))*?)(?=,\s|\.$)"
)
_BARE_ROLE_HEADS = _ROLE_HEAD_WORDS | frozenset({"director-general", "student", "member", "fellow", "partner"})
# Roles one of several people hold: the answer says "a student at …", "a lawyer at …"; a chief or a head is
# the only one ("the chief executive of …").
_SHARED_ROLES = word_set(
    """
    student member fellow partner spokesman spokeswoman spokesperson official analyst researcher scientist
    professor lawyer attorney officer player
    """
)
_SOLE_ROLE_WORDS = frozenset({"chief", "head", "general", "lead", "managing"})


def bare_role_question(sentence: Sentence, ctx: QuestionContext) -> Apposition | None:
    """ "Who is Pete Saunders?" → "Pete Saunders is the chief executive of the National Association for …" for a
    person's name followed in commas by a role without an article and the organisation it is a role of."""
    text = sentence.text
    if _DEATH.search(text):
        return None
    for match in _BARE_ROLE.finditer(text):
        name, role, head = match.group("name"), match.group("role"), match.group("head").lower()
        if head not in _BARE_ROLE_HEADS or role.split()[0].lower() in {"a", "an", "the", "who", "which", "and"}:
            continue
        before = text[: match.start()].split()
        if before and (before[-1].lower() in _NOT_BEFORE or before[-1].endswith((",", ";", ":"))):
            continue  # a list, or a name that began before what we read
        if any(en_is_verb_form(w) for w in role.split()) or _FINITE.search(role):
            continue  # "Smith, who said …": a clause, not a role
        if not (is_person_name(name, ctx) or re.match(r"(?:Mr|Mrs|Ms|Dr)\.?\s", name)):
            continue  # "Furness General Hospital, part of …": not a person
        if any(t.lower().strip(".") in EN_NOT_NAMES or ctx.is_common(t) for t in name.split()[-2:]):
            continue
        org = match.group("org")
        if org.split()[-1].lower() in {"of", "for", "and", "&", "the", "in", "on"}:
            continue  # the organisation's name was cut
        role_text = role[:1].lower() + role[1:] if ctx.is_common(role.split()[0]) else role
        shared = head in _SHARED_ROLES and _SOLE_ROLE_WORDS.isdisjoint(w.lower() for w in role.split())
        article = "a" if shared else "the"
        answer = f"{name} is {article} {role_text} {match.group('link')} {org}."
        return Apposition(f"Who is {name}?", name, answer)
    return None


# A role without an article in commas between a name and its verb, news style: "Alex Stevens, South West regional
# policy advisor, said: …", "Warner, Brenda Burns's attorney, said that …", "Eddie Coyle, prosecuting, said …",
# "Dave Thompson, director of the Category B prison, said: …". The patterns that read a subject and its verb
# need the verb right after the name; `bare_role_question` asks about the role itself from the sentence as written.
_ROLE_ASIDE = re.compile(
    r"^(?P<name>(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}),\s+"
    r"(?P<role>[^,;:()\[\]\"“”‘]{3,90}?),\s+(?=(?!(?:and|or|but|nor)\b)[a-z])"
)
# Counsel in court named by what they do: "Eddie Coyle, prosecuting, said …".
_COUNSEL = word_set("prosecuting defending mitigating")


def without_role_aside(text: str) -> str:
    """`text` without a role in commas after the name that opens it ("Alex Stevens, regional policy advisor,
    said …" → "Alex Stevens said …"), or `text` itself.

    The role must be a role: no article (those are `strip_asides`' and `apposition_question`'s), a head noun that
    names what a person is ("advisor", "attorney", "director of …", "CEO of …") or counsel's "prosecuting", no
    verb (", who said", ", speaking yesterday,"); the name must not open with a preposition or a connective ("In
    Leeds, council officers, …"), and the word after the closing comma must carry the clause on, not a list
    ("Kane, striker, and …").
    """
    match = _ROLE_ASIDE.match(text)
    if not match:
        return text
    name, role = match.group("name"), match.group("role")
    first = name.split()[0].lower()
    if first in _OPENERS or first in PRONOUNS["en"] or first in {"the", "a", "an", "however", "meanwhile"}:
        return text
    words = role.split()
    if words[0].lower() in {"a", "an", "the", "who", "which", "whose", "that", "and", "or", "but"} or len(words) > 10:
        return text
    if _FINITE.search(role) or any(en_is_verb_form(w) for w in words if not w.endswith("-based")):
        return text  # "Smith, who said …", "Smith, speaking yesterday, …": a clause, not a role
    if any(w.startswith(("'", "’")) for w in words):
        return text  # "'Mrs Maisel' actress": a quotation inside, not a plain description
    head = _head(role)
    if not (head in _COUNSEL or ROLE_HEAD.fullmatch(head) or _is_person_head(head)):
        return text
    after = text[match.end() :]
    if not _opens_with_verb(after):
        return text  # "Mr Parish, chairman of the Commons' environment, food and rural affairs committee, said": a
        # comma inside the role, whose rest is no verb
    return f"{name} {after}"


_AUXILIARY_WORDS = word_set("is are was were has have had will would can could may might must should do does did")
_BEFORE_VERB_ADVERBS = word_set("also then later now previously recently today yesterday")


def _opens_with_verb(text: str) -> bool:
    """ "said: …", "has accused …", "also revealed …": the clause goes on with its verb."""
    words = [w.strip(",.;:") for w in text.split()[:2]]
    if words and words[0] in _BEFORE_VERB_ADVERBS:
        words = words[1:]
    if not words:
        return False
    reading = verb_reading(words[0]) if words[0].isalpha() else None
    return words[0] in _AUXILIARY_WORDS or (reading is not None and bool(reading.tags & {"VBD", "VBZ"}))
