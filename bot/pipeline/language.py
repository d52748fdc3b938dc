"""The article's language: what the page declares, checked against what the text is.

Templates often declare one language for a whole multilingual site (`<html lang="en">` over a German article),
and many pages declare none, so the declaration alone is not enough. py3langid (langid.py's maintained fork,
the detector trafilatura itself uses; its model ships inside the wheel, nothing is downloaded) classifies the
extracted text. The declaration wins when the text is short or the detector unsure; a confident detection on
enough text wins over a contradicting declaration.
"""

from __future__ import annotations

import re
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

DETECTION_SAMPLE_CHARS = 1000
CONFIDENT = 0.95
MIN_WORDS_TO_OVERRIDE = 30

_CODE_RE = re.compile(r"^[a-z]{2,3}$")


@cache
def _identifier() -> LanguageIdentifier:
    """The model (about 1 s to load): loaded once per process, ideally in the forkserver before forking."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load_model() -> None:
    _identifier()


def normalize_language(value: str | None) -> str | None:
    """ "en-US", "en_GB", "EN" -> "en"; anything that is not a language tag -> None."""
    if not value:
        return None
    primary = re.split(r"[-_\s,;]", value.strip().lower(), maxsplit=1)[0]
    return primary if _CODE_RE.match(primary) and primary not in {"und", "xx", "zxx", "mul"} else None


def detect_language(text: str) -> tuple[str, float] | None:
    """(ISO 639-1 code, probability) of the text, or None for text without letters."""
    sample = text[:DETECTION_SAMPLE_CHARS]
    if not any(character.isalpha() for character in sample):
        return None
    code, probability = _identifier().classify(sample)
    return str(code), float(probability)


def choose_language(declared: str | None, text: str, words: int) -> str | None:
    detected = detect_language(text)
    if detected is None:
        return declared
    code, probability = detected
    if declared is None:
        return code if probability >= 0.5 else None
    if code != declared and probability >= CONFIDENT and words >= MIN_WORDS_TO_OVERRIDE:
        return code
    return declared
