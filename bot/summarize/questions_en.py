"""English question patterns for reported speech, passives with a complement and definitions (the fact kinds,
why / how many / when …, are in `questions_en_facts`): each reads one sentence and, when its structure allows,
returns the question it answers and the subject it names. A speech question always carries its topic ("What did
Stofan say about microbes?"); without one the quotation is not asked about, since "What did Stofan say?" tells a
reader nothing, unless the verb itself says what kind of statement it was ("What does Karo allege?", "What did
Mr Beavis claim?"); who was told is no topic ("What did Mr Hussen tell The Times?" asks nothing). A topic is a
name the article mentions again or a word it uses at least three times, and the title or the opening names it:
never one a quotation mentions in passing.

- attributed speech — `"…," NASA chief scientist Ellen Stofan said` → "What did NASA chief scientist Ellen
  Stofan say about Earth?" ("she said" resolves to a person named just before; "told CNN" keeps the listener;
  "predicted", "warned", "argued"… keep their meaning; the topic is a name or a theme the quote mentions); a
  speaker first may have a role in commas ("Alex Stevens, South West regional policy advisor, said: …") or a
  "However" before the name;
  `reported_clause` hands what a speaker reports ("Police said the man was arrested after …") to the fact kinds;
- the passive with its complement — "X was charged with…" → "What was X charged with?" (also found guilty of,
  cleared of, stripped of, banned from, "ordered to"/"forced to" → "What was X ordered to do?" for a named X with
  a complement of four words or more), and a plea — "X pleaded guilty to…" → "What did X plead guilty to?";
- a report about a named person or organisation — "John Prescott said Mr Pickles had given …" → "What did John
  Prescott say about Mr Pickles?": the report's own subject is its topic, before any word it mentions; so is a
  definite thing the article is about ("Jane Dell said the film was a gift …" → "… say about the film?");
- a definition — "Ceres is a dwarf planet…" → "What is Ceres?".
"""

from __future__ import annotations

import re

import lemminflect

from bot.pipeline.language import WORD_RE, word_set
from bot.summarize.compress import strip_asides
from bot.summarize.english_clause import NAMED_ASIDE, parse_clause
from bot.summarize.english_verbs import (
    SPEECH_ALTERNATION,
    SPEECH_FORMS,
    THING_OBJECT_FORMS,
    verb_reading,
)
from bot.summarize.question_checks import anaphoric_phrase
from bot.summarize.question_names import (
    CLOSE_QUOTES,
    EN_NOT_NAMES,
    EN_PREPOSITIONS,
    EN_SPEAKER_PRONOUNS,
    EN_TITLES,
    EN_VERB_SUBJECTS,
    OPEN_QUOTES,
    PRONOUN_RESOLUTION_WINDOW,
    QUOTE_START,
    QuestionContext,
    clean_phrase,
    en_is_plural,
    en_is_verb_form,
    is_upper_start,
    looks_like_name,
    named_phrase,
)
from bot.summarize.questions_en_apposition import ROLE_HEAD, without_role_aside
from bot.summarize.questions_en_facts import names_an_actor, subject_in_question
from bot.summarize.sentences import Sentence

_EN_INTRO = re.compile(
    r"^(?:on|in|at|last|this|earlier|later|after|before|during|since|following|yesterday|today|next|"
    r"meanwhile|now|then|by|for|under|with|without|as|of)\b",
    re.IGNORECASE,
)
# Asides between a subject and its verb: ", meanwhile,", ", 34,", ", who until January was …,".
_EN_ASIDE = re.compile(
    r",\s*(?:meanwhile|however|though|too|also|in turn|for (?:its|his|her|their) part|in a statement|"
    r"on \w+day|\d{1,3}|(?:who|which)\s[^,]{1,80}|(?:a|an|the)\s[^,]{1,60})\s*,",
    re.IGNORECASE,
)
# "However" before a speaker with no comma after it: "However Assistant State's Attorney Barry Quinn says …".
# The sentence splitter drops "But", "And", "Yet" and "However," (`clutter.trim_connective`), but not an adverb
# without its comma, which may belong to the clause ("Still waters …"); "However" before a name never does.
_EN_CONNECTIVE = re.compile(r"^However\s+(?=[A-Z])")


def _speaker_first_text(text: str) -> str:
    """The sentence as the speaker-first patterns read it: no "However" before the speaker, no role in commas
    after the name ("Alex Stevens, South West regional policy advisor, said: …"), no aside between the subject
    and the verb."""
    return _EN_ASIDE.sub("", without_role_aside(_EN_CONNECTIVE.sub("", text)))


# A time phrase between subject and verb: "West Mercia Police last night said …".
_EN_TRAILING_TIME = re.compile(
    r"\s+(?:last|this|early|late|on|in|earlier|later)\s+(?:night|week|month|year|morning|afternoon|evening|"
    r"weekend|\w+day|january|february|march|april|may|june|july|august|september|october|november|december|"
    r"\d{4})$",
    re.IGNORECASE,
)
# Verbs asked about as "say" that just as often take a plain object ("added his seventh goal", "noted the
# similarities", "wrote a book"): speech only with "that", a colon or a quotation after them.
_EN_OBJECT_TAKING_SAY_VERBS = word_set(
    "added adds noted notes wrote writes recalled recalls continued continues explained explains stated states "
    "denied denies"
)
_EN_PASSIVES = {
    # participle + preposition → (question template, needs what follows)
    "charged with": "What {be} {subject} charged with?",
    "accused of": "What {be} {subject} accused of?",
    "convicted of": "What {be} {subject} convicted of?",
    "sentenced to": "What {be} {subject} sentenced to?",
    "diagnosed with": "What {be} {subject} diagnosed with?",
    "arrested for": "Why {be} {subject} arrested?",
    "jailed for": "Why {be} {subject} jailed?",
    "suspended for": "Why {be} {subject} suspended?",
    "known for": "What {be} {subject} known for?",
    "caused by": "What caused {subject}?",
    "nominated for": "What {be} {subject} nominated for?",
    "praised for": "What {be} {subject} praised for?",
    "criticised for": "Why {be} {subject} criticised?",
    "criticized for": "Why {be} {subject} criticized?",
    "fined for": "Why {be} {subject} fined?",
    "blamed for": "What {be} {subject} blamed for?",
    "credited with": "What {be} {subject} credited with?",
    "treated for": "What {be} {subject} treated for?",
    "sued for": "Why {be} {subject} sued?",
    "inspired by": "What {be} {subject} inspired by?",
    "based on": "What {be} {subject} based on?",
    "made of": "What {be} {subject} made of?",
    "linked to": "What {be} {subject} linked to?",
    "famous for": "What {be} {subject} famous for?",
    "found guilty of": "What {be} {subject} found guilty of?",
    "cleared of": "What {be} {subject} cleared of?",
    "acquitted of": "What {be} {subject} acquitted of?",
    "stripped of": "What {be} {subject} stripped of?",
    "expelled from": "What {be} {subject} expelled from?",
    "banned from": "What {be} {subject} banned from?",
    "barred from": "What {be} {subject} barred from?",
    "ordered to": "What {be} {subject} ordered to do?",
    "forced to": "What {be} {subject} forced to do?",
    "hospitalised for": "Why {be} {subject} hospitalised?",
    "hospitalized for": "Why {be} {subject} hospitalized?",
}
# Passives asked as "What was X ordered to do?": only about a named subject with a complement of some length.
_EN_TO_DO_PASSIVES = frozenset({"ordered to", "forced to"})
# A plea: "Altice pleaded guilty to three counts of …" → "What did Altice plead guilty to?".
_EN_PLEA = re.compile(
    r"^(?P<subject>.{2,80}?)\s+(?:has\s+|have\s+)?(?P<verb>pleaded|pled|pleads)\s+(?P<plea>(?:not\s+)?guilty)\s+to\s+\S"
)
_EN_PASSIVE = re.compile(
    r"^(?P<subject>.{2,80}?)\s+(?P<be>is|are|was|were|has been|have been|had been)\s+(?:\w+ly\s+)?"
    r"(?P<participle>" + "|".join(p.replace(" ", r"\s+") for p in _EN_PASSIVES) + r")\b\s+\S",
)
# "X is a Y": a definition (not "X is the biggest…", a ranking, nor "X are…", often a team in the news).
_EN_DEFINITION = re.compile(r"^(?P<subject>[^,;:]{2,60}?)\s+(?P<be>is)\s+(?:a|an)\s+\w+")


# A common word is a speech topic only when the article returns to it at least this often.
_TOPIC_MIN_MENTIONS = 3
# What a quotation is about is named in its first words; a noun further on is something it touches on the way
# ("What did Ancelotti say about Barcelona?" of a long quote about Malaga that ends on Barcelona).
TOPIC_REACH_WORDS = 18
_RUN_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*[\w]|[^\W\d_]|[,;:!?()\[\]\"“”«»„]|\S+", re.UNICODE)


def _en_topic(region: str, speaker: str, ctx: QuestionContext) -> str | None:
    """A theme of the article that the quoted words touch, for "… say about <topic>?"; None if none is clear.

    Candidates are runs of content words (stop words and punctuation split them, as in RAKE). A run becomes a
    topic only when it reads correctly after "about": a name ("Greece", "the Gulf Stream"), a run the text
    itself introduces with "the" ("the death penalty"), or a plural the article keeps returning to
    ("embryos"). Bare singulars and verbs ("about hospital", "about survived") never qualify, nor a run that
    starts after the first `TOPIC_REACH_WORDS` words of the quotation.
    """
    speaker_words = {w.lower() for w in WORD_RE.findall(speaker)}
    speaker_initials = "".join(w[0] for w in WORD_RE.findall(speaker) if w[:1].isupper())
    tokens = _RUN_TOKEN.findall(region)
    best: tuple[float, int, str] | None = None
    run: list[str] = []
    run_start = 0

    def consider(run: list[str], start: int) -> None:
        nonlocal best
        if not run or len(run) > 4:
            return
        if sum(1 for t in tokens[:start] if t[:1].isalpha()) >= TOPIC_REACH_WORDS:
            return  # named late in a long quotation: touched on, not what it is about
        if any(w.lower() in speaker_words for w in run) or any(len(w) < 3 for w in run):
            return
        if any(
            w.startswith(("I'", "I’"))
            or en_is_verb_form(w)
            or w.lower() in THING_OBJECT_FORMS
            or (w.islower() and len(w) > 6 and w.endswith("ize"))
            for w in run
        ):
            return  # "I'd", "visit food banks", "incentivize stocks": not a noun phrase
        if run[-1].lower() in _NOT_TOPICS or any(not _is_noun_or_adjective(w) for w in run[:-1]):
            return  # "about weeks", "about climb mountains": a measure of time, or a verb in the run
        if any(w.isupper() and len(w) > 1 and w.lower() in ctx.common for w in run):
            return  # "SHE IS LYING ABOUT MY AGE": a common word shouted, not an acronym
        if len(run) == 1 and run[0].isupper() and speaker_initials.endswith(run[0]):
            return  # "EPA" when the speaker is the Environmental Protection Agency
        previous = tokens[start - 1].lower() if start > 0 else ""
        if previous.strip(".") in EN_TITLES:
            return  # "Lord Janner": the name without its title reads as "about the Janner"
        if previous in {"reported", "reports", "according"} or (
            previous == "to" and tokens[start - 2 : start - 1] == ["according"]
        ):
            return  # "…,' reported Lehigh Valley Live": who reported it, not what it is about
        if previous in _BEFORE_VERBS and run[0].islower() and verb_reading(run[0].lower()) is not None:
            return  # "go and climb mountains", "to visit food banks": a verb phrase, not a topic
        opens_region = not any(t[:1].isalpha() for t in tokens[:start])
        is_name = all(is_upper_start(w) and w.lower() not in EN_NOT_NAMES for w in run) and (
            not opens_region or run[0] in ctx.proper
        )
        counts = [ctx.term_counts.get(ctx.tools.stem(w.lower()), 0) for w in run]
        salient = max(counts) >= 2
        following = tokens[start + len(run)] if start + len(run) < len(tokens) else ""
        if is_name and not all(w in ctx.proper or looks_like_name(w) for w in run):
            return  # "Now", "Human" opening a quoted sentence: capitalised by position, not a name
        before_previous = tokens[start - 2] if start > 1 else ""
        if is_name and previous in {"of", "the", "&"} and is_upper_start(before_previous):
            return  # "Board of Education": the end of a longer name
        if following in {"'s", "’s"} or run[-1].endswith(("'s", "’s")):
            return  # "about Sam Waley-Cohen's": a possessive whose noun was cut off
        if is_name and (sum(counts) < 2 or is_upper_start(following)):
            return  # a name the article mentions once is incidental; "Human Landing" is cut from a longer one
        if not is_name and max(counts) < _TOPIC_MIN_MENTIONS:
            return  # "about rocks", "about the mud": a word the article does not return to is incidental
        in_lead = any(ctx.tools.stem(w.lower()) in ctx.lead_terms for w in run)
        if ctx.lead_terms and not in_lead and max(counts) < _TOPIC_THEME_MENTIONS:
            return  # "about the hole": neither what the opening is about nor a theme the article keeps to
        if is_name:
            # "the Gulf Stream", but "Mars" from "the Mars 2020 rover": there "the" belongs to a longer phrase.
            acronym = len(run) == 1 and run[0].isupper() and run[0] in ctx.the_nouns  # "the FBI", as written
            ends_phrase = not following[:1].isalnum() or following.lower() in ctx.tools.stop_words
            the = acronym or (previous == "the" and ends_phrase)  # "the Gulf Stream to …", not "the Mars 2020 …"
            phrase = ("the " if the else "") + " ".join(run)
            score = 2.0 + sum(counts)
        elif previous == "the" and salient and all(w.islower() for w in run):
            phrase, score = "the " + " ".join(run), float(sum(counts))
        elif (
            en_is_plural(run[-1])
            and salient
            and all(w.islower() for w in run)
            and previous not in EN_VERB_SUBJECTS  # "he intends": a verb, not a plural
            and not any(w.endswith(("'s", "’s")) for w in run)  # "party's policies" needs its determiner
        ):
            phrase, score = " ".join(run), float(sum(counts))
        elif len(run) == 1 and run[0].islower() and salient and run[0] in ctx.the_nouns and _is_noun(run[0]):
            phrase, score = "the " + run[0], counts[0] - 0.5  # "the race": the article says it so elsewhere
        else:
            return
        if best is None or (score, -start) > best[:2]:
            best = (score, -start, phrase)

    for position, token in enumerate(tokens):
        word = token if re.fullmatch(r"(?:[A-Z]\.){2,}", token) else token.strip("'’.")
        breaks = (
            not word
            or not word[:1].isalpha()
            or (word.lower() in ctx.tools.stop_words and word not in ctx.proper)
            or word.lower() in EN_PREPOSITIONS
        )
        if breaks:
            consider(run, run_start)
            run, run_start = [], position + 1
        elif run and run[-1][:1].islower() and is_upper_start(word):
            consider(run, run_start)  # "reach Jupiter": a verb, then a name of its own
            run, run_start = [word], position
        else:
            if not run:
                run_start = position
            run.append(word)
    consider(run, run_start)
    return best[2] if best else None


# A topic the opening does not name is still the article's when the article names it this often ("the SLS").
_TOPIC_THEME_MENTIONS = 8
_BEFORE_VERBS = word_set("to and or would will can could should must might may i we you they not")
# Words that are never what a quotation is about.
_NOT_TOPICS = word_set(
    """
    weeks days years months hours minutes seconds times people things ways lot lots others ones years-old
    week day year month hour minute second time thing way future past present moment situation matter stuff
    """
)


def _is_noun_or_adjective(word: str) -> bool:
    if not word.islower():
        return True
    lemmas = lemminflect.getAllLemmas(word.lower())
    return not lemmas or bool({"NOUN", "ADJ", "PROPN"} & set(lemmas))


def _is_noun(word: str) -> bool:
    return "NOUN" in lemminflect.getAllLemmas(word)


# Reporting verbs that say what kind of statement it was: "What did X admit?" asks something without a topic.
_CLAIM_VERBS = word_set("allege claim admit concede deny insist predict argue acknowledge conclude")
# Present-tense claims with no topic: one side's account in a dispute, seldom a single statement.
_ONE_OF_SEVERAL_CLAIMS = word_set("claim insist argue")


def _en_speaker_question(verb_form: str, speaker: str, listener: str | None, topic: str | None) -> str | None:
    """The question for reported speech; None without a topic, since "What did Stofan say?" tells a reader
    nothing about what the quotation is about."""
    base = SPEECH_FORMS[verb_form.lower()]
    do = "does" if verb_form.lower().endswith("s") else "did"  # present forms end in -s, past ones never
    if topic is None:
        # A claim, an admission, a warning is a question of its own ("What does Karo allege?"); plain "say"
        # needs its topic.
        if base == "warn":
            return f"What warning {do} {speaker} give?"
        if do == "does" and base in _ONE_OF_SEVERAL_CLAIMS:
            return None  # "What does Karo claim?": a running dispute's claims are many; which one, the reader guesses
        return f"What {do} {speaker} {base}?" if base in _CLAIM_VERBS and not listener else None
    if verb_form.lower() in {"tells", "told"} and listener:
        return f"What {do} {speaker} tell {listener} about {topic}?"
    if base == "warn":
        return f"What warning {do} {speaker} give about {topic}?"
    if base == "estimate":
        return None  # "What did X estimate about Y?" does not read well; the number kinds ask it better
    return f"What {do} {speaker} {base} about {topic}?"


EN_QUOTE_THEN_SPEAKER = re.compile(
    rf"[,!?.…][{CLOSE_QUOTES}]\s+(?P<speaker>[^{OPEN_QUOTES}{CLOSE_QUOTES},;:]{{2,80}}?)\s+"
    rf"(?P<verb>{SPEECH_ALTERNATION})\b(?P<after>.*)$"
)
EN_QUOTE_THEN_VERB = re.compile(
    rf"[,!?.…][{CLOSE_QUOTES}]\s+(?P<verb>said|says|added|explained|wrote|insisted)\s+"
    rf"(?P<speaker>(?:[A-Z][\w.'’-]*\s+){{0,4}}[A-Z][\w'’-]*)(?=[,.;]|$|\s+(?!&|and\b|[A-Z]))"
)
_EN_SPEAKER_FIRST = re.compile(
    rf"^(?P<speaker>[^{OPEN_QUOTES}{CLOSE_QUOTES},;:]{{2,80}}?)\s+(?:(?:also|has|have|had)\s+)?"
    rf"(?P<verb>{SPEECH_ALTERNATION})\b(?P<after>.*)$"
)
_EN_LISTENER = re.compile(r"^\s+(?P<listener>(?:[A-Z][\w.'’-]*\s+){0,4}[A-Z][\w'’-]*)\s+(?:that\b|\S)")


# What follows a reporting verb when it is a clause of its own: "said (on Tuesday) (that) the man was …".
_REPORTED = re.compile(
    r"^\s*(?:(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today)\s+|"
    r"(?:last|this)\s+\w+\s+)?(?:,\s*)?(?:that\s+)?(?P<clause>(?:the|a|an|[A-Z])[^\"“”‘’]*)$"
)


def reported_clause(sentence: Sentence) -> str | None:
    """The clause a speaker reports, for fact questions about it: "Police said the man was arrested after …"
    → "the man was arrested after …" (so "Why was the man arrested?"). None for quotations."""
    if QUOTE_START.match(sentence.text):
        return None
    match = _EN_SPEAKER_FIRST.match(_speaker_first_text(sentence.text))
    if not match or SPEECH_FORMS[match.group("verb").lower()] not in {"say", "estimate", "believe", "predict"}:
        return None
    reported = _REPORTED.match(match.group("after"))
    if not reported:
        return None
    clause = reported.group("clause").strip()
    return clause[:1].upper() + clause[1:] if clause else None


def en_speech(
    sentence: Sentence,
    ctx: QuestionContext,
    last_speaker: tuple[int, str] | None,
    continuation: str = "",
) -> tuple[str, str] | None:
    """(question, speaker) for a sentence of attributed speech, or None.

    `continuation` is the next sentence when it goes on quoting the same speaker: its words count for the topic.
    The speaker is returned even when there is no question, so that a later "he said" can be resolved.
    """
    text = sentence.text
    if QUOTE_START.match(text):
        match = EN_QUOTE_THEN_SPEAKER.search(text) or EN_QUOTE_THEN_VERB.search(text)
        if not match:
            return None
        speaker_raw, verb = match.group("speaker"), match.group("verb")
        after = match.groupdict().get("after") or ""
        region = text[: match.start() + 1]  # the quotation itself
        speaker_at_start = False
    else:
        match = _EN_SPEAKER_FIRST.match(_speaker_first_text(text))
        if not match:
            return None
        speaker_raw, verb, after = match.group("speaker"), match.group("verb"), match.group("after")
        region = after
        speaker_at_start = True
    # Read only once the role in commas was left out ("Eddie Coyle, prosecuting, said: 'On October 14 …'"): such
    # statements are long accounts (a court's prosecution, an official's briefing), where a topic picked from
    # their words is a detail ("… say about Hyde Road?"); asked only about the person the report is about.
    via_role = speaker_at_start and not _EN_SPEAKER_FIRST.match(_EN_ASIDE.sub("", _EN_CONNECTIVE.sub("", text)))
    if clean_phrase(speaker_raw).lower() in EN_SPEAKER_PRONOUNS:
        if last_speaker is None or sentence.index - last_speaker[0] > PRONOUN_RESOLUTION_WINDOW:
            return None
        speaker = last_speaker[1]
        if speaker.split()[-1] in region:
            return None  # "'Bale had a fantastic season,' he added": people do not quote themselves by name
    else:
        named = (
            _en_subject(speaker_raw, ctx) if speaker_at_start else named_phrase(speaker_raw, ctx, sentence_start=False)
        )
        if named is None:
            return None
        speaker = named
    following = after.split()[0].lower().strip(",.;") if after.split() else ""
    if speaker_at_start and following in EN_PREPOSITIONS and not re.search(r":|\bthat\b", after):
        return None  # "Meacham concluded in an interview.": nothing reported to ask about
    if (
        speaker_at_start
        and verb.lower() in _EN_OBJECT_TAKING_SAY_VERBS
        and not re.match(rf"^\s*(?:that\b|[:,]|[{OPEN_QUOTES}])", after)
    ):
        return None  # "Beauvillier added his seventh goal": an object, not something said
    listener = None
    if verb.lower() in {"told", "tells"}:
        listener_match = _EN_LISTENER.match(after)
        if listener_match:
            listener = named_phrase(listener_match.group("listener"), ctx, sentence_start=False)
            rest_after = [w.strip(".,;:!?") for w in after[listener_match.end("listener") :].split()]
            following = rest_after[0] if rest_after else ""
            if following.islower() and following.isalpha() and following != "that" and verb_reading(following) is None:
                listener = None  # "told Spanish television": the listener is a longer phrase
            if following[:1].isupper() and not after[listener_match.end("listener") :].lstrip().startswith(("'", "‘")):
                listener = None  # "told Daily Mail Australia.": a longer name than we read
        if listener is None:
            return None  # "told reporters" / "told him": a say-question would misread the structure
    if speaker_at_start and len(WORD_RE.findall(after)) < 4:
        return "", speaker  # "Jamie wrote, the affidavit said.": nothing reported to ask about
    topic = _reported_person(sentence, speaker, ctx) if speaker_at_start else None
    if via_role:
        if topic is None or not names_an_actor(topic, ctx):
            return "", speaker
    else:
        topic = topic or _en_topic(f"{region} {continuation}", f"{speaker} {listener or ''}", ctx)
    return _en_speaker_question(verb, speaker, listener, topic) or "", speaker


def _reported_person(sentence: Sentence, speaker: str, ctx: QuestionContext) -> str | None:
    """The person a report is about, as its subject names them: "John Prescott said Mr Pickles had given a 'car
    crash' interview" → "Mr Pickles". What the speaker says is about that person, not about a word in passing.
    Failing a person, the thing the report is about, when the article is about it too (`_reported_thing`)."""
    reported = reported_clause(sentence)
    clause = parse_clause(reported) if reported else None
    if clause is None:
        return None
    subject = subject_in_question(clause, ctx, None)
    if subject is None or not names_an_actor(subject, ctx):
        return _reported_thing(clause.subject, ctx)
    if subject.split()[-1] in speaker.split() or subject[:1].islower():
        return None  # the speaker on themself; "former manager Tony Pulis": a role before the name
    return subject


_DEFINITE_THING = re.compile(r"(?i:the)\s+(?P<words>(?:[a-z][a-z-]*\s+){0,2}[a-z][a-z-]*)")


def _reported_thing(subject: str, ctx: QuestionContext) -> str | None:
    """ "Bolger said that the battery had burst into flames …" → "the battery": a definite subject of the
    reported clause, in lower case words, is what the report is about. It must be the article's own thing, by
    the rules a quotation's topic follows (`_en_topic`): a word the article returns to, named in the title or the
    opening or kept to throughout; never one that stands for someone named ("the club", "the man": the question
    would not say who) nor a measure of time."""
    match = _DEFINITE_THING.fullmatch(subject.strip())
    if not match:
        return None
    words = match.group("words").split()
    head = words[-1]
    if head in _NOT_TOPICS or not _is_noun(head) or any(not _is_noun_or_adjective(w) for w in words[:-1]):
        return None
    topic = "the " + " ".join(words)
    if anaphoric_phrase(topic, ctx) is not None:
        return None
    count = ctx.term_counts.get(ctx.tools.stem(head), 0)
    in_lead = ctx.tools.stem(head) in ctx.lead_terms
    if count < _TOPIC_MIN_MENTIONS or (ctx.lead_terms and not in_lead and count < _TOPIC_THEME_MENTIONS):
        return None
    return topic


_EN_PERSON_SUBJECT = re.compile(r"^(?P<subject>(?:[\w'’.-]+\s+){0,4}[A-Z][\w'’-]+\s+[A-Z][\w'’-]+)\s+[a-z]")
# Heads of organisation names: "the European Space Agency launched…" is not a "he" or "she".
_EN_ORGANISATION_WORDS = word_set(
    """
    agency council ministry department company corporation university party office group bank court committee
    commission association institute foundation union league club team government police service administration
    board authority organisation organization inc ltd
    """
)


def en_person_subject(sentence: Sentence, ctx: QuestionContext) -> str | None:
    """A person named as a sentence's subject ("Project scientist Olivier Witasse described…"), whom a
    "he said" in the next sentences most likely refers to."""
    match = _EN_PERSON_SUBJECT.match(_EN_ASIDE.sub("", sentence.text))
    if not match:
        return None
    subject = match.group("subject")
    tokens = subject.split()
    if tokens[0].lower() in {"the", "a", "an"} or any(t.lower() in _EN_ORGANISATION_WORDS for t in tokens):
        return None  # "The Hubble Space Telescope", "Springfield City Council": a thing, not a person
    if any((ctx.is_common(word) and word.lower() not in EN_TITLES) or word.isupper() for word in tokens[-2:]):
        return None
    return _en_subject(subject, ctx)


def _en_subject(before_verb: str, ctx: QuestionContext) -> str | None:
    """The named subject in the words before a verb, skipping an introductory phrase ("On Tuesday, …")."""
    text = _EN_TRAILING_TIME.sub("", _EN_ASIDE.sub("", before_verb).strip())
    sentence_start = True
    if "," in text:
        intro, _, rest = text.rpartition(",")
        if not _EN_INTRO.match(intro.strip()):
            return None
        text, sentence_start = rest.strip(), False
    if _EN_INTRO.match(text):
        return None
    return named_phrase(text, ctx, sentence_start=sentence_start)


def en_passive(sentence: Sentence, ctx: QuestionContext) -> tuple[str, str] | None:
    """A passive with its complement ("What was Mr Goodwin stripped of?") or a plea ("What did Altice plead
    guilty to?"); where the subject is from is left out ("Edward Byatt, 39, of Buckhurst Hill, Essex, was …")."""
    if QUOTE_START.match(sentence.text):
        return None
    text = strip_asides(NAMED_ASIDE.sub("", without_role_aside(sentence.text)))
    plea = _EN_PLEA.match(text)
    if plea:
        subject = _en_subject(plea.group("subject"), ctx)
        do = "does" if plea.group("verb") == "pleads" else "did"
        return (f"What {do} {subject} plead {plea.group('plea')} to?", subject) if subject else None
    match = _EN_PASSIVE.match(text)
    if not match:
        return None
    subject = _en_subject(match.group("subject"), ctx)
    if subject is None:
        return None
    be = match.group("be").split()[0]
    be = {"has": "was", "have": "were", "had": "was"}.get(be, be)
    participle = " ".join(match.group("participle").split())
    template = _EN_PASSIVES[participle]
    if participle in _EN_TO_DO_PASSIVES:
        if subject.split()[-1][:1].islower():
            return None  # "What was the Samoan man ordered to do?": who, the question does not say
        complement = re.split(r"[,;:.](?!\d)", text[match.end("participle") :], maxsplit=1)[0].split()
        if len(complement) < 4:
            return None  # "ESPN were forced to react": what they did, the answer does not say
    if template.startswith("What caused"):
        template = "What causes {subject}?" if be in {"is", "are"} else template
    return template.format(be=be, subject=subject), subject


# The head noun of "a/an …" up to a preposition, a relative clause or punctuation: "a renowned poker player".
_DEFINITION_HEAD = re.compile(r"(?:a|an)\s+(?:[\w'’-]+\s+){0,3}?([a-z][\w-]*)(?=\s(?:who|of|at|for|with|and)\b|[,.]|$)")


def en_definition(sentence: Sentence, ctx: QuestionContext) -> tuple[str, str] | None:
    if QUOTE_START.match(sentence.text):
        return None
    match = _EN_DEFINITION.match(sentence.text)
    if not match:
        return None
    subject = named_phrase(match.group("subject"), ctx, sentence_start=True)
    if subject is None or not any(is_upper_start(t) or looks_like_name(t) for t in subject.split()):
        return None
    head = _DEFINITION_HEAD.match(sentence.text[match.end("be") :].strip())
    wh = "Who" if head and ROLE_HEAD.fullmatch(head.group(1)) else "What"  # "Blizerian is a renowned poker player"
    return f"{wh} {match.group('be')} {subject}?", subject
