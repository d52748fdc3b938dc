"""Combining two extractors by agreement.

trafilatura and readability find the article in different ways and fail on different pages: trafilatura keeps
the headline, the standfirst and the newsletter box under the article, or stops at an ad in the middle of it;
readability keeps photo captions, bylines and "VIDEO" labels between paragraphs. Where they *agree* the text is
almost always article. So trafilatura's blocks are the skeleton (its choice inside the article is the better
one), and readability is the second opinion at the edges:

- before the first block both agree on, trafilatura's headings and short lines (headline, kicker, byline) go;
  its longer paragraphs stay, because a lede in its own container is often found by trafilatura alone;
- after the last agreed block, trafilatura's headings, short lines and link-heavy blocks go (newsletter
  sign-ups, "more stories", copyright lines); long plain paragraphs stay;
- readability's long plain paragraphs *after* the last agreed block are added when there are at least two of
  them: that is an article trafilatura cut short, not a lone boilerplate paragraph;
- anywhere, short blocks that are mostly link text ("READ MORE: ...", related headlines), lists of links,
  and blocks that are nothing but a URL or a machine timestamp go, whichever extractor kept them.

When the two barely agree (different parts of the page), the edges are not trimmed: there is no second
opinion worth the name, and trafilatura alone is the better bet.
"""

from __future__ import annotations

import re

from bot.pipeline.blocks import Block
from bot.pipeline.overlap import TextIndex, tokens

AGREED_COVERAGE = 0.5
MIN_AGREEMENT = 0.3
LEAD_MIN_WORDS = 10
TAIL_MIN_WORDS = 25
TAIL_MAX_LINK_DENSITY = 0.3
CONTINUATION_MIN_WORDS = 30
CONTINUATION_MAX_LINK_DENSITY = 0.25
CONTINUATION_MIN_BLOCKS = 2
LINK_BLOCK_MAX_WORDS = 15
LINK_BLOCK_DENSITY = 0.7
LINK_LIST_DENSITY = 0.8
TITLE_SEARCH_BLOCKS = 5

_PROSE_KINDS = frozenset({"paragraph", "quote"})
_BARE_VALUE_RE = re.compile(
    r"(?:https?://|www\.)\S+"  # a URL
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"  # an ISO time
)


def combine(primary: list[Block], secondary: list[Block], title: str | None = None) -> list[Block]:
    """Article blocks from trafilatura's (`primary`) and readability's (`secondary`) blocks."""
    primary = strip_title(primary, title)
    secondary = strip_title(secondary, title)
    if not primary:
        return drop_link_blocks(secondary)
    result = primary
    if secondary:
        result = _trim_with_second_opinion(primary, secondary)
    return drop_link_blocks(result)


def _trim_with_second_opinion(primary: list[Block], secondary: list[Block]) -> list[Block]:
    secondary_index = TextIndex(block.text for block in secondary)
    agreed = [secondary_index.contains(block.text, AGREED_COVERAGE) for block in primary]
    if not any(agreed) or _agreement(primary, agreed) < MIN_AGREEMENT:
        return primary
    first = agreed.index(True)
    last = len(agreed) - 1 - agreed[::-1].index(True)

    result: list[Block] = []
    for position, block in enumerate(primary):
        if position < first and _is_lead_noise(block):
            continue
        if position > last and _is_tail_noise(block):
            continue
        result.append(block)
    result.extend(_continuation(primary, secondary))
    return result


def agreement(blocks: list[Block], other: list[Block]) -> float:
    """Share of the words of `blocks` in blocks that `other` also has (each block judged as `combine` does)."""
    if not blocks or not other:
        return 0.0
    index = TextIndex(block.text for block in other)
    return _agreement(blocks, [index.contains(block.text, AGREED_COVERAGE) for block in blocks])


def _agreement(primary: list[Block], agreed: list[bool]) -> float:
    """Share of trafilatura's words that readability also found."""
    total = sum(len(tokens(block.text)) for block in primary)
    shared = sum(len(tokens(block.text)) for block, ok in zip(primary, agreed, strict=True) if ok)
    return shared / total if total else 0.0


def _is_lead_noise(block: Block) -> bool:
    return block.kind == "heading" or block.words < LEAD_MIN_WORDS


def _is_tail_noise(block: Block) -> bool:
    return block.kind == "heading" or block.words < TAIL_MIN_WORDS or block.link_density > TAIL_MAX_LINK_DENSITY


def _continuation(primary: list[Block], secondary: list[Block]) -> list[Block]:
    """readability's long paragraphs after the last block trafilatura also has (an article cut short)."""
    primary_index = TextIndex(block.text for block in primary)
    agreed = [primary_index.contains(block.text, AGREED_COVERAGE) for block in secondary]
    if not any(agreed):
        return []
    last = len(agreed) - 1 - agreed[::-1].index(True)
    tail = [
        block
        for block in secondary[last + 1 :]
        if block.kind in _PROSE_KINDS
        and block.words >= CONTINUATION_MIN_WORDS
        and block.link_density < CONTINUATION_MAX_LINK_DENSITY
    ]
    return tail if len(tail) >= CONTINUATION_MIN_BLOCKS else []


def drop_link_blocks(blocks: list[Block]) -> list[Block]:
    """Without short mostly-link blocks, lists of links and bare URLs or timestamps: page furniture."""
    return [block for block in blocks if not (_is_link_block(block) or _is_bare_value(block))]


def _is_bare_value(block: Block) -> bool:
    """A block that is one URL or one machine timestamp (leaked microdata, share widgets), no prose."""
    return bool(_BARE_VALUE_RE.fullmatch(block.text))


def _is_link_block(block: Block) -> bool:
    if block.kind == "list":
        return block.link_density >= LINK_LIST_DENSITY
    if block.kind in ("paragraph", "heading"):
        return block.link_density >= LINK_BLOCK_DENSITY and block.words <= LINK_BLOCK_MAX_WORDS
    return False


def strip_title(blocks: list[Block], title: str | None) -> list[Block]:
    """Without copies of the headline near the top: the title is its own field, `text` is the body.

    Pages often print the headline more than once (a kicker, the h1, a share-card caption).
    """
    if not title:
        return blocks
    title_key = " ".join(tokens(title))
    if not title_key:
        return blocks
    return [
        block
        for position, block in enumerate(blocks)
        if position >= TITLE_SEARCH_BLOCKS or not _is_title(" ".join(tokens(block.text)), title_key)
    ]


def _is_title(block_key: str, title_key: str) -> bool:
    """Same words as the title, or nearly: the title with a site name around it, or most of the title.
    A short block that merely occurs in the title (a name, a slogan) is not the headline."""
    if not block_key:
        return False
    if block_key == title_key:
        return True
    if block_key in title_key:  # the h1 without the " | Site name" the <title> carries
        return len(block_key) >= 0.6 * len(title_key)
    return title_key in block_key and len(block_key) <= 1.3 * len(title_key)
