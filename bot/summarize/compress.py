"""A shorter version of one sentence, for the TL;DR: the main claim without its asides.

News leads pack the point together with who said it, when, how old everyone is and a clause of background:
"They may not be "Star Trek"-type extraterrestrials, but we may be close to finding evidence of alien life, a
NASA scientist says." The TL;DR wants the point ("We may be close to finding evidence of alien life.") while the
full sentence can still be a key point. Sentence compression by deletion is the classic extractive way to get
there (Knight & Marcu 2002; Clarke & Lapata 2008): remove constituents a reader can do without and keep every
remaining word in its place, so nothing is invented.

Without a parser the deletions are the ones whose edges punctuation and a few function words mark reliably:
parentheses, dash asides, ages and non-restrictive relative clauses between commas, attribution tails
(", a NASA scientist says", ", according to …"), reporting heads ("Police said Friday that …"), trailing
participle and subordinate clauses (", sobbing as …", "… after he let pupils …"), introductory phrases
("Speaking on Tuesday, …", "With the new season starting, …"), the first half of a concession ("X, but Y"), and
bare time adverbs ("on Tuesday", "last night"). A deletion is only kept when what remains still reads as a
sentence of its own: long enough, starting with a capital, and not opening with a pronoun that pointed back
into the part removed. Rules apply to English; the punctuation-only ones (parentheses, dash asides) to every
language.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_MIN_WORDS = 6
_OPEN_QUOTES = "\"“‘'«„"
_WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"

# --- every language: punctuation marks the edges -------------------------------------------------------------
_PARENTHESIS = re.compile(r"\s*\([^()]{1,160}\)|\s*\[[^\[\]]{1,160}\]")
_DASH_ASIDE = re.compile(r"\s(?:—|–|--?)\s[^—–\"“”«»]{1,140}?\s(?:—|–|--?)\s")
# A dash tail is an aside only when it does not open a clause of its own ("… - this robotic head is …").
_DASH_TAIL = re.compile(
    r"\s(?:—|–|--?)\s(?!(?:this|that|these|those|it|he|she|they|we|i|you|there)\b)[a-z0-9][^—–\"“”«»]{1,200}?"
    r"(?=[.!]$)"
)

# --- English ----------------------------------------------------------------------------------------------
_AGE = re.compile(r",\s*(?:aged\s+)?\d{1,3},(?=\s)")
# The word after the closing comma must carry the sentence on ("…, has died"), not continue a list
# ("whose entertainments abounded on TV, the radio and on records, …").
_RELATIVE = re.compile(
    r",\s*(?:who|whose|which\s(?:is|was|are|were|has|had|have|will|would|can|could|may|might))\s"
    r"[^,;:\"“”]{1,140},(?=\s+(?!(?:the|a|an|and|or|his|her|their|its|on|in|at)\b)[a-z])"
)
_APPOSITION = re.compile(
    r"(?<=[A-Za-z]),\s*(?:(?:a|an|the)\s(?:former\s|current\s|new\s)?|(?:originally|formerly|now|once|both|"
    r"then|still|himself|herself|themselves|also)\s)[^,;:\"“”]{1,80},(?=\s+[a-z])"
)
# Only neutral reporting verbs: dropping ", a charity claims" or ", insists X" would turn an opinion into a fact.
_REPORTING = (
    r"(?:said|says|say|reported|reports|told\s[^,;\"“”]{1,40}|revealed|reveals|added|announced|announces|"
    r"confirmed|confirms|explained|explains|wrote|writes|ruled|has\s+ruled|has\s+decided|decided|found|finds|"
    r"shows|showed|show)"
)
# ", a NASA scientist says." / ", police said on Tuesday." / ", according to a new study." / ", insists Gerard
# Pique.": a short speaker (no pronoun, no clause) and at most a few words of time after the verb.
_SPEAKER = r"(?:(?!(?:he|she|they|it|we|i|you|there|this|that)\b)[\w'’.-]+\s){1,6}?"
_ATTRIBUTION_TAIL = re.compile(
    r",\s*(?:according\sto\s[^,;\"“”]{1,100}|" + _SPEAKER + _REPORTING + r"(?:\s[\w'’]+){0,4}|"
    r"(?:says|said|writes|wrote)\s(?:[\w'’.-]+\s?){1,6})\s*(?=[.!]$)"
)
_REPORTING_HEAD = re.compile(
    r"^(?P<head>[A-Z][^,;\"“”]{1,80}?\s(?:has\s+|have\s+|had\s+)?"
    r"(?:said|says|revealed|reveals|announced|announces|confirmed|confirms|reported|reports|found|finds|"
    r"told\s[^,;\"“”]{1,40}?)"
    r"(?:\s(?:on\s)?" + _WEEKDAYS + r"|\s(?:last|this)\s\w+|\s(?:yesterday|today|tonight))?\s+that\s)(?P<rest>.+)$"
)
_TRAILING_PARTICIPLE = re.compile(r",\s*(?:[a-z]+ing)\b[^;\"“”]*?(?=[.!]$)")
# A subordinate clause at the end; "as" only after a comma ("as likely as" is a comparison).
_TRAILING_SUBORDINATE = re.compile(
    r"(?:(?P<comma>,)\s*|\s)(?P<word>after|as|when|while|because|since|before|despite|amid|following|where|"
    r"in\s+what|in\s+a\s+bid\s+to|in\s+an\s+attempt\s+to|in\s+the\s+hope|in\s+order\s+to|so\s+that|"
    r"even\s+though|although|though|until|by\s+\w+ing)\s[^\"“”]+?(?=[.!]$)"
)
# "as he labelled …", "as they trained": "as" opening a clause, told from a comparison by its subject.
_AS_CLAUSE_SUBJECT = frozenset(["he", "she", "they", "it", "we", "i"])
# "just a week before he was …", "20 years after …": the clause is bound to a measure of time before it.
_TIME_MEASURES = frozenset(
    [
        "just",
        "only",
        "shortly",
        "soon",
        "long",
        "right",
        "immediately",
        "moments",
        "minutes",
        "hours",
        "days",
        "weeks",
        "months",
        "years",
        "week",
        "day",
        "month",
        "year",
        "hour",
        "minute",
    ]
)
# A finite verb whose subject is not a pronoun: a removed stretch containing one may hold the main clause
# ("A landlord who was convicted after claiming … has vowed …"), so it is not removed.
_FINITE = re.compile(
    r"(?<!\bhe)(?<!\bshe)(?<!\bit)(?<!\bthey)(?<!\bwe)(?<!\bi)(?<!\byou)(?<!\bwho)(?<!\bthat)(?<!\bwhich)"
    r"\s(?:is|are|was|were|has|have|had|will|would|can|could|may|might|must|should|shall|does|did|appears|seems)\b"
    r"|\b(?:there|it|that)['’]s\b",
    re.IGNORECASE,
)
_COORDINATORS = frozenset({"and", "or", "but", "nor"})
_AUXILIARIES = frozenset({"be", "been", "being", "is", "are", "was", "were", "has", "have", "had", "get", "got"})
_INTRODUCTION = re.compile(
    r"^(?:Speaking|Writing|Asked|According\sto|In\sa\s(?:statement|post|letter|video|interview)|Although|Though|"
    r"While|Despite|As\spart\sof|In\san\sinterview|As|When|Following|Amid|Since|"
    r"(?:Just\s|Only\s|Shortly\s|(?:\w+\s)?(?:days?|hours?|weeks?|months?|years?)\s)?(?:[Aa]fter|[Bb]efore)|"
    r"On\s" + _WEEKDAYS + r"|Last\s\w+|Earlier\sthis\s\w+|This\s(?:week|month|year)|Yesterday|Today)\b"
    r"[^,\"“”]{0,120},\s+(?=(?:the|a|an|this|these|those|his|her|their|its|our|my|[A-Z])\w*\b|"
    r"(?!(?:and|or|but|so|then|he|she|it|they|we|i|you|which|who|while|when|if)\b)[a-z]\w*\s+(?!and\b)[a-z])"
)
_CONCESSION = re.compile(r"^(?:[^\"“”]|\"[^\"]{1,60}\"|“[^”]{1,60}”){8,160}?,\s+but\s+(?=[a-z])")
# Time adverbs: "on Tuesday", "last night", "March 3", "yesterday"; a bare weekday too ("pleaded not guilty
# Friday"), but not one that is a subject ("and Wednesday was no exception").
_TIME = re.compile(
    r"\s(?P<on>on\s+)?(?:"
    + _WEEKDAYS
    + r"(?:\s(?:morning|afternoon|evening|night))?|"
    + _MONTHS
    + r"\s\d{1,2}(?:st|nd|rd|th)?(?:,\s\d{4})?|"
    r"(?:last|this|earlier\sthis|later\sthis)\s(?:night|week|weekend|month|year|morning|afternoon|evening)|"
    r"yesterday|today|tonight)(?=[\s,.;])(?P<next>\s+\w+)?"
)
# After these words a time phrase is part of something larger ("over the last year", "the Friday before").
_TIME_BOUND_BY = frozenset(
    [
        "and",
        "or",
        "but",
        "the",
        "a",
        "over",
        "in",
        "during",
        "for",
        "since",
        "from",
        "until",
        "by",
        "before",
        "after",
        "next",
        "every",
        "of",
        "at",
        "this",
        "that",
    ]
)
_WEEKDAY_NAMES = frozenset(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
_TIME_IS_SUBJECT = frozenset(
    ["was", "is", "will", "has", "had", "were", "are", "would", "could", "night", "morning", "afternoon", "evening"]
)
_LEADING_PRONOUN = re.compile(r"^(?:he|she|it|they|his|her|its|their|this|these|those|him|them)\b", re.IGNORECASE)
_OWN_SUBJECT = re.compile(r"^(?:the|a|an|[A-Z][\w'’-]+\s+[A-Z])\b")
_PRONOUN = re.compile(r"\b(?:he|she|they|his|her|their|him|them)\b", re.IGNORECASE)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _finish(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return re.sub(r",\s*(?=[.!?]$)", "", text)


def _reads_alone(candidate: str, original: str) -> bool:
    """What remains is a sentence a reader can take alone: long enough, capitalised, no orphaned pronoun."""
    if len(candidate.split()) < _MIN_WORDS or not candidate[:1].isupper():
        return False
    if _LEADING_PRONOUN.match(candidate) and not _LEADING_PRONOUN.match(original):
        return False
    return candidate.count('"') % 2 == 0 and candidate.count("(") == candidate.count(")")


def _delete(pattern: re.Pattern[str], replacement: str = "", *, clause_free: bool = False) -> Callable[[str], str]:
    """Remove every match; with `clause_free`, only matches that hold no finite verb of another subject."""

    def delete(text: str) -> str:
        if not clause_free:
            return pattern.sub(replacement, text)
        return pattern.sub(lambda m: m.group(0) if _FINITE.search(m.group(0)) else replacement, text)

    return delete


def _drop_head(text: str) -> str:
    """ "Police said Friday that the man …" → "The man …", unless the rest leans on the head's pronouns."""
    match = _REPORTING_HEAD.match(text)
    if not match or _PRONOUN.search(match.group("rest")):
        return text
    return _capitalise(match.group("rest"))


def _drop_trailing_subordinate(text: str) -> str:
    """ "… has been banned after he let pupils …" → "… has been banned."; the first clause that qualifies.

    Not after "and"/"or" (the clause is then part of a list), and not right after a bare participle
    ("embryos created while they dated" would leave "created" hanging) unless an auxiliary shows it is the
    verb of the sentence ("have been suspended after …").
    """
    for match in _TRAILING_SUBORDINATE.finditer(text):
        before = text[: match.start()].split()
        if match.group("word") == "as" and not match.group("comma"):
            following = text[match.end("word") :].split()[:1]
            comparison = "as" in (w.lower() for w in before[-3:])  # "as likely as the population"
            if comparison or not following or following[0].lower() not in _AS_CLAUSE_SUBJECT:
                continue
        if match.group("word") == "where" and not match.group("comma"):
            continue
        following_word = text[match.end("word") :].split()[:1]
        if (before and before[-1].lower() in _TIME_MEASURES) or following_word[:1] in (["and"], ["or"]):
            continue
        if _FINITE.search(text[match.start() :]):
            continue
        previous = before[-1].lower().strip(",") if before else ""
        if not previous or previous in _COORDINATORS:
            continue
        bare_participle = not match.group("comma") and previous.endswith("ed")
        if bare_participle and not any(word.lower() in _AUXILIARIES for word in before[-3:-1]):
            continue
        return text[: match.start()] + text[match.end() :]
    return text


def _drop_time(text: str) -> str:
    for match in _TIME.finditer(text):
        previous = text[: match.start()].split()[-1:] or [""]
        after = (match.group("next") or "").strip().lower()
        if previous[0].lower() in _TIME_BOUND_BY or after in _TIME_IS_SUBJECT:
            continue
        bare_weekday = not match.group("on") and match.group(0).split()[0] in _WEEKDAY_NAMES
        if bare_weekday and not previous[0][:1].islower():
            continue  # "Black Friday", "Manchester United Saturday": part of a name
        end = match.end() - len(match.group("next") or "")
        return _drop_time(text[: match.start()] + text[end:])
    return text


def _drop_opening(pattern: re.Pattern[str]) -> Callable[[str], str]:
    """Drop an opening phrase, unless the rest has a pronoun whose person may have been named in it.

    A rest that opens with its own noun phrase ("…, but the reigning champions looked … as they trained")
    keeps its pronouns' referent; one that does not ("…, but with five goals he looked …") may not.
    """

    def drop(text: str) -> str:
        match = pattern.match(text)
        if not match:
            return text
        rest = text[match.end() :]
        if _PRONOUN.search(rest) and not _OWN_SUBJECT.match(rest):
            return text
        return _capitalise(rest)

    return drop


_UNIVERSAL_STEPS: tuple[Callable[[str], str], ...] = (
    _delete(_PARENTHESIS),
    _delete(_DASH_ASIDE, " "),
    _delete(_DASH_TAIL, clause_free=True),
)
_ENGLISH_STEPS: tuple[Callable[[str], str], ...] = (
    _delete(_AGE),
    _delete(_RELATIVE),
    _delete(_APPOSITION),
    _delete(_ATTRIBUTION_TAIL),
    _drop_head,
    _drop_opening(_CONCESSION),
    _drop_opening(_INTRODUCTION),
    _delete(_TRAILING_PARTICIPLE, clause_free=True),
    _drop_trailing_subordinate,
    _drop_time,
)


def compress(sentence: str, language: str | None) -> str:
    """The sentence with the asides the rules can find removed; the sentence itself when none can go.

    Each deletion is tried in turn and kept only when the result still reads alone, so a rule that would
    leave a fragment is simply skipped. A sentence that opens with a quotation is left whole: its words belong
    to the speaker, and cutting them would misquote.
    """
    if sentence[:1] in _OPEN_QUOTES:
        return sentence
    steps = _UNIVERSAL_STEPS + (_ENGLISH_STEPS if language == "en" else ())
    text = sentence
    for step in steps:
        candidate = _finish(step(text))
        if candidate != text and _reads_alone(candidate, sentence):
            text = candidate
    return text


_ASIDES = (_PARENTHESIS, _AGE, _RELATIVE, _APPOSITION)


def strip_asides(text: str) -> str:
    """English text without its asides (parentheses, ages, ", who …,", ", a former …,", dash pairs), every other
    word in place: what a question rebuilt from the sentence should not carry."""
    for pattern in _ASIDES:
        text = pattern.sub("", text)
    return _finish(_DASH_ASIDE.sub(" ", text))
