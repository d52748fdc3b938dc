"""Removal of repeated blocks and truncated copies of blocks.

Pages repeat themselves: a teaser shows the first paragraph cut mid-word ("... enterprises curr") right above
the full paragraph, a pull quote or a lazy-loading template prints a paragraph twice, a fallback extractor
returns the same article once as list items and once as one long paragraph. Summaries built on such text
repeat themselves too, so the copies go. But repetition is also structure: an interview asks every guest the
same questions, a meal plan lists the same meal on two days. The rules below are written to tell the two
apart:

- exact repeats (same words, case and punctuation ignored): later copies go when the block is long (>= 15
  words) and the page is not built on repetition (< 25 % of its blocks repeated), or when it is very long
  (>= 30 words: nobody repeats 30 words on purpose);
- truncated copies: a block whose text is a strict prefix of another block (or of several consecutive blocks)
  goes when the cut is visible (it ends in "…"/"..." or stops mid-word; >= 5 words), or when it is long
  (>= 15 words) on a page not built on repetition. A short paragraph that merely *starts* like another one
  ("The company said." / "The company said it would appeal.") is not a prefix copy, because its own
  punctuation differs from the longer text at that point, so it stays;
- covered copies: a long block (>= 30 words) whose distinct 4-grams nearly all (>= 90 %) appear in other
  blocks is the same text segmented differently; the longest such blocks go first, so the finer
  segmentation stays.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.pipeline.blocks import Block, count_words
from bot.pipeline.overlap import shingle_set, tokens

EXACT_MIN_WORDS = 15
ALWAYS_COPY_WORDS = 30
VISIBLE_CUT_MIN_WORDS = 5
CLEAN_PREFIX_MIN_WORDS = 15
COVERED_MIN_WORDS = 30
COVERED_SHARE = 0.9
STRUCTURAL_REPEAT_SHARE = 0.25

_ELLIPSES = ("…", "...")
_KEY_RE = re.compile(r"\W+")
_SPACE_RE = re.compile(r"\s+")


def _key(text: str) -> str:
    return _KEY_RE.sub(" ", text.casefold()).strip()


def remove_repeats(blocks: list[Block]) -> list[Block]:
    """The blocks without repeated copies, truncated copies and re-segmented copies (first copy kept)."""
    if len(blocks) < 2:
        return list(blocks)
    flat = [_SPACE_RE.sub(" ", block.text).strip() for block in blocks]
    keys = [_key(text) for text in flat]
    counts = Counter(keys)
    repeated_share = sum(1 for key in keys if key and counts[key] >= 2) / len(keys)
    structural = repeated_share >= STRUCTURAL_REPEAT_SHARE
    keep = [True] * len(blocks)

    _drop_exact_repeats(keys, counts, structural, keep)
    _drop_truncated_copies(flat, structural, keep)
    _drop_covered_copies(blocks, flat, keep)
    return [block for block, kept in zip(blocks, keep, strict=True) if kept]


def _drop_exact_repeats(keys: list[str], counts: Counter[str], structural: bool, keep: list[bool]) -> None:
    seen: set[str] = set()
    for index, key in enumerate(keys):
        words = key.count(" ") + 1 if key else 0
        long_enough = words >= EXACT_MIN_WORDS and counts[key] <= 2 and not structural
        if not (long_enough or words >= ALWAYS_COPY_WORDS):
            continue
        if key in seen:
            keep[index] = False
        else:
            seen.add(key)


def _drop_truncated_copies(flat: list[str], structural: bool, keep: list[bool]) -> None:
    by_start: dict[str, list[int]] = {}
    for index, text in enumerate(flat):
        by_start.setdefault(text[:12], []).append(index)
    for index, text in enumerate(flat):
        if not keep[index] or len(by_start[text[:12]]) < 2:
            continue  # no other block starts like this one (the usual case): it cannot be a copy's prefix
        prefix, visible_cut = _strip_ellipsis(text)
        words = count_words(prefix)
        if words < VISIBLE_CUT_MIN_WORDS or len(prefix) < 12:
            continue
        for other in by_start.get(prefix[:12], ()):
            if other == index or not keep[other] or flat[other] == prefix:
                continue
            continuation = _text_from(flat, other, len(prefix), skip=index, keep=keep)
            if len(continuation) <= len(prefix) or not continuation.startswith(prefix):
                continue
            cut_mid_word = prefix[-1].isalnum() and continuation[len(prefix)].isalnum()
            if visible_cut or cut_mid_word or (words >= CLEAN_PREFIX_MIN_WORDS and not structural):
                keep[index] = False
                break


def _strip_ellipsis(text: str) -> tuple[str, bool]:
    for ellipsis in _ELLIPSES:
        if text.endswith(ellipsis):
            return text[: -len(ellipsis)].rstrip(), True
    return text, False


def _text_from(flat: list[str], start: int, length: int, *, skip: int, keep: list[bool]) -> str:
    """Text of block `start` continued by the following kept blocks until it is longer than `length`."""
    parts = [flat[start]]
    size = len(flat[start])
    position = start + 1
    while size <= length and position < len(flat):
        if position != skip and keep[position]:
            parts.append(flat[position])
            size += len(flat[position]) + 1
        position += 1
    return " ".join(parts)


def _drop_covered_copies(blocks: list[Block], flat: list[str], keep: list[bool]) -> None:
    candidates = [i for i, block in enumerate(blocks) if keep[i] and block.words >= COVERED_MIN_WORDS]
    if not candidates:
        return
    shingles = [shingle_set(tokens(text)) if keep[i] else set() for i, text in enumerate(flat)]
    blocks_with: Counter[tuple[str, ...]] = Counter()
    for block_shingles in shingles:
        blocks_with.update(block_shingles)
    for index in sorted(candidates, key=lambda i: -len(flat[i])):
        own = shingles[index]
        elsewhere = sum(1 for shingle in own if blocks_with[shingle] >= 2)
        if own and elsewhere >= COVERED_SHARE * len(own):
            keep[index] = False
            blocks_with.subtract(own)
