"""Who or what a question may name, as it should be written inside the question.

A question must name its subject ("What did ESPN announce?"), never "he", "the agency" or "a study": this
module decides whether a phrase names something (a proper noun, an acronym, a product name; in German, where
every noun is capitalised, two capitalised words in a row) and how to write it mid-sentence ("The agency" →
"the agency", but "Mr Wang" and "German Chancellor Angela Merkel" keep their capitals). It also holds what the
question patterns of every language share: quote characters, determiners, pronouns, and the per-article
context (which words the article treats as names).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import lemminflect

from bot.pipeline.language import WORD_RE, LanguageTools, word_set
from bot.summarize.english_verbs import PERSON_OBJECT_FORMS, SPEECH_FORMS, THING_OBJECT_FORMS
from bot.summarize.sentences import Sentence

OPEN_QUOTES = "\"“‘'«„"
CLOSE_QUOTES = "\"”’'»“"
QUOTE_START = re.compile(rf"^[{OPEN_QUOTES}]")
# "he said" two sentences after a named speaker still means that speaker; further away it may not.
PRONOUN_RESOLUTION_WINDOW = 2

DETERMINERS = {
    "en": {"the", "a", "an"},
    "de": {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen"},
    "fr": {"le", "la", "les", "l", "un", "une", "des", "du"},
    "es": {"el", "la", "los", "las", "un", "una", "unos", "unas"},
    "pt": {"o", "a", "os", "as", "um", "uma", "uns", "umas"},
    "ru": set(),
}
PRONOUNS = {
    "en": {"he", "she", "it", "they", "we", "i", "you", "this", "that", "there", "these", "those", "one"},
    "de": {"er", "sie", "es", "wir", "ich", "man", "du", "ihr", "dies", "das", "dieser", "diese"},
    "fr": {"il", "elle", "ils", "elles", "on", "nous", "je", "vous", "ce", "cela", "celui", "celle"},
    "es": {"él", "ella", "ellos", "ellas", "nosotros", "yo", "usted", "esto", "eso", "este", "esta"},
    "pt": {"ele", "ela", "eles", "elas", "nós", "eu", "você", "isso", "isto", "este", "esta"},
    "ru": {"он", "она", "оно", "они", "мы", "я", "вы", "это", "этот", "эта", "тот", "та"},
}
EN_SPEAKER_PRONOUNS = {"he", "she", "they"}
EN_PREPOSITIONS = word_set(
    """
    of for at in from on to by with into about after before over under near against between
    """
)
EN_NOT_NAMES = word_set(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december
    """
)
EN_NOT_SUBJECT_OPENERS = word_set(
    """
    instead however meanwhile also but and so yet then now still indeed though although he she it they we i you
    this that these those there here such while when after before if because as one another some several many
    other others
    """
)
EN_POSSESSIVES = word_set("his her their its my our your")
# Modifiers before a name that are lower case inside a question ("former Valencia striker Aritz Aduriz").
EN_LOWER_MODIFIERS = word_set("former late then outgoing incoming ousted disgraced embattled veteran fellow rival")
EN_VERB_SUBJECTS = word_set("he she it who that which this what i we you they")
# Particles inside personal names ("Ursula von der Leyen", "Louis van Gaal"): never the last word of one.
NAME_PARTICLES = word_set("von van der den de da do dos das del di du la le bin al")
EN_TITLES = word_set(
    """
    mr mrs ms miss dr prof sir dame lord lady rev gen col capt sgt sen rep gov
    """
)
# Words that end a noun phrase: a subject containing one is a clause, not a name.
EN_CLAUSE_WORDS = word_set(
    """
    who whom whose which that when where while if because after before since although though as and or but is
    are was were be been being has have had do does did will would can could may might must should said says
    not no
    """
)


def is_upper_start(token: str) -> bool:
    return token[:1].isupper()


def looks_like_name(token: str) -> bool:
    """An acronym, a product name with digits, or a mixed-case brand: names whatever their position."""
    letters = [c for c in token if c.isalpha()]
    if len(letters) >= 2 and sum(1 for c in letters if c.isupper()) >= 2:
        return True
    return bool(letters) and any(c.isdigit() for c in token) and token[:1].isalpha()


# E-mail and web addresses, handles and hashtags: "bowe@riddickbowe.com" does not make "Bowe" a common word.
_ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|[@#]\w+")


def proper_words(sentences: tuple[Sentence, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(names, common words): words written capitalised inside sentences and never in lower case, and
    every word the article writes in lower case somewhere."""
    capitalised: set[str] = set()
    lower: set[str] = set()
    for sentence in sentences:
        for position, token in enumerate(WORD_RE.findall(_ADDRESSES.sub(" ", sentence.text))):
            if token[:1].isupper():
                if position > 0:
                    capitalised.add(token)
            elif token[:1].islower():
                lower.add(token)
    return frozenset(w for w in capitalised if w.lower() not in lower), frozenset(lower)


@dataclass(frozen=True, slots=True)
class QuestionContext:
    language: str
    proper: frozenset[str]
    common: frozenset[str]
    term_counts: Counter[str]
    tools: LanguageTools
    # Lower-case words the article writes after "the" ("the race"): "about the race" reads right for these.
    the_nouns: frozenset[str] = frozenset()
    # Last words of the personal names the article writes in full ("Stofan" for "Ellen Stofan").
    surnames: frozenset[str] = frozenset()
    # Stems of the title's and the opening's content words: what the article is about, as its reader met it.
    lead_terms: frozenset[str] = frozenset()
    # Surnames the article gives to two or more people ("Ryan Giggs" and "Rhodri Giggs"): alone, they name nobody.
    shared_surnames: frozenset[str] = frozenset()

    def is_common(self, word: str) -> bool:
        """A word the article also writes in lower case (or a stop word): capitalised only by position.

        In English a sentence-initial plural the article never writes mid-sentence ("Researchers",
        "Sources") is taken as common too: names are rarely plural, and guessing wrong only drops a question.
        """
        lowered = word.lower()
        if lowered in self.common or (lowered in self.tools.stop_words and not _unknown_name(word, self.proper)):
            return True
        return self.language == "en" and en_is_plural(word) and word not in self.proper


def _unknown_name(word: str, proper: frozenset[str]) -> bool:
    """A word of a stop-word list that is a name here ("Microsoft"): the article writes it capitalised only, and
    the English lexicon knows no word it could be ("Welcome" is a word, capitalised by a heading)."""
    return word in proper and not lemminflect.getAllLemmas(word.lower())


# Lower-case words ("the race") and acronyms ("the FBI") the article writes after "the".
_AFTER_THE = re.compile(r"\b[Tt]he\s+([a-z][a-z-]+|[A-Z]{2,})\b")


def the_nouns(sentences: tuple[Sentence, ...]) -> frozenset[str]:
    """Words the article writes right after "the"."""
    return frozenset(m.group(1) for s in sentences for m in _AFTER_THE.finditer(s.text))


_FULL_NAME = re.compile(r"(?<![\w.])[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+(?P<last>[A-Z][a-z][\w'’-]*)(?![\w])")


# Second words of names that are clubs, places or companies, not people: "Manchester United", "Leeds City".
_NOT_SURNAMES = word_set(
    "united city town county rovers wanderers athletic albion villa hotspur park street road avenue square "
    "airlines airways bank group inc ltd corporation university college school hospital council police news "
    "league cup championship party house office committee court government"
)


def surnames(sentences: tuple[Sentence, ...], common: frozenset[str]) -> frozenset[str]:
    """Second halves of "First Last" pairs that are names (neither word written in lower case elsewhere)."""
    found = set()
    for sentence in sentences:
        for match in _FULL_NAME.finditer(sentence.text):
            first = match.group(0).split()[0]
            last = re.sub(r"['’]s?$", "", match.group("last"))  # "Hughes'" and "Hughes's" → "Hughes"
            if (
                first.lower() not in common
                and last.lower() not in common
                and last.lower() not in _NOT_SURNAMES
                and match.start() > 0
            ):
                found.add(last)
    return frozenset(found)


def shared_surnames(sentences: tuple[Sentence, ...], common: frozenset[str]) -> frozenset[str]:
    """Surnames the article writes after two or more different first names ("Frank Jordan", "Louis Jordan"):
    a question or an answer that calls one of them by the surname alone could mean either."""
    firsts: dict[str, set[str]] = {}
    for sentence in sentences:
        for match in _FULL_NAME.finditer(sentence.text):
            first = match.group(0).split()[0]
            last = re.sub(r"['’]s?$", "", match.group("last"))
            if first.lower() in common or last.lower() in common or last.lower() in _NOT_SURNAMES:
                continue
            if first.lower().strip(".") in EN_TITLES:
                continue  # "Mr Jordan": the same man, or his son; a title is no first name
            firsts.setdefault(last, set()).add(first)
    return frozenset(last for last, names in firsts.items() if len(names) >= 2)


def clean_phrase(phrase: str) -> str:
    return phrase.strip(" ,;:—–-" + OPEN_QUOTES + CLOSE_QUOTES)


def named_phrase(phrase: str, ctx: QuestionContext, *, sentence_start: bool) -> str | None:
    """The phrase as it should appear inside a question, or None when it does not name anything."""
    phrase = clean_phrase(phrase)
    tokens = phrase.split()
    if not tokens or len(tokens) > 8 or len(phrase) > 80:
        return None
    lowered = [t.lower().strip(".,") for t in tokens]
    if len(tokens) == 1 and lowered[0] in PRONOUNS.get(ctx.language, set()):
        return None
    if lowered[-1].endswith(("'s", "’s")):
        return None  # "Mr Cameron's": a possessive, whose noun was cut off
    if ctx.language == "en" and any(t in EN_CLAUSE_WORDS for t in lowered):
        return None
    # An apostrophe inside a word ("CNN's", "O'Neill") is not a quotation mark.
    unquoted = re.sub(r"(?<=\w)['’](?=\w)", "", phrase)
    if any(c in phrase for c in ",;:()[]{}<>|*_`#") or any(q in unquoted for q in OPEN_QUOTES + "”»"):
        return None
    if ctx.language == "en" and lowered[0] in EN_NOT_SUBJECT_OPENERS:
        return None  # "Instead Canadian inventor …": a connective or pronoun glued to the name
    if ctx.language == "en" and lowered[0] in EN_POSSESSIVES:
        return None  # "His Sky employers": whose, the question alone cannot say
    if ctx.language == "en" and any(en_is_verb_form(token) for token in tokens[1:]):
        return None  # "the allegations … also included": a clause, not a noun phrase
    determiners = DETERMINERS.get(ctx.language, set())
    named = False
    if ctx.language == "en" and any(
        token.lower() in determiners and tokens[i - 1].lower() not in EN_PREPOSITIONS
        for i, token in enumerate(tokens)
        if i > 0
    ):
        return None  # "Tuesday the original lyrics": two phrases run together, not one name
    for position, token in enumerate(tokens):
        word = token.strip(".,'’")
        if ctx.language == "en" and word.lower() in EN_NOT_NAMES:
            continue
        if looks_like_name(word):
            named = True
        elif ctx.language == "de":
            # German capitalises every noun: only two capitalised words in a row (not an article, not the
            # sentence's first word) make a name ("Europäische Kommission", "Olaf Scholz").
            if position + 1 < len(tokens) and not (sentence_start and position == 0):
                nxt = tokens[position + 1]
                if (
                    is_upper_start(word)
                    and is_upper_start(nxt)
                    and word.lower() not in determiners
                    and nxt.lower() not in determiners
                ):
                    named = True
        elif (
            is_upper_start(word)
            and word.lower() not in determiners
            and (position > 0 or not sentence_start or word in ctx.proper)
        ):
            named = True
    if not named:
        return None
    first = tokens[0].strip(".,'’")
    # "The agency" → "the agency", "Researchers at MIT" → "researchers at MIT"; but "Mr Wang", "German
    # Chancellor Angela Merkel" keep their capitals (a title, or a capitalised word after it).
    lower_common_head = (
        sentence_start
        and ctx.language != "de"
        and ctx.is_common(first)
        and not looks_like_name(first)
        and first.lower() not in EN_TITLES
        and (len(tokens) == 1 or not is_upper_start(tokens[1]))
    )
    positional_modifier = (
        sentence_start
        and ctx.language == "en"
        and first not in ctx.proper
        and (
            first.lower() in EN_LOWER_MODIFIERS
            or ("-" in first and first[:1].isupper() and not first.isupper() and not _double_barrelled(first, ctx))
        )
    )  # "Former Valencia striker …", "Long-time Labour supporter …"
    if first.lower() in determiners or lower_common_head:
        tokens[0] = tokens[0].lower()
    elif positional_modifier:
        tokens[0] = tokens[0][:1].lower() + tokens[0][1:]
    return " ".join(tokens)


# Prefixes written with a hyphen before a capitalised word ("Anti-Brexit", "Ex-Chelsea"): no half of a name.
_WORD_PREFIXES = word_set(
    "anti pro ex non co mid post pre pan trans neo semi ultra multi inter cross self all sub super"
)


def _double_barrelled(word: str, ctx: QuestionContext) -> bool:
    """A hyphenated name ("Archer-Bradshaw", "Ngo-Anh"), not a modifier capitalised by position ("Long-time",
    "Anti-Brexit"): every part is capitalised and the article writes every part only capitalised. Words split
    at the hyphen (`proper_words` reads "Archer" and "Bradshaw"), so a part the article also writes in lower case
    ("long", "anti") or never mid-sentence ("Long" of "Long-time" opening a sentence) keeps the modifier reading."""
    parts = word.split("-")
    if parts[0].lower() in _WORD_PREFIXES:
        return False  # "Anti-Brexit", "Pro-EU", "Ex-Chelsea": a prefix before a name is no first half of one
    return all(part[:1].isupper() and part in ctx.proper for part in parts)


# A nickname in quotation marks between a first name and a surname: "Anna 'Chickadee' Cardwell", "Jim "Big Jim"
# Bell". The quotation marks break every reader of names and clauses ("June's oldest daughter, Anna 'Chickadee'
# Cardwell, has accused …" has no name before its verb); the person is named without it.
_NICKNAME = re.compile(
    r"\b(?P<first>[A-Z][a-z]+)\s+(?P<open>['‘\"“])(?P<nickname>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})"
    r"(?P<close>['’\"”])\s+(?=(?P<last>[A-Z][a-z][\w'’-]*)(?:[\s,.;:]|$))"
)
_CLOSING = {"'": "'", "‘": "’", '"': '"', "“": "”"}


def without_nickname(text: str, ctx: QuestionContext) -> str:
    """`text` with a quoted nickname inside a personal name taken out, for the question patterns to read (the
    answer keeps the sentence as written). Neither half of the name may be a word the article also writes in
    lower case: "Riverton 'Summer Nights' Festival …, and the festival …" is a title, left alone."""

    def drop(match: re.Match[str]) -> str:
        if _CLOSING[match.group("open")] != match.group("close"):
            return match.group(0)  # "Jim 'Big" … "Bell": an apostrophe or a quotation that does not close here
        if ctx.is_common(match.group("first")) or ctx.is_common(match.group("last")):
            return match.group(0)
        return match.group("first") + " "

    return _NICKNAME.sub(drop, text) if ctx.language == "en" else text


def en_is_plural(word: str) -> bool:
    lowered = word.lower()
    return lowered.endswith("s") and not lowered.endswith(("ss", "us", "is", "'s", "’s")) and len(lowered) > 3


def en_is_verb_form(token: str) -> bool:
    """A lower-case word that is a finite verb form: it cannot sit inside a subject noun phrase."""
    if not token.islower():
        return False
    word = token.strip(",.;:")
    form = THING_OBJECT_FORMS.get(word) or PERSON_OBJECT_FORMS.get(word)
    if form is not None and form.kind in {"past", "third"}:
        return True
    return word in SPEECH_FORMS or (word.endswith("ed") and len(word) > 4)
