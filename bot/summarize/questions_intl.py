"""Question patterns for German, French, Spanish, Portuguese and Russian.

Each language gets templates only for structures whose question can reuse the sentence's own verb form, so
agreement and tense stay right without a grammar: attributed speech whose verb says what kind of statement it
was ("…", forderte Ministerin X → "Was forderte Ministerin X?"; « … », ont annoncé X → "Qu'ont annoncé X ?";
"…", advirtió X → "¿Qué advirtió X?"; a plain "sagte", "a déclaré", "dijo" gives no question, since "What did X
say?" has no topic and tells a reader nothing), announcements ("X hat … angekündigt" → "Was hat X angekündigt?")
and definitions ("X ist ein…" → "Was ist X?"), and a person named with a role "of" something in commas ("Elián
Villegas, ministro de Hacienda," → "¿Quién es Elián Villegas?" answered "Elián Villegas es ministro de
Hacienda."). A language without templates gets no questions, never English ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.pipeline.language import word_set
from bot.summarize.question_names import (
    CLOSE_QUOTES,
    DETERMINERS,
    NAME_PARTICLES,
    OPEN_QUOTES,
    QuestionContext,
    is_upper_start,
    looks_like_name,
    named_phrase,
)
from bot.summarize.sentences import Sentence


@dataclass(frozen=True, slots=True)
class Templates:
    """Speech, announcement and definition patterns of one language and how its questions are phrased."""

    speech_verbs: str  # regex alternation of reporting-verb forms as found in text
    verb_then_speaker: str  # question for "…", <verb> <speaker>  / <speaker> <verb> que…
    definition: re.Pattern[str] | None
    definition_question: str
    announce: re.Pattern[str] | None = None
    announce_question: str = ""
    # After "<speaker> <verb>", what shows the verb has an object of its own (so "Was <verb> X?" fits).
    object_follows: str = r"(?!)"
    # The speech verbs that say what kind of statement it was (demanded, criticised, warned, announced): only
    # these make a question without a topic ("Was forderte X?"); "Was sagte X?" tells a reader nothing.
    telling_verbs: str = r"(?!)"


def _elide(text: str) -> str:
    """French elision: "que a…" → "qu'a…", "que Ariane" → "qu'Ariane"."""
    return re.sub(r"\b([Qq]u)e ([aeiouhéèêàâîôûAEIOUHÉÈ])", r"\1'\2", text)


TEMPLATES = {
    "de": Templates(
        speech_verbs="sagte|sagt|erklärte|erklärt|betonte|betont|berichtete|berichtet|forderte|fordert|"
        "kritisierte|kritisiert|schrieb|schreibt",
        verb_then_speaker="Was {verb} {speaker}?",
        definition=re.compile(r"^(?P<subject>[^,;:]{2,60}?)\s+ist\s+(?:ein|eine|der|die|das)\s+\w+"),
        definition_question="Was ist {subject}?",
        announce=re.compile(
            r"^(?P<subject>[^,;:]{2,60}?)\s+(?P<aux>hat|haben)\s+.{3,120}?\s+"
            r"(?P<verb>angekündigt|bekanntgegeben|beschlossen|vorgestellt|veröffentlicht|vorgelegt)\s*[.!]?$"
        ),
        announce_question="Was {aux} {subject} {verb}?",
        object_follows=r"(?:den|die|das|einen|eine)\b",
        telling_verbs="forderte|fordert|kritisierte|kritisiert",
    ),
    "fr": Templates(
        speech_verbs="a déclaré|a affirmé|a expliqué|a indiqué|a annoncé|a précisé|a souligné|a estimé|"
        "a assuré|a ajouté|ont déclaré|ont affirmé|ont expliqué|ont indiqué|ont annoncé|déclare|affirme|"
        "explique|indique|estime|assure|souligne",
        verb_then_speaker="Que {verb} {speaker} ?",
        definition=re.compile(r"^(?P<subject>[^,;:]{2,60}?)\s+est\s+(?:un|une|le|la|l['’])\s*\w+"),
        definition_question="Qu'est-ce que {subject} ?",
        announce=re.compile(
            r"^(?P<subject>[^,;:]{2,60}?)\s+(?P<aux>a|ont)\s+(?P<verb>annoncé|dévoilé|présenté|publié|lancé|"
            r"décidé|confirmé|adopté)\s+\S"
        ),
        announce_question="Qu'{aux} {verb} {subject} ?",
        telling_verbs="a annoncé|ont annoncé",
    ),
    "es": Templates(
        speech_verbs="dijo|afirmó|explicó|aseguró|señaló|anunció|declaró|indicó|advirtió|añadió|"
        "dice|afirma|explica|asegura|señala",
        verb_then_speaker="¿Qué {verb} {speaker}?",
        definition=re.compile(r"^(?P<subject>[^,;:]{2,60}?)\s+es\s+(?:un|una|el|la)\s+\w+"),
        definition_question="¿Qué es {subject}?",
        announce=re.compile(
            r"^(?P<subject>[^,;:]{2,60}?)\s+(?P<verb>(?:ha\s+)?(?:anunciado|presentado|lanzado|publicado|"
            r"aprobado)|anunció|presentó|lanzó|publicó|aprobó)\s+\S"
        ),
        announce_question="¿Qué {verb} {subject}?",
        telling_verbs="anunció|advirtió",
    ),
    "pt": Templates(
        speech_verbs="disse|afirmou|explicou|declarou|anunciou|garantiu|destacou|ressaltou|acrescentou|"
        "diz|afirma|explica|garante",
        verb_then_speaker="O que {speaker} {verb}?",
        definition=re.compile(r"^(?P<subject>[^,;:]{2,60}?)\s+é\s+(?:um|uma|o|a)\s+\w+"),
        definition_question="O que é {subject}?",
        announce=re.compile(
            r"^(?P<subject>[^,;:]{2,60}?)\s+(?P<verb>anunciou|apresentou|lançou|publicou|aprovou)\s+\S"
        ),
        announce_question="O que {subject} {verb}?",
        telling_verbs="anunciou",
    ),
    "ru": Templates(
        speech_verbs="заявил|заявила|заявили|сообщил|сообщила|сообщили|сказал|сказала|сказали|отметил|"
        "отметила|отметили|подчеркнул|подчеркнула|подчеркнули|рассказал|рассказала|рассказали|"
        "объявил|объявила|объявили|пояснил|пояснила|пояснили",
        verb_then_speaker="Что {verb} {speaker}?",
        definition=re.compile(r"^(?P<subject>[^,;:]{2,60}?)\s+[—–-]\s+это\s+\w+"),
        definition_question="Что такое {subject}?",
        telling_verbs="объявил|объявила|объявили",
    ),
}


_PHRASE_TOKEN = re.compile(r"[^\s,;:()]+|[,;:()]")


def _speaker_after_verb(tail: str, ctx: QuestionContext, *, in_apposition: bool = False) -> str | None:
    """The speaker named right after a reporting verb: "… sagte Ministerin Anna Beispiel in Berlin" → the name.

    Reads an optional determiner, role words ("la vicepresidenta", "премьер-министр", "la Première
    ministre") and the capitalised name with its particles ("von der Leyen"); stops at the first grammatical
    word or punctuation. When the role is followed by the name in commas ("o presidente do banco, Roberto
    Campos Neto,"), the name alone is kept.
    """
    determiners = DETERMINERS.get(ctx.language, set())
    tokens = _PHRASE_TOKEN.findall(tail)
    phrase: list[str] = []
    for position, token in enumerate(tokens[:10]):
        word = token.strip(".'’")
        lowered = word.lower()
        if not word or not word[:1].isalpha():
            break
        upcoming = [t for t in tokens[position + 1 : position + 4] if t[:1].isalpha()]
        particle = lowered in NAME_PARTICLES and any(is_upper_start(t) for t in upcoming[:2])
        grammatical = lowered in ctx.tools.stop_words and lowered not in determiners
        if grammatical and not particle and not is_upper_start(word):
            break
        phrase.append(word)
        if token.endswith(".") and len(word) > 2:
            break  # the sentence ended on this word
    while phrase and not (is_upper_start(phrase[-1]) or looks_like_name(phrase[-1])):
        phrase.pop()
    if not phrase and not in_apposition and "," in tail:
        return _speaker_after_verb(tail.split(",", 1)[1], ctx, in_apposition=True)
    if not phrase:
        return None
    return named_phrase(" ".join(phrase), ctx, sentence_start=False)


def speech_question(sentence: Sentence, ctx: QuestionContext, templates: Templates) -> tuple[str, str] | None:
    text = sentence.text
    verbs = templates.speech_verbs
    speaker = None
    after_quote = re.search(rf"[{CLOSE_QUOTES}][,.]?\s*[—–-]?\s*,?\s*(?P<verb>{verbs})\s+(?P<tail>.+)$", text)
    if after_quote:
        verb = after_quote.group("verb")
        speaker = _speaker_after_verb(after_quote.group("tail"), ctx)
    else:
        speaker_first = re.match(
            rf"^(?P<speaker>[^{OPEN_QUOTES}{CLOSE_QUOTES},;:]{{2,60}}?)\s+(?P<verb>{verbs})"
            rf"(?:\s*,|\s+(?:que\b|qu['’]|dass\b|что\b|{templates.object_follows}))",
            text,
        )
        if speaker_first:
            verb = speaker_first.group("verb")
            speaker = named_phrase(speaker_first.group("speaker"), ctx, sentence_start=True)
    if speaker is None or not re.fullmatch(templates.telling_verbs, verb):
        return None
    question = templates.verb_then_speaker.format(verb=verb, speaker=speaker)
    return (_elide(question) if ctx.language == "fr" else question), speaker


def announcement_question(sentence: Sentence, ctx: QuestionContext, templates: Templates) -> tuple[str, str] | None:
    if templates.announce is None:
        return None
    match = templates.announce.match(sentence.text)
    if not match:
        return None
    subject = named_phrase(match.group("subject"), ctx, sentence_start=True)
    if subject is None:
        return None
    fields = match.groupdict()
    question = templates.announce_question.format(
        subject=subject, verb=" ".join(fields["verb"].split()), aux=fields.get("aux") or ""
    )
    return (_elide(question) if ctx.language == "fr" else question), subject


def definition_question_of(sentence: Sentence, ctx: QuestionContext, templates: Templates) -> tuple[str, str] | None:
    if templates.definition is None:
        return None
    match = templates.definition.match(sentence.text)
    if not match:
        return None
    subject = named_phrase(match.group("subject"), ctx, sentence_start=True)
    if subject is None or subject.split()[0].lower() in ctx.tools.stop_words:
        return None  # "Für das Quartier … ist …": a prepositional phrase opens the sentence, not a subject
    question = templates.definition_question.format(subject=subject)
    return (_elide(question) if ctx.language == "fr" else question), subject


# Linking adverbs a sentence takes from the one before ("dann bereits", "auch", "también"): copied into a
# question they point at a context the reader does not have, so they are taken out of it.
DISCOURSE_ADVERBS = {
    "de": word_set("dann bereits auch noch schon jedoch allerdings zudem außerdem daher deshalb"),
    "fr": word_set("aussi déjà également cependant pourtant donc ensuite"),
    "es": word_set("también ya además entonces luego"),
    "pt": word_set("também já ainda então depois"),
    "ru": word_set("также уже ещё тоже однако поэтому"),
}


def without_discourse_adverbs(question: str, language: str) -> str:
    """`question` with the linking adverbs of its language taken out: "Wann erhöht die Bahn auch die Preise?" →
    "Wann erhöht die Bahn die Preise?"."""
    adverbs = DISCOURSE_ADVERBS.get(language, frozenset())
    kept = [word for word in question.split(" ") if word.lower() not in adverbs]
    return " ".join(kept)


# "Elián Villegas, ministro de Hacienda," → "¿Quién es Elián Villegas?" answered "Elián Villegas es ministro de
# Hacienda.": a person's name, then in commas a role noun that says of what ("de/del …"). German only with a bare
# role ("Matthias Geyer, Leiter des Gesellschaftsressorts,"), since an article would carry the name's case into
# the answer ("dem Leiter").
_ROLE_NOUNS = {
    "es": "presidente presidenta ministro ministra secretario secretaria director directora portavoz vocero vocera "
    "jefe jefa gerente alcalde alcaldesa gobernador gobernadora fiscal diputado diputada senador senadora líder "
    "fundador fundadora investigador investigadora profesor profesora analista economista abogado abogada "
    "entrenador coordinador coordinadora titular dirigente representante funcionario funcionaria referente "
    "responsable consejero consejera delegado delegada embajador embajadora rector rectora decano decana",
    "fr": "président présidente ministre secrétaire directeur directrice porte-parole chef maire gouverneur "
    "procureur juge député députée sénateur sénatrice dirigeant dirigeante fondateur fondatrice chercheur "
    "chercheuse professeur professeure analyste économiste avocat avocate entraîneur responsable conseiller "
    "conseillère délégué déléguée ambassadeur",
    "pt": "presidente ministro ministra secretário secretária diretor diretora porta-voz chefe prefeito prefeita "
    "governador governadora procurador juiz juíza deputado deputada senador senadora líder fundador pesquisador "
    "pesquisadora professor professora analista economista advogado advogada treinador coordenador coordenadora "
    "representante",
    "de": "Leiter Leiterin Chef Chefin Sprecher Sprecherin Präsident Präsidentin Direktor Direktorin Vorsitzender "
    "Vorsitzende Geschäftsführer Geschäftsführerin Bürgermeister Bürgermeisterin Minister Ministerin Trainer "
    "Gründer Gründerin Professor Professorin",
}
_ARTICLES = {
    "es": r"(?:el|la|un|una)\s+",
    "fr": r"(?:le|la|l['’]|un|une)\s*",
    "pt": r"(?:o|a|um|uma)\s+",
    "de": r"(?!)",
}
_OF = {
    "es": r"(?:de|del)",
    "fr": r"(?:de|du|des|d['’])",
    "pt": r"(?:de|do|da|dos|das)",
    "de": r"(?:des|der|von|vom|im|beim)",
}
_IDENTITY_TEMPLATES = {
    "es": ("¿Quién es {name}?", "{name} es {role}."),
    "fr": ("Qui est {name} ?", "{name} est {role}."),
    "pt": ("Quem é {name}?", "{name} é {role}."),
    "de": ("Wer ist {name}?", "{name} ist {role}."),
}
_UPPER = "A-ZÁÉÍÓÚÑÄÖÜÀÂÇÈÊÎÔÛÃÕ"
_LOWER = "a-záéíóúñäöüßàâçèêëîïôûùãõ"
_PERSON_NAME = (
    rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
    rf"(?:\s+(?:(?:de|da|do|dos|del|van|von|der|la|le)\s+)?[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?){{1,3}}"
)


def _identity_pattern(language: str) -> re.Pattern[str]:
    roles = "|".join(sorted(_ROLE_NOUNS[language].split(), key=len, reverse=True))
    return re.compile(
        r"(?:^|(?<=[\s(]))"
        rf"(?P<name>{_PERSON_NAME}),\s+(?P<role>(?:{_ARTICLES[language]})?(?:ex-?|vice-?)?(?:{roles})"
        rf"(?:\s+[{_LOWER}-]+)?\s+{_OF[language]}\s*[^,;:()\"“”«»]{{2,60}}?)(?=,|\.$|\s[—–-]\s)"
    )


_IDENTITY_PATTERNS = {language: _identity_pattern(language) for language in _ROLE_NOUNS}


def identity_question_of(sentence: Sentence, ctx: QuestionContext) -> tuple[str, str, str] | None:
    """(question, name, answer) for a person named with their role in an apposition, or None."""
    pattern = _IDENTITY_PATTERNS.get(ctx.language)
    if pattern is None:
        return None
    for match in pattern.finditer(sentence.text):
        name, role = match.group("name"), " ".join(match.group("role").split())
        before = sentence.text[: match.start()].split()[-1:]
        if before and before[0][:1].isupper() and not before[0].endswith((",", ".", ":", ";")):
            continue  # "Buró Político Esteban Lazo": where the name starts, a capitalised word before it hides
        tokens = name.split()
        while tokens and tokens[0] not in ctx.proper:
            tokens = tokens[1:]  # "Ayer Elián Villegas", "Selon Éric …": a word capitalised by its place
        if len(tokens) < 2 or tokens[-1] not in ctx.proper or tokens[0].lower() in NAME_PARTICLES:
            continue
        name = " ".join(tokens)
        if any(ctx.is_common(word) for word in tokens if word[:1].isupper()):
            continue  # "Político Roberto …": a common word capitalised by its place, not part of the name
        question, answer = _IDENTITY_TEMPLATES[ctx.language]
        return question.format(name=name), name, answer.format(name=name, role=role)
    return None
