"""The main clause of an English sentence, read into subject, auxiliary, verb and the rest, so that it can be
turned into a question.

A question is the sentence rearranged: "The city doubled the night ferry service because demand rose" becomes
"Why did the city double the night ferry service?" once we know where the subject ends ("The city"), which
word is the verb ("doubled", past tense, base form "double") and where the part the question asks about begins
("because …"). News and blog prose is regular enough for a shallow reading to find that for most sentences
without a parser: skip an introductory phrase ("On Tuesday, …") and the asides between commas, then take the
first auxiliary, or the first word that can only be a finite verb in that position, as the end of the subject.
Anything less clear (a subject with a relative clause, a verb that may be a noun after a determiner, a quotation)
gives no clause, and so no question: a missing question costs less than an ungrammatical one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import lemminflect

from bot.pipeline.language import word_set
from bot.summarize.compress import strip_asides
from bot.summarize.english_verbs import verb_reading

BE_FORMS = word_set("is are was were")
HAVE_FORMS = word_set("has have had")
DO_FORMS = word_set("do does did")
MODALS = word_set("will would can could may might must should shall")
AUXILIARIES = BE_FORMS | HAVE_FORMS | DO_FORMS | MODALS
# Words between an auxiliary and its verb that a question leaves out ("has also been", "will soon start").
_SKIPPED_ADVERBS = word_set(
    """
    also already still now just soon finally reportedly recently previously officially then again even only
    first initially later currently originally actually apparently allegedly yet ever
    """
)
_CHAIN = word_set("be been being have")
_NEGATIONS = word_set("not never")
_CONTRACTIONS = {
    "is": "isn't", "are": "aren't", "was": "wasn't", "were": "weren't", "has": "hasn't", "have": "haven't",
    "had": "hadn't", "do": "don't", "does": "doesn't", "did": "didn't", "will": "won't", "would": "wouldn't",
    "can": "can't", "could": "couldn't", "should": "shouldn't", "must": "mustn't", "might": "mightn't",
}  # fmt: skip
# Openers of an introductory phrase that ends at the first comma ("On Tuesday, …", "After the vote, …").
_INTRO_OPENERS = word_set(
    """
    on in at last this earlier later after before during since following yesterday today according as when
    while with despite although though for by under speaking meanwhile now however instead if because once until
    over amid within unlike like among through across without from in addition moreover still yet so
    """
)
# A subject that holds one of these is a clause of its own: too risky to rearrange.
_CLAUSE_WORDS = word_set("who whom whose which that where when while if because although though what whether how why")
# Contracted pronoun + verb ("there's", "it's"): a clause inside the subject.
_CONTRACTED = re.compile(r"^(?:there|it|that|he|she|what|who|here)['’]s$|n['’]t$", re.IGNORECASE)
# Words that may end a subject only as adverbs ("The troll even attempted"): dropped from the question.
_SUBJECT_FINAL_ADVERBS = word_set("even also still already now then just only reportedly allegedly later")
_SUBJECT_INNER_PRONOUNS = word_set("he she they it we i you")
_NUMBER_WORDS = word_set(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty hundred thousand"
)
# A time phrase between the subject and its verb ("Clark in October revealed"): not part of the subject.
_SUBJECT_TIME = re.compile(
    r"\s+(?:in|on|last|this|early|late|earlier|later)\s+(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|night|week|"
    r"month|year|morning|afternoon|evening|weekend|\d{4})$"
)
_DETERMINERS = word_set("the a an its his her their our my your this that these those each every no any some")
_PREPOSITIONS = word_set("of by with in on at for to from into about over under against between")
_WORD = re.compile(r"[\w'’$£€%.-]+")
_EDGE = "\"'“”‘’«»()[]"


@dataclass(frozen=True, slots=True)
class Clause:
    """The main clause: subject as written, the verb group, and the words after the verb."""

    subject: str
    auxiliary: str  # the first auxiliary as written ("has", "will", "was"), or "" when there is none
    chain: tuple[str, ...]  # further verb-group words kept in a question ("been", "be")
    negated: bool
    verb: str  # the main verb as written ("doubled", "charged"); "" for a copula ("is in stable condition")
    lemma: str  # its base form ("double"); "" with no verb
    tag: str  # Penn tag of the main verb as read here: VBD, VBZ, VBP (finite) or VBN, VBG, VB (after an aux)
    rest: str  # everything after the verb group, up to the sentence's final punctuation
    subject_start: int  # where the subject begins in the sentence (after an introductory phrase)
    time: str = ""  # a time phrase that opened the sentence ("In 2013", "Last year,"): the answer to "When?"

    @property
    def is_passive(self) -> bool:
        return self.tag == "VBN" and (self.auxiliary in BE_FORMS or "been" in self.chain or "be" in self.chain)

    def question(self, wh: str, rest: str, subject: str) -> str:
        """'<wh> <aux> <subject> <verb> <rest>?' with do-support when the verb has no auxiliary."""
        if self.auxiliary:
            head = _CONTRACTIONS.get(self.auxiliary.lower(), self.auxiliary) if self.negated else self.auxiliary
            words = [wh, head.lower(), subject, *self.chain, self.verb, rest]
        else:
            do = {"VBD": "did", "VBZ": "does"}.get(self.tag, "do")
            head = _CONTRACTIONS[do] if self.negated else do
            words = [wh, head, subject, self.lemma, rest]
        return finish_question(" ".join(w for w in words if w))

    def subject_question(self, wh: str, rest: str, *, singular: bool = True) -> str:
        """'<wh> <aux> <verb> <rest>?': the question asks for the subject itself ("Who scored …?")."""
        auxiliary = self.auxiliary.lower()
        if singular:
            auxiliary = {"are": "is", "were": "was", "have": "has", "do": "does"}.get(auxiliary, auxiliary)
        verb = self.verb
        if singular and not auxiliary and self.tag == "VBP":
            return ""  # "Who say …": would need the -s form; not worth the risk
        negation = "not" if self.negated and auxiliary else ""
        words = [wh, auxiliary, negation, *self.chain, verb, rest]
        return finish_question(" ".join(w for w in words if w))


def finish_question(text: str) -> str:
    text = " ".join(text.split()).rstrip(" ,;:.")
    return text[:1].upper() + text[1:] + "?"


def _core(token: str) -> str:
    return token.strip(_EDGE).rstrip(",.;:!?").strip(_EDGE)


_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_WEEKDAY_NAMES = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
# A sentence that opens with when it happened: "In 2013 Bowe made …", "Last year, the council …", "On Tuesday,
# the council …".
_OPENING_TIME = re.compile(
    r"^(?P<time>(?:In|By|Since|Until|On|Early|Late|Last|Next|This|Earlier|Later)\s+(?:(?:early|late|mid-)\s*)?"
    r"(?:(?:19|20)\d{2}|(?:" + _MONTH_NAMES + r")(?:\s+\d{1,2})?(?:,?\s+(?:19|20)\d{2})?|year|month|week|"
    r"summer|spring|autumn|winter|season|decade|(?:" + _WEEKDAY_NAMES + r")(?:\s+(?:morning|afternoon|evening|"
    r"night))?))(?P<comma>,)?\s+(?=\S)"
)
# Words that open a subject after a time phrase with no comma: "In 2013 the council …", "Last month a judge …".
_SUBJECT_OPENERS_AFTER_TIME = frozenset({"he", "she", "the", "a", "an"})


def opening_time(text: str) -> tuple[str, str]:
    """(time phrase, rest of the sentence) when the sentence opens with a time phrase followed by a comma or by
    a capitalised subject ("In 2013 Bowe …"), else ("", text)."""
    match = _OPENING_TIME.match(text)
    if not match:
        return "", text
    following = text[match.end() :].split(" ", 1)[0]
    if not (match.group("comma") or following[:1].isupper() or following in _SUBJECT_OPENERS_AFTER_TIME):
        return "", text
    return match.group("time"), text[match.end() :]


def _body_after_introduction(text: str) -> tuple[str, int]:
    """The sentence without an introductory phrase ("On Tuesday, the council …" → "the council …";
    "Having recorded his album, McLean …" → "McLean …")."""
    words = text.split()
    first = _core(words[0]).lower() if words else ""
    lone_adverb = first.endswith("ly") and first.isalpha() and words[0].endswith(",")  # "Recently, …"
    second = _core(words[1]).lower() if len(words) > 1 else ""
    participle = first.isalpha() and (first.endswith("ing") or (_participle_opener(first) and second in _PREPOSITIONS))
    if not words or not (first in _INTRO_OPENERS or lone_adverb or participle):
        return text, 0
    if _is_quantity(words):
        return text, 0  # "About 120,000 passengers used …": a number, not an introduction
    comma = text.find(", ")
    if comma < 0 or len(text[:comma].split()) > 20:
        return "", 0
    start = comma + 2
    return text[start:], start


def _participle_opener(word: str) -> bool:
    """ "Armed with a 5-3 lead, O'Sullivan took …", "Born in Izmir, Kayahan …": a past participle that, before a
    preposition, opens an introductory phrase."""
    if word == "born":
        return True
    reading = verb_reading(word) if word.endswith("ed") else None
    return reading is not None and "VBN" in reading.tags


_QUANTIFIERS = word_set("about over around nearly almost some roughly up more fewer less just")


def _is_quantity(words: list[str]) -> bool:
    """ "About 120,000 …", "More than 70 …": a quantity opening the subject."""
    if _core(words[0]).lower() not in _QUANTIFIERS:
        return False
    following = [_core(w) for w in words[1:3]]
    return any(w[:1].isdigit() for w in following)


def _is_finite_verb(tokens: list[str], position: int) -> tuple[str, str] | None:
    """(lemma, tag) when the word at `position` reads as the finite verb of the clause."""
    word = _core(tokens[position])
    if not word.islower() or not word.isalpha():
        return None
    reading = verb_reading(word)
    if reading is None:
        return None
    previous = _core(tokens[position - 1]).lower()
    if previous in _DETERMINERS or previous in _PREPOSITIONS or previous.endswith(("'s", "’s")):
        return None  # "the cuts", "its plans", "Apple's plans": a noun
    if previous[:1].isdigit() or previous in _NUMBER_WORDS:
        return None  # "eleven minutes", "200 jobs": a counted noun
    if "VBZ" in reading.tags and reading.also_noun and "ADJ" in lemminflect.getAllLemmas(previous):
        return None  # "Clean builds now take …", "Initial reports suggested …": an adjective and a plural noun
    for tag in ("VBD", "VBZ"):
        if tag in reading.tags:
            return reading.lemma, tag
    if "VBP" in reading.tags and not reading.also_noun and previous.endswith("s"):
        return reading.lemma, "VBP"  # "Scientists believe …"
    return None


def _finite_only(word: str) -> bool:
    """A word that can only be a finite verb (past or -s form, never a noun or adjective)."""
    reading = verb_reading(word) if word.isalpha() and word.islower() else None
    return reading is not None and not reading.also_noun and bool(reading.tags & {"VBD", "VBZ"})


def _any_finite(word: str) -> bool:
    """ "Alibaba shares fell": after a word that may be a noun, a past or -s form shows it was one."""
    reading = verb_reading(word) if word.isalpha() and word.islower() else None
    return reading is not None and bool(reading.tags & {"VBD", "VBZ"}) and not word.endswith("s")


def _reduced_relative(tokens: list[str], position: int) -> bool:
    """ "A man accused of fraud was jailed": the -ed word is a participle inside the subject, not the verb."""
    following = _core(tokens[position + 1]).lower() if position + 1 < len(tokens) else ""
    if following not in _PREPOSITIONS:
        return False
    return any(_core(t).lower() in AUXILIARIES for t in tokens[position + 2 : position + 12])


# Asides after a name that a question leaves out, as `strip_asides` does ages and appositions: where the person
# is from ("Cotterill, of Oldbury, was jailed …", with an age before it: "Byatt, 39, of Buckhurst Hill, Essex,
# was …") and whom they speak for ("Amanda Hamilton, representing the
# NMC, read out …"). The word after the closing comma must carry the clause on (lower case).
NAMED_ASIDE = re.compile(
    r"(?<=[a-z]),\s*(?:(?:\d{1,3},\s*)?(?:of|from)\s+(?:[A-Z][\w'’.-]*\s*){1,4}(?:,\s*(?:[A-Z][\w'’.-]*\s*){1,3})?|"
    r"(?:representing|acting\s+(?:for|on\s+behalf\s+of)|speaking\s+(?:for|on\s+behalf\s+of))\s[^,;:\"“”]{1,80}),"
    r"(?=\s+[a-z])"
)


# An aside between a subject and its verb that `strip_asides` does not know: a relative clause with any verb
# ("The SAG awards, which focus entirely on performances, are closely watched …") or a participle phrase ("The
# head, designed by David Hanson, is able …"). Only at the first comma of the clause, and only when the word after
# the closing comma carries the clause on (lower case): what follows is the verb of the subject before the aside.
_SUBJECT_ASIDE = re.compile(
    r"^(?P<subject>[^,;:\"“”]{2,80}?),\s*(?:which|who)\s[^,;:\"“”()]{1,100},(?=\s+[a-z])"
    r"|^(?P<head>[^,;:\"“”]{2,80}?),\s*[a-z]+ed\s(?:by|in|for|from|with|on|at)\s[^,;:\"“”()]{1,80},(?=\s+[a-z])"
)
# A description, then the name it stands for, as the subject: "The disgraced former boss of RBS, Fred Goodwin,
# was …", "A second defendant, Edward Byatt, was ordered …". The name is what a question should call the
# subject by; the description stays in the answer.
_DESCRIBED_NAME = re.compile(
    r"^(?:The|A|An|[A-Z][\w'’-]*['’]s)\s[^,;:\"“”]{1,60}?,\s*"
    r"(?P<name>[A-Z][\w'’.-]*(?:\s(?:[A-Z][\w'’.-]*|de|van|von|da|di|al|bin)){1,4})(?:,\s*|\s+)(?=(?!and\b|or\b)[a-z])"
)


def _without_subject_aside(body: str) -> str:
    """The clause with a relative or participle aside after its subject taken out, or the subject's description
    replaced by the name it gives ("The group's founder, Bernice Scott, is …" → "Bernice Scott is …")."""
    named = _DESCRIBED_NAME.match(body)
    if named:
        return named.group("name") + " " + body[named.end() :]
    aside = _SUBJECT_ASIDE.match(body)
    if aside:
        return (aside.group("subject") or aside.group("head")) + body[aside.end() :]
    return body


def parse_clause(sentence: str) -> Clause | None:
    """The main clause of a declarative English sentence, or None when it cannot be read with confidence."""
    if not sentence or sentence[0] in "\"“‘'«":
        return None
    time, after_time = opening_time(sentence)
    if time:
        body, start = after_time, len(sentence) - len(after_time)
    else:
        body, start = _body_after_introduction(sentence)
    body = _without_subject_aside(strip_asides(NAMED_ASIDE.sub("", body)))
    if not body:
        return None
    clause = _parse_body(body, start)
    return replace(clause, time=time) if clause is not None and time else clause


def _parse_body(body: str, start: int) -> Clause | None:
    tokens = body.split()
    opener = _core(tokens[0]).lower()
    if opener in _CLAUSE_WORDS or _CONTRACTED.search(_core(tokens[0])):
        return None
    if opener in _PREPOSITIONS and not _is_quantity(tokens):
        return None
    for position in range(1, min(len(tokens), 14)):
        word = _core(tokens[position]).lower()
        if tokens[position - 1].endswith((",", ";", ":")) or word in _CLAUSE_WORDS or _CONTRACTED.search(word):
            return None
        if word in AUXILIARIES:
            return _with_auxiliary(tokens, position, start)
        finite = _is_finite_verb(tokens, position)
        if finite is not None:
            if finite[1] == "VBD" and _reduced_relative(tokens, position):
                continue
            lemma, tag = finite
            following = _core(tokens[position + 1]).lower() if position + 1 < len(tokens) else ""
            reading = verb_reading(_core(tokens[position]).lower())
            after_noun_reading = reading is not None and reading.also_noun and _any_finite(following)
            if following in AUXILIARIES and tag == "VBZ" and reading is not None and reading.also_noun:
                continue  # "The SAG awards are …": a plural noun before the clause's auxiliary
            if (
                following in _CLAUSE_WORDS - {"that", "if", "when", "whether", "how", "why", "what"}
                or _finite_only(following)
                or after_noun_reading
            ):
                return None  # "New rules which came …", "Initial reports suggested …": the "verb" was a noun
            subject_tokens = tokens[:position]
            while len(subject_tokens) > 1 and _core(subject_tokens[-1]).lower() in _SUBJECT_FINAL_ADVERBS:
                subject_tokens.pop()
            if any(_core(t).endswith("ly") and _core(t).islower() for t in subject_tokens[1:]):
                return None
            if any(_core(t).lower() in _SUBJECT_INNER_PRONOUNS | _SKIPPED_ADVERBS for t in subject_tokens[1:]):
                return None
            return Clause(
                subject=_SUBJECT_TIME.sub("", " ".join(subject_tokens)),
                auxiliary="",
                chain=(),
                negated=False,
                verb=_core(tokens[position]),
                lemma=lemma,
                tag=tag,
                rest=_rest(tokens[position + 1 :]),
                subject_start=start,
            )
    return None


def _rest(tokens: list[str]) -> str:
    return " ".join(tokens).rstrip().rstrip(".!?…").rstrip()


def _with_auxiliary(tokens: list[str], position: int, start: int) -> Clause | None:
    auxiliary = _core(tokens[position])
    negated = False
    chain: list[str] = []
    index = position + 1
    while index < len(tokens):
        word = _core(tokens[index]).lower()
        if word in _NEGATIONS or word == "n't":
            negated = True
        elif word in _CHAIN:
            chain.append(word)
        elif word not in _SKIPPED_ADVERBS:
            break
        index += 1
    if tokens[position].lower().endswith("n't"):
        return None  # "didn't" glued: rare in news, and the base auxiliary would need un-contracting
    subject_tokens = tokens[:position]
    while len(subject_tokens) > 1 and _core(subject_tokens[-1]).lower() in _SUBJECT_FINAL_ADVERBS:
        subject_tokens.pop()
    subject = _SUBJECT_TIME.sub("", " ".join(subject_tokens))
    if any(_core(t).endswith("ly") and _core(t).islower() for t in subject_tokens[1:]):
        return None
    if any(_core(t).lower() in _SUBJECT_INNER_PRONOUNS | _SKIPPED_ADVERBS for t in subject_tokens[1:]):
        return None  # "The following year he": an introduction without its comma
    verb_word = _core(tokens[index]) if index < len(tokens) else ""
    reading = verb_reading(verb_word) if verb_word.islower() and verb_word.isalpha() else None
    lowered = auxiliary.lower()
    # The form the verb group requires next: a participle after "have"/"been", -ing or a participle after
    # "be", the base form after a modal, "do" or "be" itself ("will be"), nothing else.
    last = chain[-1] if chain else lowered
    if last in HAVE_FORMS or last in {"have", "been"}:
        wanted = ("VBN",) if last != "been" else ("VBN", "VBG")
    elif last in BE_FORMS or last == "being":
        wanted = ("VBN", "VBG")
    else:
        wanted = ("VB",)
    if reading is not None and last == "be":
        wanted = ("VBN", "VBG")
    if reading is not None and any(t in reading.tags for t in wanted):
        tag = next(t for t in wanted if t in reading.tags)
        if True:
            return Clause(
                subject=subject,
                auxiliary=auxiliary,
                chain=tuple(chain),
                negated=negated,
                verb=verb_word,
                lemma=reading.lemma,
                tag=tag,
                rest=_rest(tokens[index + 1 :]),
                subject_start=start,
            )
    if lowered in BE_FORMS or (chain and chain[-1] in {"be", "been"}):
        # A copula: "X is in stable condition", "X will be closed" read as "will" + "be" + complement.
        return Clause(subject, auxiliary, tuple(chain), negated, "", "", "", _rest(tokens[index:]), start)
    if lowered in HAVE_FORMS and not chain and not negated:
        # "X has 200 employees": "have" is the verb, asked with do-support.
        tag = "VBD" if lowered == "had" else ("VBZ" if lowered == "has" else "VBP")
        return Clause(subject, "", (), negated, auxiliary, "have", tag, _rest(tokens[index:]), start)
    return None
