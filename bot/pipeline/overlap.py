"""How much of one text appears in another: the agreement measure between extractors and between blocks.

Word 4-grams ("shingles") are robust to the small differences two extractors produce for the same paragraph
(a dropped link, different spacing, a caption glued on); very short blocks have too few shingles, so they are
matched as a whole word sequence instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

_TOKEN_RE = re.compile(r"\w+")
SHINGLE_SIZE = 4
_SHORT_BLOCK_TOKENS = 6
_TOKEN_CACHE_SIZE = 4096
"""Texts whose tokens are kept. One page asks for the same blocks' tokens again and again (the agreement
test, `combine`, title stripping, repeat removal, the card and Q&A matchers: 90% of the calls on the
scrapinghub corpus are repeats); the cache holds no more than a few pages' blocks."""


@lru_cache(maxsize=_TOKEN_CACHE_SIZE)
def tokens(text: str) -> tuple[str, ...]:
    """The casefolded `\\w+` words of `text` (cached: see `_TOKEN_CACHE_SIZE`; a tuple, so no caller can change
    what the next one reads)."""
    return tuple(_TOKEN_RE.findall(text.casefold()))


def shingle_set(token_list: Sequence[str], size: int = SHINGLE_SIZE) -> set[tuple[str, ...]]:
    """The distinct word n-grams of a text; a text shorter than n words is a single shorter shingle."""
    if len(token_list) < size:
        return {tuple(token_list)} if token_list else set()
    return set(zip(*(token_list[offset:] for offset in range(size)), strict=False))


class TextIndex:
    """A text prepared for "is this block in it?" questions."""

    __slots__ = ("_joined", "_shingles")

    def __init__(self, texts: Iterable[str]) -> None:
        all_tokens: list[str] = []
        short_blocks: list[tuple[str, ...]] = []
        for text in texts:
            block_tokens = tokens(text)
            all_tokens.extend(block_tokens)
            if 0 < len(block_tokens) < SHINGLE_SIZE:
                short_blocks.append(tuple(block_tokens))
        # Shingles run across block boundaries: extractors split paragraphs differently.
        shingles = shingle_set(all_tokens)
        shingles.update(short_blocks)
        self._shingles = shingles
        self._joined = " " + " ".join(all_tokens) + " "

    def coverage(self, text: str) -> float:
        """Share of `text` found in the index (0..1)."""
        text_tokens = tokens(text)
        if not text_tokens:
            return 0.0
        if len(text_tokens) < _SHORT_BLOCK_TOKENS:
            return 1.0 if f" {' '.join(text_tokens)} " in self._joined else 0.0
        if len(text_tokens) < SHINGLE_SIZE:
            return 1.0 if tuple(text_tokens) in self._shingles else 0.0
        # Every n-gram of the text, repeats counted, without building the multiset.
        grams = zip(*(text_tokens[offset:] for offset in range(SHINGLE_SIZE)), strict=False)
        found = sum(map(self._shingles.__contains__, grams))
        return found / (len(text_tokens) - SHINGLE_SIZE + 1)

    def contains(self, text: str, threshold: float = 0.5) -> bool:
        return self.coverage(text) >= threshold
