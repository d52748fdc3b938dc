"""How much of one text appears in another: the agreement measure between extractors and between blocks.

Word 4-grams ("shingles") are robust to the small differences two extractors produce for the same paragraph
(a dropped link, different spacing, a caption glued on); very short blocks have too few shingles, so they are
matched as a whole word sequence instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_TOKEN_RE = re.compile(r"\w+")
SHINGLE_SIZE = 4
_SHORT_BLOCK_TOKENS = 6


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text.casefold())


def shingle_counts(token_list: list[str], size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of word n-grams; a text shorter than n words is a single shorter shingle."""
    if not token_list:
        return Counter()
    if len(token_list) < size:
        return Counter([tuple(token_list)])
    return Counter(zip(*(token_list[offset:] for offset in range(size)), strict=False))


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
        shingles = set(shingle_counts(all_tokens))
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
        own = shingle_counts(text_tokens)
        total = sum(own.values())
        found = sum(count for shingle, count in own.items() if shingle in self._shingles)
        return found / total

    def contains(self, text: str, threshold: float = 0.5) -> bool:
        return self.coverage(text) >= threshold
