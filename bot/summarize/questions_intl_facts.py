"""Fact questions for German, French, Spanish, Portuguese and Russian: how many, and when.

Only three sentence shapes, because in them the question is the sentence itself with one phrase replaced (or
its subject and verb swapped), so agreement and tense come from the article and need no grammar of ours:
- a count opens the sentence as its subject ("Rund 200 Menschen demonstrierten am Samstag in Berlin." →
  "Wie viele Menschen demonstrierten am Samstag in Berlin?"; "Plus de 300 élèves ont été évacués." →
  "Combien d'élèves ont été évacués ?"; Spanish/Portuguese "¿Cuántas personas …?"/"Quantas pessoas …?", the
  gender read from the noun's ending and skipped where that is unreliable; Russian "Сколько человек …?" only
  where the number already puts the noun in the genitive plural that "сколько" takes);
- a date or time opens the sentence ("Im Dezember erhöht die Bahn die Preise." → "Wann erhöht die Bahn die
  Preise?", also after "Noch"/"Bereits": "Noch am 11. April hatte …" → "Wann hatte …?"; "Seit 2015 …" → "Seit
  wann …?"; French through "Quand est-ce que …?", Spanish only where the verb comes straight after the date, as a
  Spanish question needs; Portuguese and Russian keep the sentence's order);
- German and Spanish: a date inside a plain statement whose named subject or "der/die/das …" opens it, the
  finite verb right after ("Die Bahn erhöht im Dezember die Preise." → "Wann erhöht die Bahn die Preise?";
  "Mendoza comenzará en mayo su evaluación." → "¿Cuándo comenzará Mendoza su evaluación?"), one date only, a
  name only where the article also writes it inside a sentence (not a word put first for emphasis).
Why-questions need the reason clause cut out and the verb moved, which these templates cannot do safely, so
they are not asked. The rest of the question must name something the article is about (a name or a term it
repeats) and must not open with a bare pronoun ("Wann eröffnete er …?" asks about nobody).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.pipeline.language import WORD_RE, word_set
from bot.summarize.question_names import CLOSE_QUOTES, OPEN_QUOTES, PRONOUNS, QuestionContext, looks_like_name
from bot.summarize.sentences import Sentence

MAX_QUESTION_WORDS = 18


@dataclass(frozen=True, slots=True)
class IntlFact:
    kind: str  # "how many" or "when"
    question: str
    subject: str  # what the question is about, for telling two questions apart


_DIGITS = r"\d{1,3}(?:[ .,\u00a0\u202f]\d{3})*(?:,\d+)?"
_COUNT_OPENERS = {
    "de": r"(?:(?:Mehr|Weniger)\s+als|Rund|Etwa|Fast|Knapp|Über|Mindestens|Bis\s+zu|Insgesamt|Gut|Nur|Rd\.)\s+",
    "fr": r"(?:Plus\s+de|Moins\s+de|Près\s+de|Environ|Quelque|Au\s+moins|Pas\s+moins\s+de|Seulement)\s+",
    "es": r"(?:Más\s+de|Menos\s+de|Cerca\s+de|Unos|Unas|Al\s+menos|Alrededor\s+de|Casi|Solo)\s+",
    "pt": r"(?:Mais\s+de|Menos\s+de|Cerca\s+de|Quase|Pelo\s+menos|Ao\s+menos|Apenas|Aproximadamente)\s+",
    "ru": r"(?:Более|Менее|Около|Свыше|Почти|Не\s+менее|Примерно|Порядка|Больше|Меньше)\s+",
}
_SCALE = {
    "de": r"(?:\s+(?:Millionen|Milliarden|Tausend))?",
    "fr": r"(?:\s+(?:millions?|milliards?)\s+d['’]?)?",
    "es": r"(?:\s+(?:millones|mil)(?:\s+de)?)?",
    "pt": r"(?:\s+(?:milhões|milhão|mil)(?:\s+de)?)?",
    "ru": r"(?:\s+(?:тысяч|тыс\.|миллионов|млн))?",
}
# The counted noun (with an adjective where the language puts one) and the finite plural verb that follows.
_COUNTED = {
    "de": r"(?P<noun>(?:[a-zäöüß]+e[nrs]?\s+)?[A-ZÄÖÜ][\wäöüß-]+)\s+(?P<rest>[a-zäöüß]\S*\s.+?)",
    "fr": r"(?P<noun>[a-zàâçéèêëîïôûù]+[sx](?:\s+[a-zàâçéèêëîïôûù]+[sx])?)\s+"
    r"(?P<rest>(?:ont|sont|se|s['’]|ne|n['’]|avaient|étaient|seront|auront|[a-zàâçéèêëîïôûù]+ent)\b.+?)",
    "es": r"(?P<noun>[a-záéíóúñ]+[oa]s(?:\s+[a-záéíóúñ]+s)?)\s+"
    r"(?P<rest>(?:han|se|no|fueron|serán|están|son|[a-záéíóúñ]+(?:ron|an|en))\b.+?)",
    "pt": r"(?P<noun>[a-záâãçéêíóôõú]+[oa]s(?:\s+[a-záâãçéêíóôõú]+s)?)\s+"
    r"(?P<rest>(?:foram|têm|estão|são|se|não|[a-záâãçéêíóôõú]+(?:ram|am|em))\b.+?)",
    "ru": r"(?P<noun>[а-яё]+)\s+(?P<rest>(?:не\s+)?[а-яё]+(?:ли|ло|ют|ят|ут|ат)\b.+?)",
}
_COUNT = {
    code: re.compile(rf"^(?:{_COUNT_OPENERS[code]})?(?P<number>{_DIGITS}){_SCALE[code]}\s*{_COUNTED[code]}\s*[.!]$")
    for code in _COUNTED
}
# Nouns whose ending misleads about gender: Spanish/Portuguese masculines in -as, and common-gender -istas.
_MASCULINE_IN_AS = re.compile(r"(?:mas|tas|días|dias|mapas)$")
_NOT_COUNTED = re.compile(
    r"^(?:euro|dollar|franken|prozent|euros|dollars|francs|pour|por|cento|рублей|долларов|евро|процентов|"
    r"jahre|ans|años|anos|лет|prozentpunkte|mal|fois|veces|vezes|раз)\b",
    re.IGNORECASE,
)

_MONTHS = {
    "de": "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember",
    "fr": "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre",
    "es": "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre",
    "pt": "janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro",
    "ru": "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря",
}
_YEAR = r"(?:19|20)\d{2}"
_TIME = {
    # an opening particle ("Noch am 11. April hatte …") stays out of the question
    "de": rf"(?:(?:Noch|Bereits|Schon|Erst)\s+)?(?P<prep>Seit|Ab|Bis)?\s*"
    rf"(?:(?:Im|im|Anfang|Mitte|Ende)\s+(?:{_MONTHS['de']}|Jahr|Sommer|Herbst|"
    rf"Winter|Frühjahr|Frühling)(?:\s+{_YEAR})?|(?:Am|am|dem)\s+\d{{1,2}}\.\s*(?:{_MONTHS['de']})(?:\s+{_YEAR})?|"
    rf"(?:Am|am)\s+(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)|(?:Anfang|Mitte|Ende)\s+{_YEAR}|{_YEAR}|"
    rf"(?:{_MONTHS['de']})(?:\s+{_YEAR})?)",
    "fr": rf"(?:En\s+(?:{_MONTHS['fr']}|{_YEAR})(?:\s+{_YEAR})?|Le\s+\d{{1,2}}(?:er)?\s+(?:{_MONTHS['fr']})"
    rf"(?:\s+{_YEAR})?|Début|Fin\s+(?:{_MONTHS['fr']}|{_YEAR}))",
    "es": rf"(?:En\s+(?:{_MONTHS['es']}|{_YEAR})(?:\s+de\s+{_YEAR})?|El\s+\d{{1,2}}\s+de\s+(?:{_MONTHS['es']})"
    rf"(?:\s+de\s+{_YEAR})?)",
    "pt": rf"(?:Em\s+(?:{_MONTHS['pt']}|{_YEAR})(?:\s+de\s+{_YEAR})?|No\s+dia\s+\d{{1,2}}\s+de\s+"
    rf"(?:{_MONTHS['pt']})(?:\s+de\s+{_YEAR})?)",
    "ru": rf"(?:В\s+(?:январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре|октябре|ноябре|декабре)"
    rf"(?:\s+{_YEAR}\s+года)?|В\s+{_YEAR}\s+году|\d{{1,2}}\s+(?:{_MONTHS['ru']})(?:\s+{_YEAR}\s+года)?)",
}
# German and Spanish questions need the finite verb right after the date, so the rest must open in lower case.
_ANY_LETTER = r"[^\W\d_]"
_REST_START = {"de": r"[^\W\d_A-ZÄÖÜ]", "es": r"[^\W\d_A-ZÁÉÍÓÚÑ]"}
_TIMED = {
    code: re.compile(rf"^(?P<time>{pattern}),?\s+(?P<rest>{_REST_START.get(code, _ANY_LETTER)}\S*\s.+?)\s*[.!]$")
    for code, pattern in _TIME.items()
}
_WHEN = {"de": "Wann", "fr": "Quand", "es": "¿Cuándo", "pt": "Quando", "ru": "Когда"}
_HOW_MANY = {"de": "Wie viele", "fr": "Combien de", "ru": "Сколько"}
_ES_PT_ARTICLES = frozenset({"el", "la", "los", "las", "un", "una", "o", "a", "os", "as", "um", "uma"})
_UNSAFE = re.compile(rf"[,;:()\[\]{OPEN_QUOTES}{CLOSE_QUOTES}–—]|\s-\s")


def _names_something(rest: str, ctx: QuestionContext) -> bool:
    """A name, or a term the article uses more than once: the question is about this article."""
    for word in WORD_RE.findall(rest):
        if word in ctx.proper or looks_like_name(word):
            return True
        if len(word) > 3 and ctx.term_counts.get(ctx.tools.stem(word.lower()), 0) >= 2:
            return True
    return False


def _usable(rest: str, ctx: QuestionContext) -> bool:
    words = rest.split()
    if not words or len(words) > MAX_QUESTION_WORDS - 2 or _UNSAFE.search(rest):
        return False
    return _names_something(rest, ctx)


def _finish(language: str, text: str) -> str:
    if language == "fr":
        text = re.sub(r"\b([Qq]u|[Dd])e ([aeiouhéèêàâîôûAEIOUHÉÈÊÀÂÎÔÛ])", r"\1'\2", text)
        return f"{text} ?"
    return f"{text}?"


def _genitive_plural_number(number: str) -> bool:
    """Russian: 5–20 and numbers ending in 0 or 5–9 take the genitive plural, as "сколько" does."""
    digits = re.sub(r"\D", "", number)
    if not digits:
        return False
    value = int(digits)
    return value % 100 in range(11, 15) or value % 10 in {0, 5, 6, 7, 8, 9}


def count_question(sentence: Sentence, ctx: QuestionContext) -> IntlFact | None:
    language = ctx.language
    pattern = _COUNT.get(language)
    match = pattern.match(sentence.text) if pattern else None
    if match is None:
        return None
    number, noun, rest = match.group("number"), " ".join(match.group("noun").split()), match.group("rest")
    if re.fullmatch(_YEAR, number) or _NOT_COUNTED.match(noun) or not _usable(f"{noun} {rest}", ctx):
        return None
    if language in {"es", "pt"}:
        head = noun.split()[0]
        if head.endswith("os"):
            opener = "¿Cuántos" if language == "es" else "Quantos"
        elif head.endswith("as") and not _MASCULINE_IN_AS.search(head):
            opener = "¿Cuántas" if language == "es" else "Quantas"
        else:
            return None
    elif language == "ru":
        if not _genitive_plural_number(number):
            return None
        opener = _HOW_MANY["ru"]
    else:
        opener = _HOW_MANY[language]
    return IntlFact("how many", _finish(language, f"{opener} {noun} {rest}"), noun.lower())


def when_question(sentence: Sentence, ctx: QuestionContext) -> IntlFact | None:
    language = ctx.language
    pattern = _TIMED.get(language)
    match = pattern.match(sentence.text) if pattern else None
    if match is None:
        return None
    rest = match.group("rest")
    words = rest.split()
    pronouns = PRONOUNS.get(language, set())
    # German puts the verb second, so the subject is the word after it; elsewhere the rest opens with it.
    subject_word = words[1] if language == "de" and len(words) > 1 else words[0]
    if subject_word.lower().strip(".,") in pronouns or not _usable(rest, ctx):
        return None
    opener = _WHEN[language]
    if language == "de":
        prep = match.groupdict().get("prep")
        opener = f"{prep} wann" if prep else opener
        if words[0][:1].isupper():
            return None  # a noun, not the finite verb: the time phrase was longer than we read
    elif language == "fr":
        opener = "Quand est-ce que"
    elif language == "es" and words[0].lower() in _ES_PT_ARTICLES | pronouns:
        return None  # "¿Cuándo el Gobierno aprobó …?": Spanish wants the verb first
    subject = next((w for w in WORD_RE.findall(rest) if w[:1].isupper()), words[0])
    return IntlFact("when", _finish(language, f"{opener} {rest}"), subject.lower())


# A date inside a plain statement, German and Spanish: the subject opens the sentence and the finite verb follows
# it, so the question is "<when> <verb> <subject> <rest>?" with the date taken out.
_DE_MONTHS = _MONTHS["de"]
_ES_MONTHS = _MONTHS["es"]
_INNER_TIME = {
    "de": re.compile(
        rf"\s(?:am\s+(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)(?:abend|morgen|nachmittag)?"
        rf"|am\s+\d{{1,2}}\.\s*(?:{_DE_MONTHS})(?:\s+{_YEAR})?|im\s+(?:{_DE_MONTHS}|Sommer|Herbst|Winter|Frühjahr)"
        rf"(?:\s+{_YEAR})?|im\s+Jahr(?:e)?\s+{_YEAR}|(?:Anfang|Mitte|Ende)\s+(?:{_DE_MONTHS}|{_YEAR})"
        rf"(?:\s+{_YEAR})?|für\s+{_YEAR})(?=\s|$)"
    ),
    "es": re.compile(
        rf"\s(?:el\s+(?:pasado\s+|próximo\s+)?(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo)"
        rf"(?:\s+\d{{1,2}}(?:\s+de\s+(?:{_ES_MONTHS}))?)?|este\s+(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo)"
        rf"|en\s+(?:{_ES_MONTHS})(?:\s+(?:de|del)\s+{_YEAR})?|el\s+\d{{1,2}}\s+de\s+(?:{_ES_MONTHS})"
        rf"(?:\s+de\s+{_YEAR})?|en\s+{_YEAR})(?=\s|$)"
    ),
}
_NAME = r"[A-ZÄÖÜÁÉÍÓÚÑ][\wäöüßáéíóúñ-]+"
_INNER_SUBJECT = {
    # "Tobisch", "Kim Jong Un", "Die Bahn", "Der Beginn der Bauarbeiten", "Das Regime in Nordkorea" is too long
    "de": re.compile(
        rf"^(?P<subject>(?:{_NAME}(?:\s+{_NAME}){{0,2}})|(?:Der|Die|Das)\s+{_NAME}(?:\s+(?:des|der)\s+{_NAME})?)"
        r"\s+(?P<verb>wurde|wurden|ist|sind|war|waren|hat|haben|hatte|hatten|wird|werden|soll|sollen|[a-zäöüß]+te|"
        r"[a-zäöüß]+ten|[a-zäöüß]{3,}t)\s+(?P<rest>.+?)\s*[.!]$"
    ),
    # "Mendoza", "El Gobierno", "La Corte Suprema"; the verb in a past or future form that cannot be a noun
    "es": re.compile(
        rf"^(?P<subject>(?:{_NAME}(?:\s+{_NAME}){{0,2}})|(?:El|La|Los|Las)\s+{_NAME}(?:\s+{_NAME})?)"
        r"\s+(?P<verb>[a-záéíóúñ]+(?:ó|aron|ieron|rá|rán))\s+(?P<rest>.+?)\s*[.!]$"
    ),
}


# Words a question keeps besides its subject and verb: more copies the sentence instead of asking for its date.
_INNER_REST_WORDS = 8
_SENTENCE_ADVERBS = word_set(
    "gestern heute morgen dann nun jetzt damals zuletzt bereits zudem außerdem ayer hoy mañana luego ahora "
    "entonces además también"
)


def inner_when_question(sentence: Sentence, ctx: QuestionContext) -> IntlFact | None:
    """ "Tobisch wurde am 28. März 1926 in Wien geboren." → "Wann wurde Tobisch geboren?"; "El ministro
    presentó el lunes una fórmula …" is not read (an aside or a longer subject would need a grammar), "Mendoza
    comenzará en mayo su propia evaluación." → "¿Cuándo comenzará Mendoza su propia evaluación?"."""
    language = ctx.language
    pattern, times = _INNER_SUBJECT.get(language), _INNER_TIME.get(language)
    if pattern is None or times is None:
        return None
    match = pattern.match(sentence.text)
    if match is None or _UNSAFE.search(sentence.text):
        return None
    subject, verb, rest = match.group("subject"), match.group("verb"), match.group("rest")
    found = list(times.finditer(" " + rest))
    if len(found) != 1:
        return None  # no date, or two ("zwischen Februar 2017 und Februar 2018"): which one is asked, unclear
    time = found[0]
    remaining = (" " + rest)[: time.start()] + (" " + rest)[time.end() :]
    remaining = " ".join(remaining.split())
    words = subject.split()
    if words[0].lower() in PRONOUNS.get(language, set()) and len(words) == 1:
        return None  # "Er wurde …": nobody named
    if len(words) == 1 and (
        words[0].lower() in ctx.tools.stop_words or words[0].lower() in _SENTENCE_ADVERBS or words[0] not in ctx.proper
    ):
        # "Dann …", "Gestern …": a sentence-initial adverb; "Erscheinen soll der Artikel …": a word put first
        # for emphasis, the subject comes after the verb. A name is written capitalised inside sentences too.
        return None
    if words[0] in {"Der", "Die", "Das", "El", "La", "Los", "Las"}:
        subject = words[0].lower() + " " + " ".join(words[1:])
    if remaining.endswith("geboren") or verb in {"nació", "nacieron"}:
        remaining = "geboren" if language == "de" else ""  # "Wann wurde Tobisch in Wien geboren?": the place
        # is not asked about
    if len(remaining.split()) > _INNER_REST_WORDS:
        return None  # a question that copies a whole long sentence asks for a detail, not a fact
    if (not remaining and language == "de") or not _usable(f"{subject} {remaining}".strip(), ctx):
        return None
    question = " ".join(f"{_WHEN[language]} {verb} {subject} {remaining}".split())
    return IntlFact("when", _finish(language, question), subject.lower())


def intl_fact_questions(sentence: Sentence, ctx: QuestionContext) -> list[IntlFact]:
    """The how-many and when questions this sentence answers, in its own language."""
    candidates = (count_question(sentence, ctx), when_question(sentence, ctx) or inner_when_question(sentence, ctx))
    found = [q for q in candidates if q is not None]
    return [q for q in found if len(q.question.split()) <= MAX_QUESTION_WORDS]
