"""Whether a sentence can be shown on its own: as a key point (a bullet) or as the TL;DR.

`Sentence.standalone` already rules out fragments by form (lower-case start, no full stop, a half quotation).
A bullet is read without the sentence before it, so it must also not lean on one: no opening pronoun ("He
said…", "It was…", unless the "it" stands for nothing: "It is understood that…") or pointer in any language
we summarise ("Darin…", "C'est…", a Spanish or Portuguese verb whose subject was the previous sentence's:
"Son cifras que…") or inside it ("Die Hersteller dürfen sie demnach…", "diese Ausbildung", "como ya se
dijo"), no participle clause without its main clause ("Explaining why he…"), no "The group is
assisting…" whose group was named earlier, no caption ("Big Ben: the 20lb lamb…"), no quotation whose speaker is
only "he" or "she", no quotation with no speaker at all, no description standing for someone named before
("The former vice president had …"), no example or comparison without what it illustrates ("Zum Beispiel …",
"Genauso ist es …"), no line spoken to someone ("Herr Drosten, ich sage …"), no question reported without its
answer, no signpost ("Here's a round-up of …"); in German, no line without a verb ("Krebskongress in Linz über
…") and no reported speech whose speaker is not in the sentence ("Eine der Brücken sei nicht mal 50 Meter
lang."). The TL;DR must in addition carry a fact, not name its person by age alone ("the 35-year-old", "der
35-Jährige") and not open on a connective ("Mientras tanto, …", "Allerdings …"); in English, where we can
tell, it must not be a teaser without a verb ("Alibaba Qwen AI team members departing."), not addressed to
"you" as a feature opening is, not a subject that only the headline named ("The automaker isn't slowing
down…"), and it must either name someone or something or give a number, or state something in a sentence
that does not open like a feature ("With summer around the corner, icy treats are back…"). The checks are cheap
and conservative: a sentence they turn away is only passed over for the next one, never rewritten.
"""

from __future__ import annotations

import re

from bot.pipeline.language import word_set
from bot.summarize.sentences import Sentence

# Openers that point back to something named earlier, per language. Besides pronouns: German adverbs made of
# "da-" + a preposition ("Darin stecken …": in what?) and "deshalb"/"demnach" (because of what?); French "c'"
# ("C'est …"); Spanish and Portuguese verbs that open a sentence whose subject was the previous sentence's
# ("Son cifras que …", "É o maior …"), since both languages drop a subject already named.
_POINTING_OPENERS = {
    "en": "he she it they him them his her its their this these those such",
    "de": "er sie es ihr ihm ihn ihnen dies diese dieser dieses darin dabei damit dazu davon dafür dagegen danach "
    "darauf daraufhin daher dadurch darüber darunter daneben dahinter deshalb deswegen demnach dort denn also so "
    "auch dann",
    "fr": "il elle ils elles lui leur ceci cela ce ces cette c ça",
    "es": "él ella ellos ellas esto eso este esta estos estas ese esa esos esas ello aquel aquella son es fue "
    "fueron era eran será serán está están estaba estaban",
    "pt": "ele ela eles elas isso isto este esta estes estas esse essa esses essas aquele aquela são é foi foram "
    "era eram será serão está estão estava estavam",
    "it": "lui lei loro questo questa questi queste",
    "nl": "hij zij ze dit dat deze",  # not "het": it is also the article
    "ru": "он она оно они это этот эта эти его её их",
}
_POINTING_WORDS = {code: frozenset(words.split()) for code, words in _POINTING_OPENERS.items()}
# "The group is assisting…": a definite noun that stands for someone named before; English only.
_VAGUE_NOUNS = (
    "group|man|woman|men|women|boy|girl|pair|couple|duo|trio|teenager|teen|youngster|victim|victims|suspect|"
    "suspects|star|player|actor|actress|singer|former|latter|same|move|incident|firm|mother|father|son|daughter|"
    "child|baby|family|animal|dog|cat|officer|driver|patient|student|pupil|teacher|source|spokesman|spokeswoman|"
    "spokesperson|organisation|organization|automaker|company|giant|outlet|network|band|club|side"
)
# Only when its verb follows at once: "The woman falsely accused of …" says who she is.
_VAGUE_SUBJECT = re.compile(rf"^(?:The|This|That|These|Those)\s+(?:{_VAGUE_NOUNS})\s+(?P<next>[\w'’]+)")
# "The former vice president had …", "The former New York mayor's debut …": a description that stands for someone
# the article named before; with the name after it ("The former vice president Joe Biden said …") it says who.
_EPITHET_SUBJECT = re.compile(
    r"^The\s+(?:former|late|ex-|outgoing|veteran|embattled)\s+(?:[\w.-]+\s+){0,3}?[a-z][\w-]*"
    r"(?:['’]s\b|\s+(?:is|was|has|had|will|would|could|said|says|told|added|backed|\w+ed)\b)"
)
_TIME_DEMONSTRATIVE = re.compile(
    r"^(?:This|That|These|Those)\s+(?:week|weekend|month|year|season|morning|afternoon|evening|summer|winter|"
    r"spring|autumn|fall|time|days|weeks|months|years)\b"
)
_EXPLETIVE_IT = re.compile(
    r"^It(?:['’]s|\s(?:is|was|has\sbeen|had\sbeen|will\sbe|would\sbe|remains|remained))\s(?:not\s)?(?:\w+ly\s)?"
    r"(?:understood|believed|thought|expected|reported|alleged|claimed|said|feared|hoped|known|estimated|likely|"
    r"unlikely|unclear|clear|possible|impossible|hard|difficult|easy|important|vital|crucial|time|"
    r"the\s(?:first|second|third|fourth|fifth|latest|last|biggest|largest|worst|best|highest|lowest))\b"
    r"|^It\s(?:comes|came|follows|followed)\s(?:just\s|only\s)?(?:[\w-]+\s){0,3}?(?:after|as|amid|before)\b"
    r"|^It\s(?:took|takes|will\stake)\s"
)
# "That is the view of …", "That's why …": "that" as a pronoun, followed by its verb (not "That year", a time).
_POINTING_THAT = re.compile(
    r"^That(?:['’]s|\s(?:is|was|has|had|will|would|could|may|might|means|meant|makes|made|leaves|left)\b)"
)
# German "Das", "Die", "Der" are articles before a noun or an adjective ("Das neue Gesetz …") and pronouns
# before a verb ("Das ist …", "Die hat Strafanzeige erstattet …"): only the verbs a pronoun usually takes count,
# and "Das alles …" ("all that"); "Da" before its verb is "there" ("Da gibt es viele Bereiche …"), not "since"
# ("Da die Preise steigen, …").
_POINTING_DAS = re.compile(
    r"^(?:Das|Die|Der|Da)\s(?:gibt|gab|kommt|kam|steht|stand|ist|war|sei|wäre|sind|waren|hat|hatte|habe|hätte|"
    r"haben|hatten|wird|wurde|würde|werde|werden|wurden|kann|konnte|könnte|soll|sollte|muss|musste|müsse|darf|"
    r"dürfte|geht|ging|zeigt|zeigte|bedeutet|bedeutete|heißt|hieß|gilt|galt|betrifft|betraf|sagte|sagt|erklärte|"
    r"teilte|bestätigte|liegt|lag|klingt|klang|macht|machte|führt|führte|berichtet|berichtete|ergab|ergaben|"
    r"ergibt|meldet|meldete|schreibt|schrieb|alles)\b"
)
# A person named only by age ("Der 35-Jährige trainiert …", "The 46-year-old was …"): a bullet may say so when
# the TL;DR above it names the person, but the TL;DR itself is read first and has nobody to point back to.
_AGE_EPITHET = re.compile(
    r"\b(?:The|the|Der|der|Die|die|Den|den|Dem|dem)\s\d{1,3}-(?:[Jj]ährigen?\b|year-old(?=,|\s+(?:has|had|is|was|"
    r"will|would|could|can|said|says|told|added|\w+ed)\b))"
)
# A participle clause with no main clause after it ("Explaining why he argued as recently as 2015 that …"): a
# main clause would follow a comma.
_PARTICIPLE_ONLY = re.compile(
    r"^(?!According\b)[A-Z][a-z]+ing\s(?:why|how|what|whether|that|the|a|an|his|her|their|its)\s[^,]*$"
)
# An example needs the statement it illustrates, a comparison the thing it compares with: "For example, …",
# "Zum Beispiel geht es hier um …", "Genauso ist es, wenn …", "Likewise, …", "Por ejemplo, …".
_EXAMPLE_OPENER = re.compile(
    r"^(?:For\s+(?:example|instance)|Likewise|Similarly|Zum\s+Beispiel|Beispielsweise|Genauso|Ebenso|"
    r"Par\s+exemple|De\s+même|Por\s+ejemplo|Del\s+mismo\s+modo|Por\s+exemplo|Da\s+mesma\s+forma)\b",
)
# A question someone asked, reported without its answer ("Winfrey asked Harry whether they quit because …"):
# the bullet tells the reader what was asked, not what is so.
_REPORTED_QUESTION = re.compile(
    r"^(?!(?:When|After|As|Als|Nachdem|Cuando|Quand|Lorsque|Quando)\b)(?:[A-ZÄÖÜÁÉÍÓÚ][\w'’.-]*\s+){1,4}"
    r"(?:asked|asks|wondered|fragte|fragt|preguntó|pregunta|a\s+demandé|perguntou)"
    r"(?:\s+[\w'’-]+){0,4}?,?\s+(?:whether|if|ob|si|se)\b"
)
# A signpost to what follows ("Here's a round-up of what we learned …", "Here are the key points"): the reply
# shows the article's facts, not its table of contents.
_SIGNPOST = re.compile(r"^(?:Here['’]s|Here\s+(?:is|are))\s+(?:a|an|the|what|how|why|who|where|when|everything|our)\b")
# A sentence addressed to someone by name ("Herr Drosten, ich sage für heute vielen Dank.", "Mr Speaker, …"): a
# line of an interview or a debate transcript, spoken to a person, not a statement of the article's.
_VOCATIVE = re.compile(
    r"^(?:Herr|Frau|Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Monsieur|Madame|Señor|Señora|Senhor|Senhora)\.?"
    r"(?:\s+[A-ZÄÖÜ][\w'’.-]+){1,3},\s+(?:\S+\s+){0,3}?(?:ich|wir|Sie|I|we|you|je|nous|vous|yo|usted|eu|você)\b"
)
# German reported speech: a verb in the first subjunctive ("Eine der Brücken sei nicht mal 50 Meter lang.") says
# that someone said so. Without its source in the same sentence ("sagte …", "so …", "laut …", "… zufolge") the
# bullet would state a claim as the article's fact, its speaker in a sentence the reader does not see. Most of
# these forms are also the first person of the indicative ("ich habe", "ich gehe"), so a clause with "ich" in it
# is not read as a report.
_GERMAN_SUBJUNCTIVE = re.compile(
    r"\b(?:sei|seien|könne|müsse|solle|dürfe|wolle|gebe|liege|stehe|gehe|komme|bleibe|wisse|brauche|habe|werde)\b"
)
_GERMAN_FIRST_PERSON = re.compile(r"\b[Ii]ch\b")
_GERMAN_NOT_REPORTED = re.compile(r"\b(?:als\s+sei|es\s+sei\s+denn|sei\s+es|wie\s+dem\s+auch\s+sei)\b", re.IGNORECASE)
# Where the sentence names its source: "laut …", "… zufolge", "nach Angaben …", "heißt es", ", so der Minister",
# or a reporting clause put after the report, verb first (", teilte der Zivilschutz mit", ", ärgert er sich").
_GERMAN_SOURCE = re.compile(
    r"\b(?:[Ll]aut|zufolge|Angaben|heißt\s+es|hieß\s+es)\b|,\s+so\s+[A-ZÄÖÜ]|,\s+so\s+(?:der|die)\s"
    r"|,\s+[a-zäöüß]{3,}(?:t|te|ten|en)\s+(?:der|die|das|den|ein|eine|er|sie|es|man|[A-ZÄÖÜ])"
)
# German writes every noun with a capital, so a German line whose every lower-case word is a closed-class word
# (article, preposition, conjunction, particle) has no verb: a heading or a teaser ("Krebskongress in Linz über
# Schul- und Komplementärmedizin.", "Für ein Signal an Investor*innen und Auftragnehmer*innen.").
_GERMAN_FUNCTION_WORDS = word_set(
    "der die das den dem des ein eine einer einen einem eines kein keine keinen keinem keiner und oder aber sowie "
    "in im ins an am ans auf aus bei beim mit nach von vom zu zum zur über unter vor hinter neben zwischen für "
    "gegen ohne um durch bis seit ab als wie nicht auch nur noch schon sehr mehr weniger so innen mal "
    "samt statt trotz wegen während per pro je"
)
_GERMAN_QUOTED = re.compile(r"[„»\"“][^„»«“”\"]*[“«\"”]")
_GERMAN_WORD = re.compile(r"(?<![*:_/-])\b[^\W\d_][\w'’]*", re.UNICODE)
_FIRST_WORD = re.compile(r"^[\"'“‘«„(\[¿¡]*(\w+)", re.UNICODE)
_QUOTE_OPEN = "\"“‘'«„"
# ', he said.' / ', she added on Tuesday.' / '," they told CNN.': a quotation whose speaker is a pronoun.
_PRONOUN_SPEAKER = re.compile(
    r"[,?!.][\"'”’»]?\s+(?:he|she|they|it|we)\s+(?:said|says|added|adds|told|tells|explained|wrote|writes|"
    r"insisted|continued|claimed|admitted|warned|argued|noted|stated)\b",
    re.IGNORECASE,
)
# '," Stofan said' / '," the agency noted': the quotation is attributed to someone other than a bare pronoun.
_NAMED_SPEAKER = re.compile(r"[,?!…][\"'”’»]\s+(?!(?:he|she|they|it|we|i|you)\b)[\w“‘]", re.IGNORECASE)
# English finite verbs we can recognise without a tagger: auxiliaries, modals, contractions, the common
# irregular past forms, "-ed" forms and a present "-s" form followed by what a verb takes.
_AUXILIARY = word_set(
    "is are was were be been am has have had will would can could may might must should shall does did do "
    "isn't aren't wasn't weren't hasn't haven't hadn't won't wouldn't can't couldn't doesn't didn't don't "
    "shouldn't mustn't"
)
_IRREGULAR_PAST = word_set(
    "said told took made found won lost went came gave got began became left met ran saw sold spent struck fell "
    "felt held kept led paid put set hit cut quit shot fought caught brought bought thought built sent stood "
    "wrote broke chose drove rose spoke stole threw wore knew grew flew drew hid fled beat sank sang swam rang "
    "shut sat slept swept wept dealt meant heard sought taught understood withdrew overtook undertook upheld ate "
    "blew dug froze hung lay lit rode shook shone slid spun split spread stuck swore swung tore woke let bet "
    "became forgot forgave overcame arose bore"
)
_AFTER_PRESENT_VERB = word_set(
    "the a an its his her their our my to that it he she they him them this these those new more up out down "
    "off in on at for with by from no all over into about as not never"
)
_CONTRACTED_VERB = re.compile(r"\w(?:'|’)(?:s|re|ve|ll|d)$|n(?:'|’)t$", re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|million|billion|dozen|half)\b",
    re.IGNORECASE,
)
# Under this many words, a line without a verb we recognise is taken for a label or a teaser.
_FRAGMENT_MAX_WORDS = 8
# An "-ing" form opening the line, or right after a name or a plural with no comma between.
_ING_PREDICATE = re.compile(r"^\W*\w+ing\b|(?:\b[A-Z][\w'’-]*|\b\w*[^s\W]s)\s+\w+ing\b")
_CAPTION_LABEL = re.compile(r"^[\w'’.-]+(?:\s[\w'’.-]+){0,2}\s?:\s", re.UNICODE)
_GLUED_SENTENCE = re.compile(r"[\w)]\s(?:It|He|She|They|We)\s(?:is|was|were|are|has|had|have|will|would|said)\b")
_SPEECH_INTRO = re.compile(
    r"\b(?:said|says|say|added|adds|told|tells|explained|explains|warned|warns|wrote|writes|asked|asks|replied|"
    r"sagte|erklärte|a\s+déclaré|dijo|disse|заявил)\b",
    re.IGNORECASE,
)
# Openings of a feature's first line: a scene or a generality before any fact ("With summer around the corner,
# icy treats are back…", "Every year a trend comes around…", "It's amazing what…").
_FEATURE_OPENER = re.compile(
    r"^(?:As\s|With\s|Every\s(?:year|day|week|time)|When\s|If\s|Once\s|It['’]s\s|It\sis\s|There['’]s\s|"
    r"There\sare\s|There\sis\s|What\s|How\s|Why\s|Who\s|Ever\s|Meet\s|Forget\s)"
)
# A sentence opening on a connective ("Meanwhile, …", "However, …", "Mientras tanto, …", "Allerdings …")
# continues or answers the one before: it is not the article's point, and the TL;DR has nothing before it.
_CONNECTIVE_OPENER = re.compile(
    r"^(?:Meanwhile|However|But|Still|Nevertheless|Nonetheless|Moreover|Furthermore|In\s+addition|Also|"
    r"Besides|Instead|Mientras\s+tanto|Sin\s+embargo|Además|No\s+obstante|Por\s+otra\s+parte|"
    r"Por\s+otro\s+lado|Dennoch|Allerdings|Trotzdem|Außerdem|Zudem|Darüber\s+hinaus|Cependant|Pourtant|"
    r"En\s+outre|Par\s+ailleurs|De\s+plus|Toutefois|No\s+entanto|Além\s+disso|Entretanto|Porém|Contudo)\b"
)
_SCENE_SETTER = re.compile(r"^(?:Imagine|Picture\s+this|Ever\s+wondered|Have\s+you\s+ever)\b", re.IGNORECASE)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you've|imagine)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")


def _opening_word(text: str) -> str:
    match = _FIRST_WORD.match(text)
    return match.group(1).lower() if match else ""


def leans_on_earlier_text(text: str, language: str | None) -> bool:
    """The sentence opens with a word whose meaning was given by an earlier one ("He…", "The group…",
    "Darin…", "So lange…", "Son cifras…", "That is the view of…"); German "Denn …" gives the reason for what
    the sentence before said.

    "This week…", "That year…" point at a time, and an "it" that stands for nothing ("It is understood
    that…", "It comes after…", "It took ten hours to…") at the situation: neither needs an earlier sentence.
    """
    if _EXAMPLE_OPENER.match(text):
        return True
    pointing = _opening_word(text) in _POINTING_WORDS.get(language or "", frozenset())
    if pointing and not _TIME_DEMONSTRATIVE.match(text) and not (language == "en" and _EXPLETIVE_IT.match(text)):
        return True
    if (language == "en" and _POINTING_THAT.match(text)) or (language == "de" and _POINTING_DAS.match(text)):
        return True
    if language == "en" and _EPITHET_SUBJECT.match(text):
        return True
    vague = _VAGUE_SUBJECT.match(text) if language == "en" else None
    return vague is not None and _reads_as_verb(vague.group("next"))


def _reads_as_verb(word: str) -> bool:
    """A word right after a subject that is its verb: an auxiliary, a past form, or a present "-s" form."""
    lower = word.lower()
    if lower in _AUXILIARY or lower in _IRREGULAR_PAST or _CONTRACTED_VERB.search(lower):
        return True
    return lower.endswith("ed") or (lower.endswith("s") and not lower.endswith(("ss", "us", "is")))


def quotation_without_speaker(text: str) -> bool:
    """A quotation whose speaker is only a pronoun, or no one: it makes no sense out of its paragraph."""
    if _PRONOUN_SPEAKER.search(text):
        return True
    if text[:1] not in _QUOTE_OPEN:
        return False
    return not _NAMED_SPEAKER.search(text)


def is_caption(text: str) -> bool:
    """A picture caption or an editor's label glued into the text: "Big Ben: the 20lb lamb …", "Editor's note: …".

    Captions open with a label of a few words and a colon; a sentence that introduces a quotation or a list
    with a colon does so after a clause of its own, so longer openings are not taken for labels. A caption that
    lost its full stop runs into the next sentence, which then starts mid-line with a capitalised pronoun
    ("… after winning the Bahrain Grand Prix It was …").
    """
    label = _CAPTION_LABEL.match(text)
    if label and not _SPEECH_INTRO.search(label.group(0)):
        return True
    return bool(_GLUED_SENTENCE.search(_QUOTED.sub(" ", text)))


def fit_for_bullet(sentence: Sentence, language: str | None, shown_with: Sentence | None = None) -> bool:
    """The sentence can be a key point: complete, and readable without the sentences around it.

    In English it must also make a statement (a finite verb) and not be a scene-setter ("Imagine…").
    `shown_with` is the sentence shown right after it, if any (a short TL;DR takes its successor along): German
    reported speech may have its source there ("Die Digitalisierung werde Millionen Arbeitsplätze kosten. Eine
    Herausforderung, …, sagte Precht.").
    """
    if not sentence.standalone or leans_on_earlier_text(sentence.text, language) or is_caption(sentence.text):
        return False
    if quotation_without_speaker(sentence.text) or _points_back_inside(sentence.text, language):
        return False
    if _VOCATIVE.match(sentence.text) or _REPORTED_QUESTION.match(sentence.text) or _SIGNPOST.match(sentence.text):
        return False
    if language == "de" and (
        german_verbless(sentence.text)
        or (unattributed_german_report(sentence.text) and not (shown_with and names_a_german_source(shown_with.text)))
    ):
        return False
    return language != "en" or not (
        is_fragment(sentence.text) or _SCENE_SETTER.match(sentence.text) or _PARTICIPLE_ONLY.match(sentence.text)
    )


def german_verbless(text: str) -> bool:
    """A German line with no word that could be its verb: every lower-case word is an article, a preposition, a
    conjunction or a particle (nouns and names are capitalised). Lines with a quotation are left alone."""
    if text[:1] in _QUOTE_OPEN or _GERMAN_QUOTED.search(text):
        return False  # a quotation has its own verb, even where the splitter cut it apart
    words = _GERMAN_WORD.findall(text)
    lower = [word for word in words if word[:1].islower()]
    return len(words) > 1 and all(word.lower() in _GERMAN_FUNCTION_WORDS for word in lower)


def names_a_german_source(text: str) -> bool:
    """The sentence says who a report comes from: "laut …", "… zufolge", ", so …", ", sagte der Minister"."""
    return _GERMAN_SOURCE.search(_GERMAN_QUOTED.sub(" ", text)) is not None


def unattributed_german_report(text: str) -> bool:
    """German reported speech ("Eine der Brücken sei nicht mal 50 Meter lang.") with no one it is reported from
    in the same sentence: outside quotations, the main clause (up to the first comma) has a first-subjunctive
    verb, and no source is named ("laut …", "… zufolge", ", so …", ", sagte der Minister"). A subjunctive after
    a comma is reported by the clause before it ("Der AStA moniert, Lucke habe …") and does not count."""
    unquoted = _GERMAN_QUOTED.sub(" ", text)
    main_clause = re.split(r"[,:]", unquoted, maxsplit=1)[0]
    if not _GERMAN_SUBJUNCTIVE.search(main_clause) or _GERMAN_FIRST_PERSON.search(main_clause):
        return False
    if _GERMAN_NOT_REPORTED.search(unquoted):
        return False
    return not names_a_german_source(text)


def has_finite_verb(text: str) -> bool:
    """An English sentence has a verb we can recognise as finite (auxiliary, past, "-s" present form)."""
    words = [w.strip("'’-") for w in _WORD.findall(text)]
    for position, word in enumerate(words):
        lower = word.lower()
        if lower in _AUXILIARY or lower in _IRREGULAR_PAST or (position and _CONTRACTED_VERB.search(word)):
            return True
        if position and lower.endswith("ed") and len(lower) > 4 and words[position - 1].lower() not in ("the", "a"):
            return True
        following = words[position + 1].lower() if position + 1 < len(words) else ""
        present = lower.endswith("s") and not lower.endswith(("ss", "us", "is", "'s", "’s")) and len(lower) > 3
        if position and present and (following in _AFTER_PRESENT_VERB or following[:1].isdigit()):
            return True
    return False


def is_fragment(text: str) -> bool:
    """A headline teaser rather than a sentence: no finite verb we know, and either short or carried by an
    "-ing" form ("Alibaba Qwen AI team members departing after …"). A plain present ("Clean builds now take
    eleven minutes …") has no verb we recognise, so length and the "-ing" decide, not the verb alone. The "-ing"
    counts when it opens the line or follows what could be its subject (a name, a plural: "members departing"),
    not after an article ("the engineering team")."""
    if has_finite_verb(text):
        return False
    words = _WORD.findall(text)
    return len(words) < _FRAGMENT_MAX_WORDS or bool(_ING_PREDICATE.search(text))


def names_or_counts(text: str) -> bool:
    """The sentence names someone or something (a capitalised word after the first) or gives a number."""
    if _NUMBER.search(text):
        return True
    words = _WORD.findall(text)
    return any(word[:1].isupper() and word not in ("I", "I'm", "I’m") for word in words[1:])


# Inside a sentence, words that point back to an earlier one: German adverbs ("dürfen sie demnach …", "das
# Problem ist dabei …") and a demonstrative before a noun ("diese Ausbildung", "esse acordo"), unless the noun
# is a time ("in dieser Woche"); "como ya se dijo" ("as already said"). A bullet is read without the sentence
# they point to. (Not French "ces …": it as often points back within its own sentence, "les trottinettes … ces
# véhicules".)
_TIME_NOUNS = (
    r"Woche|Wochenende|Monat|Monats|Jahr|Jahres|Saison|Tag|Tage|Nacht|Zeit|Stunde|Minute|Morgen|Abend|Sommer|"
    r"Winter|Frühjahr|Herbst|semana|año|temporada|mes|noche|día|vez|mañana|tarde|ano|mês|dia|noite"
)
_INNER_POINTERS = {
    "de": re.compile(
        rf"\b(?:dabei|demnach|dadurch|daraufhin|deshalb|deswegen)\b|\b(?:diese[rmns]?)\s(?!(?:{_TIME_NOUNS})\b)[A-ZÄÖÜ]"
    ),
    # "dicho acuerdo" (that agreement), not the participle: "ha dicho que", "le ha dicho al país"
    "es": re.compile(
        rf"\bcomo\sya\sse\sdijo\b|(?<!\bha\s)(?<!\bhan\s)(?<!\bhabía\s)(?<!\bhabían\s)(?<!\bhemos\s)(?<!\bhe\s)"
        rf"\b(?:dicho|dicha|dichos|dichas)\s(?!(?:{_TIME_NOUNS}|que|a|al|el|la|los|las|en|por|de|del|lo|le|les|se|"
        rf"con|sobre|antes|ayer|hoy)\b)[a-záéíóúñ]"
    ),
    "pt": re.compile(rf"\b(?:esse|essa|esses|essas)\s(?!(?:{_TIME_NOUNS})\b)[a-záéíóúãõç]"),
}


def _points_back_inside(text: str, language: str | None) -> bool:
    pattern = _INNER_POINTERS.get(language or "")
    return pattern is not None and pattern.search(_QUOTED.sub(" ", text)) is not None


def carries_point(sentence: Sentence, language: str | None, shown_with: Sentence | None = None) -> bool:
    """The sentence can be the TL;DR: a bullet-worthy statement of a fact, not a teaser or a scene-setter.
    `shown_with`: the sentence the TL;DR would show after it (see `fit_for_bullet`)."""
    if not fit_for_bullet(sentence, language, shown_with) or sentence.text[:1] in _QUOTE_OPEN:
        return False
    if _AGE_EPITHET.search(sentence.text) or _CONNECTIVE_OPENER.match(sentence.text):
        return False
    if language != "en":
        return True
    unquoted = _QUOTED.sub(" ", sentence.text)
    if _SECOND_PERSON.search(unquoted):
        return False
    if names_or_counts(sentence.text):
        return True
    return has_finite_verb(sentence.text) and not _FEATURE_OPENER.match(sentence.text)
