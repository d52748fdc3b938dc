"""Text a reader of a summary does not need: datelines, credits, calls to click, read more or scroll.

Extraction keeps the article body, but bodies still carry the furniture of the page they came from: a
"(CNN) —" dateline glued to the first sentence, "Scroll down for video" glued to a caption, "Read more: …" and
"Photo: Getty Images". A sentence that is only furniture is dropped; furniture at the start or end of a real
sentence is trimmed off, so what remains is still a span of the article.

Patterns are deliberately conservative (anchored, short, and in the languages we summarise): removing a real
sentence costs more than leaving a credit in.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE | re.UNICODE

# A whole sentence that is furniture, in any of the languages we summarise.
_DROP_SENTENCE = re.compile(
    r"""^\W*(?:
        (?:click|tap|press)\s+here\b
      | (?:clique|cliquez|haga\s+clic|pulse|klicken\s+sie|нажмите)\b
      | (?:read|see)\s+(?:more|also)\b
      | related(?:\s+(?:articles?|stories|content|coverage))?\s*:
      | scroll\s+(?:down|up)\b
      | (?:sign\s+up|subscribe)\b.{0,80}\b(?:newsletter|updates|free|here)\b
      | follow\s+(?:us|@?\w+(?:\s+\w+)?)\s+on\s+(?:twitter|x|facebook|instagram|linkedin|threads|bluesky)\b
      | (?:share|like)\s+(?:this|us)\b.{0,40}$
      | (?:photo|image|picture|video|graphic|illustration)s?(?:\s+credit)?\s*:
      | (?:getty\s+images|ap\s+photo|reuters|afp|shutterstock)\b.{0,60}$
      | advertisement\s*$
      | (?:this\s+(?:article|story)\s+(?:was|has\s+been)\s+(?:updated|corrected))\b
      | all\s+rights\s+reserved\b
      | copyright\s+\d{4}
      | lesen\s+sie\s+(?:auch|mehr)\b | mehr\s+zum\s+thema\b | weiterlesen\b
      | (?:à\s+)?lire\s+(?:aussi|également|la\s+suite)\b
      | lea\s+(?:también|más)\b | leer\s+más\b
      | leia\s+(?:também|mais)\b | saiba\s+mais\b
      | leggi\s+(?:anche|di\s+più)\b
      | читайте\s+(?:также|далее)\b | подробнее\s*:
    )""",
    _FLAGS | re.VERBOSE,
)

# A sentence that ends by crediting the reporting: "X and Y contributed to this report."
_DROP_CREDIT_LINE = re.compile(
    r"\bcontributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story)\W*$"
    r"|^(?:[A-Z][\w'’.-]*\s+){1,4}(?:reported|wrote)\s+(?:from|in)\s+(?:[A-Z][\w'’.-]*\s*){1,3}\.?$"
    r"|^(?:reporting|writing|editing|additional\s+reporting)\s+by\s+[^.]{2,80}\.?$",
    re.IGNORECASE | re.UNICODE,
)

# Datelines open a paragraph, so they are only looked for at the start of one.
_DATELINES = (
    # "(CNN)", "(CNN) —", "(Reuters) -", "LONDON (AP) —", "WASHINGTON, D.C. (CNN) --"
    re.compile(
        r"^\s*(?:[A-Z][A-Za-z .,'’-]{1,40}\s*)?\((?:CNN|AP|AFP|Reuters|dpa|EPA|CNBC|Bloomberg|UPI|"
        r"[A-Z][A-Za-z]{1,20}\s+(?:News|Wire|Press))[^)]{0,30}\)\s*(?:[-—–]{1,2}\s*)?"
    ),
    # "WASHINGTON — ", "PARIS -- " (an all-capitals place name then a dash)
    re.compile(r"^\s*[A-ZÀ-ÖØ-ÞА-Я][A-ZÀ-ÖØ-ÞА-Я .,'’]{2,30}\s+[-—–]{1,2}\s+(?=\S)"),
    # "DUBAI, United Arab Emirates — ", "CLEVELAND, Ohio – ", "WASHINGTON, D.C. -- " (the city in capitals,
    # then its country or state as usually written)
    re.compile(
        r"^\s*[A-ZÀ-ÖØ-ÞА-Я][A-ZÀ-ÖØ-ÞА-Я .'’-]{2,30},\s+(?:[A-ZÀ-ÖØ-ÞА-Я][\w.'’-]*\s+){0,3}"
        r"[A-ZÀ-ÖØ-ÞА-Я][\w.'’-]*\s+[-—–]{1,2}\s+(?=\S)"
    ),
)

# Furniture glued to the front of any sentence.
_LEADING = (
    # "Q:" / "A:" labels of an interview transcript
    re.compile(r"^\s*[QA]\s*:\s+(?=\S)"),
    # "Scroll down for video", "Click here to watch" glued to the sentence that follows
    re.compile(r"^\s*scroll\s+(?:down|up)\s+for\s+(?:video|more)s?\b[\s.:]*", _FLAGS),
    # "Watch the video:" glued to the sentence that follows
    re.compile(r"^\s*(?:watch\s+(?:the\s+)?video|video)\s*:\s+(?=\S)", _FLAGS),
    # "By . Jane Doe . PUBLISHED: . 10:05 EST, 3 March 2014 . | . UPDATED: . 11:00 EST, 3 March 2014 . "
    re.compile(
        r"^\s*By\s*\.\s.{1,80}?\s\.\s+(?:PUBLISHED|Last\s+updated)\s*:.{0,120}?\d{4}\s*\.\s*"
        r"(?:\|\s*\.\s*UPDATED\s*:.{0,80}?\d{4}\s*\.\s*)?",
        re.UNICODE,
    ),
)

# Furniture glued to the end of a real sentence: "… on Tuesday. (Photo: Getty Images)", "Read more: …".
_TRAILING = (
    re.compile(r"\s*\((?:photo|image|picture|video|credit|file\s+photo)[^)]{0,80}\)\s*$", _FLAGS),
    re.compile(r"\s+(?:read\s+more|click\s+here|scroll\s+down)\b[^.!?]{0,120}$", _FLAGS),
)

# Asides that point at a picture the summary does not show: "(pictured)", "(left)", "(pictured right)".
_PICTURE_ASIDE = re.compile(
    r"\s*\((?:pictured|picture|photo|above|below|left|right|centre|center|top|bottom|inset|file)"
    r"(?:\s+(?:above|below|left|right|centre|center|top|bottom|with\s+[^)]{1,40}|in\s+[^)]{1,40}))?\)",
    _FLAGS,
)


def is_furniture(sentence: str) -> bool:
    """True for a sentence that is only page furniture and should never reach a summary."""
    return bool(_DROP_SENTENCE.match(sentence) or _DROP_CREDIT_LINE.search(sentence))


def trim_furniture(sentence: str, *, opens_paragraph: bool) -> str:
    """The sentence without datelines, credits and picture asides at its edges; whitespace collapsed."""
    text = sentence
    if opens_paragraph:
        for pattern in _DATELINES:
            text = pattern.sub("", text, count=1)
    for pattern in _LEADING:
        text = pattern.sub("", text, count=1)
    for pattern in _TRAILING:
        text = pattern.sub("", text, count=1)
    text = _PICTURE_ASIDE.sub("", text)
    return " ".join(text.split())


# Connectives that tie a sentence to the one before it ("But", "However,"): noise once the sentence stands
# alone in a list. Coordinating words go with or without a comma; adverbs only with one, since without it they
# may be part of the clause ("Still waters…", German "Allerdings sagte er…" would lose its verb position).
_CONNECTIVES = {
    "en": (
        ("but", "and", "yet"),
        (
            "however",
            "now",
            "meanwhile",
            "still",
            "indeed",
            "in fact",
            "moreover",
            "furthermore",
            "additionally",
            "instead",
            "also",
            "so",
            "plus",
            "then",
            "though",
            "besides",
            "in addition",
            "nonetheless",
            "nevertheless",
            "anyway",
            "of course",
        ),
    ),
    "de": (("aber", "und", "doch", "sondern"), ("allerdings", "jedoch", "trotzdem", "außerdem")),
    "fr": (("mais", "et", "or"), ("cependant", "pourtant", "toutefois", "par ailleurs", "en outre", "ainsi")),
    "es": (("pero", "y", "mas"), ("sin embargo", "además", "no obstante", "por otra parte", "así")),
    "pt": (("mas", "e", "porém"), ("no entanto", "além disso", "contudo", "entretanto", "assim")),
    "it": (("ma", "e"), ("tuttavia", "inoltre", "però", "comunque")),
    "nl": (("maar", "en"), ("echter", "bovendien", "toch")),
    "ru": (("но", "и", "а", "однако"), ("кроме того", "при этом", "впрочем", "тем не менее")),
}


def _connective_pattern(bare: tuple[str, ...], with_comma: tuple[str, ...]) -> re.Pattern[str]:
    def alternatives(words: tuple[str, ...]) -> str:
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))

    return re.compile(rf"^(?:(?:{alternatives(bare)})\b,?|(?:{alternatives(with_comma)}),)\s+(?=\S)", _FLAGS)


_CONNECTIVE_PATTERNS = {code: _connective_pattern(*words) for code, words in _CONNECTIVES.items()}


def trim_connective(sentence: str, language: str | None) -> str:
    """The sentence without a leading "But"/"However," (per language), first letter raised to upper case."""
    pattern = _CONNECTIVE_PATTERNS.get(language or "")
    if pattern is None:
        return sentence
    rest = pattern.sub("", sentence, count=1)
    if rest is sentence or rest == sentence or not rest[:1].isalpha():
        return sentence
    return rest[:1].upper() + rest[1:]
