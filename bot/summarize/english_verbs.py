"""English verb forms for question generation: which word in a sentence is a verb, and its base form.

"Alibaba consolidated its AI teams" becomes "What did Alibaba consolidate?" only if we know that
"consolidated" is the past of "consolidate" (not "consolidat"). Spelling rules alone cannot tell ("created" →
"create" but "treated" → "treat"), and a lemmatiser wheel would bring numpy or a 20 MB dictionary into every
install. So the generator goes the other way: from a list of base forms of verbs that news and blogs use with
an object you can ask about, it spells every form (past, participle, -s, -ing) with the regular rules plus a
table of irregulars. A word is taken as a verb only if it is one of these spellings, so recognition is exact
and a question never contains a misspelt verb; a verb missing from the list costs a question, nothing worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import lemminflect

from bot.pipeline.language import word_set

# Reporting verbs: the verb the question uses ("say" for plain reporting) and every form found in text.
SPEECH_VERBS = {
    "say": "said says added adds explained explains noted notes wrote writes stated states "
    "recalled recalls continued continues told tells",
    "insist": "insisted insists",
    "allege": "alleged alleges",
    "concede": "conceded concedes",
    "deny": "denied denies",
    "argue": "argued argues",
    "claim": "claimed claims",
    "predict": "predicted predicts",
    "admit": "admitted admits",
    "suggest": "suggested suggests",
    "believe": "believes believed",
    "think": "thinks",
    "warn": "warned warns",
    "acknowledge": "acknowledged acknowledges",
    "estimate": "estimated estimates",
    "conclude": "concluded concludes",
}
SPEECH_FORMS = {form: base for base, forms in SPEECH_VERBS.items() for form in forms.split()}
SPEECH_ALTERNATION = "|".join(sorted(SPEECH_FORMS, key=len, reverse=True))


# Verbs whose object is a thing, a plan or a finding: "What did X <verb>?" reads naturally.
THING_OBJECT_VERBS = word_set(
    """
    accept acquire adopt allocate analyse analyze announce approve attend authorise authorize avoid award ban
    blame block boost break bring build buy cancel capture change choose clinch close complete confirm
    consolidate create criticise criticize cut defend delay deliver deny deploy design destroy develop discover
    display donate double draft draw earn ease end endorse enforce expand export extend face file finalise
    finalize find fund grant grow halve hit host implement impose improve increase install introduce invent
    invest issue join launch lead lift lose lower manufacture miss open oppose order outline overturn pass
    patent pause plan postpone praise predict present produce promise propose publish purchase question raise
    reach receive recommend record reduce reject release remove renew replace report request require restore
    resume reveal review score scrap secure seize sell share ship show sign spend steal study submit support
    survey suspend test tighten triple unveil update upgrade veto win withdraw write
    """
)

# Verbs whose object is usually a person: "Who did police arrest?" when a person follows the verb. Verbs in
# both lists ask "Who" before a person and "What" before anything else ("criticised the plan").
PERSON_OBJECT_VERBS = word_set(
    """
    appoint arrest blame charge criticise criticize defeat detain elect fire hire interview name nominate
    praise promote question rescue sack sign sue suspend thank visit warn
    """
)

_IRREGULAR = {  # base: (past, participle)
    "break": ("broke", "broken"),
    "bring": ("brought", "brought"),
    "build": ("built", "built"),
    "buy": ("bought", "bought"),
    "choose": ("chose", "chosen"),
    "cut": ("cut", "cut"),
    "draw": ("drew", "drawn"),
    "find": ("found", "found"),
    "grow": ("grew", "grown"),
    "hit": ("hit", "hit"),
    "lead": ("led", "led"),
    "lose": ("lost", "lost"),
    "sell": ("sold", "sold"),
    "show": ("showed", "shown"),
    "spend": ("spent", "spent"),
    "steal": ("stole", "stolen"),
    "win": ("won", "won"),
    "write": ("wrote", "written"),
}
# Regular verbs that double their last consonant: "ban" → "banned", "submit" → "submitted".
_DOUBLING = word_set("ban plan scrap ship stop drop admit submit commit permit omit")
# British and American spellings both occur: "cancelled" / "canceled".
_L_DOUBLING = word_set("cancel label model travel signal fuel total")


@dataclass(frozen=True, slots=True)
class VerbForm:
    """One spelling of a verb: its base form and which form it is."""

    base: str
    kind: str  # "past", "participle", "third" (3rd person singular present), "ing" or "base"


def _regular(base: str) -> tuple[list[str], str, str]:
    """([past spellings], third person singular, -ing form) of a regular verb."""
    if base in _L_DOUBLING:
        return [base + "led", base + "ed"], base + "s", base + "ling"
    if base in _DOUBLING:
        stem = base + base[-1]
        return [stem + "ed"], base + "s", stem + "ing"
    if base.endswith("e"):
        past, ing = base + "d", (base if base.endswith("ee") else base[:-1]) + "ing"
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        past, ing = base[:-1] + "ied", base + "ing"
    else:
        past, ing = base + "ed", base + "ing"
    if base.endswith(("s", "sh", "ch", "x", "z")):
        third = base + "es"
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        third = base[:-1] + "ies"
    else:
        third = base + "s"
    return [past], third, ing


def _spell_all(bases: frozenset[str]) -> dict[str, VerbForm]:
    forms: dict[str, VerbForm] = {}
    for base in sorted(bases):
        pasts, third, ing = _regular(base)
        participles = list(pasts)
        if base in _IRREGULAR:
            past, participle = _IRREGULAR[base]
            pasts, participles = [past], [participle]
        for spelling in pasts:
            forms.setdefault(spelling, VerbForm(base, "past"))
        for spelling in participles:
            forms.setdefault(spelling, VerbForm(base, "participle"))
        forms.setdefault(third, VerbForm(base, "third"))
        forms.setdefault(ing, VerbForm(base, "ing"))
        forms.setdefault(base, VerbForm(base, "base"))
    return forms


THING_OBJECT_FORMS = _spell_all(THING_OBJECT_VERBS)
PERSON_OBJECT_FORMS = _spell_all(PERSON_OBJECT_VERBS - THING_OBJECT_VERBS)
# --- any English verb, through `lemminflect` -------------------------------------------------------------------
# The lists above say which verbs make a good "What did X <verb>?"; which words are verb forms at all, and their
# base form, comes from lemminflect's lexicon (~100,000 English word forms with their parts of speech), so a
# question can use any verb the article does ("Why did the city double …?") and spell it right.


@dataclass(frozen=True, slots=True)
class VerbReading:
    """A word read as a verb: its base form, the Penn tags it can carry (VBD, VBN, VBZ…) and whether it can
    also be a noun or an adjective (so position must decide)."""

    lemma: str
    tags: frozenset[str]
    also_noun: bool


@lru_cache(maxsize=65_536)
def verb_reading(word: str) -> VerbReading | None:
    """How a lower-case word reads as a verb, or None if it is not a verb form."""
    lemmas = lemminflect.getAllLemmas(word)
    candidates = lemmas.get("VERB", ()) + lemmas.get("AUX", ())
    for lemma in candidates:
        tags = frozenset(tag for tag, forms in lemminflect.getAllInflections(lemma).items() if word in forms)
        if word == lemma:
            tags |= {"VB", "VBP"}
        if word.endswith("ed") and "VBD" in tags:
            tags |= {"VBN"}  # the lexicon lists some participles only as pasts ("accused")
        if tags - {"NN", "NNS"}:
            return VerbReading(lemma, tags - {"NN", "NNS"}, "NOUN" in lemmas or "ADJ" in lemmas)
    return None
