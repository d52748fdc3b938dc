"""Content identity: an exact hash and a near-duplicate fingerprint of an article's text.

The same article reaches us under many URLs (syndication, AMP copies, mirrors). The exact hash catches a
byte-for-byte copy of the text once whitespace and case are normalised; trafilatura's SimHash catches copies that
differ a little (a changed line, an extra credit). SimHash is a bag of words, so two texts with the same words
in another order collide: `texts_match` confirms a candidate on word 3-shingles before we call it the same.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from trafilatura.deduplication import Simhash

_WORD = re.compile(r"\w+", re.UNICODE)

# Hamming distance (of 64 bits) within which two fingerprints are candidates for the same text. The store's
# band index is built for exactly this bound (4 bands of 16 bits: pigeonhole), so the two must change together.
NEAR_DUPLICATE_DISTANCE = 3
# Share of word 3-shingles two texts must have in common (Jaccard) to be the same article.
SHINGLE_SIMILARITY = 0.75
# Below this many words a fingerprint says too little: short texts are matched by exact hash only.
MIN_WORDS_FOR_NEAR_MATCH = 40


@dataclass(frozen=True, slots=True)
class TextFingerprint:
    """What dedup needs to know about a text, computed once."""

    content_hash: str
    simhash: int
    word_count: int


def normalise_text(text: str) -> str:
    """Fold the differences that never make two texts different articles: Unicode form, case, spacing."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def fingerprint(text: str) -> TextFingerprint:
    """Hash and SimHash of `text`; CPU-bound (a few ms per article), so callers run it off the event loop."""
    normalised = normalise_text(text)
    digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
    return TextFingerprint(
        content_hash=digest,
        simhash=Simhash(normalised).hash,
        word_count=len(_WORD.findall(normalised)),
    )


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(normalise_text(text))
    if len(words) < 3:
        return {tuple(words)}
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def texts_match(a: str, b: str) -> bool:
    """True when two texts share enough word 3-shingles to be one article (Jaccard similarity)."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return False
    return len(sa & sb) / len(sa | sb) >= SHINGLE_SIMILARITY
