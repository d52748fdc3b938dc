"""When two lines of a summary say the same thing: the share of content words they have in common.

A reader notices a repeat by its words, not by its punctuation: a key point that is the TL;DR with a clause
added, or an answer that is a bullet cut in two, reads as the same thing said twice even though no two strings
are equal. So every part of a reply (TL;DR, key points, answers) is compared on its content words (stemmed,
stop words left out, per language) and two lines that share `REPEAT_SHARE` of the words of the shorter one
count as one. The shorter line is the measure because a short line wholly contained in a long one is the
plainest repeat there is. One word in common is never a repeat, however short the lines ("Another rise is
possible." after a TL;DR about a rise): stop-word lists are long, and a short line may keep a single word.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.pipeline.language import LanguageTools, language_tools

REPEAT_SHARE = 0.6
MIN_SHARED_WORDS = 2


def content_words(text: str | None, tools: LanguageTools) -> frozenset[str]:
    """The distinct content terms of `text` (stems of the words that are not stop words)."""
    return frozenset(tools.content_terms(text or ""))


def shared_share(first: frozenset[str], second: frozenset[str]) -> float:
    """Share of the smaller set's words that the other also has; 0 when they share fewer than two."""
    shared = len(first & second)
    if shared < MIN_SHARED_WORDS:
        return 0.0
    return shared / min(len(first), len(second))


def says_again(first: frozenset[str], second: frozenset[str]) -> bool:
    """The two lines say the same thing as far as a reader can tell."""
    return shared_share(first, second) >= REPEAT_SHARE


def tools_for(texts: Iterable[str | None], language: str | None = None) -> LanguageTools:
    """Language tools for comparing a summary's lines: the declared language, or the one the lines are in."""
    return language_tools(" ".join(t for t in texts if t), language)


def first_repeat(items: list[frozenset[str]]) -> tuple[int, int] | None:
    """The first pair (i, j), i < j, of items that say the same thing, or None when all differ."""
    for j, second in enumerate(items):
        for i in range(j):
            if says_again(items[i], second):
                return (i, j)
    return None
