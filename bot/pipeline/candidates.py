"""The two extractors, each turned into a list of blocks.

trafilatura runs with its own fallbacks on (its readability port and jusText rescue a page its main algorithm
misses) and keeps link markup, so each block knows how much of it is link text. readability-lxml runs
separately as the second opinion `combine` needs. Each candidate is cleaned the same way before comparison:
sentences cut at inline tags are re-joined and repeated blocks removed.

Two of trafilatura's internals are replaced for the process: its readability pass is kept as that second
opinion instead of thrown away, and its metadata pass skips the category, tag and licence fields linkbrief
never shows.
"""

from __future__ import annotations

import datetime
import logging
import threading
from copy import deepcopy

import trafilatura
import trafilatura.external
import trafilatura.metadata
from lxml.etree import Comment, ParserError, strip_elements
from lxml.html import HtmlElement, fragment_fromstring
from readability import Document as ReadabilityDocument
from readability.readability import Unparseable
from trafilatura.settings import Document as TrafilaturaDocument

from bot.pipeline.blocks import Block, element_blocks, merge_fragments
from bot.pipeline.repeats import remove_repeats

logger = logging.getLogger(__name__)

_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "nav", "footer")


class _ReadabilityWitness(threading.local):
    """What trafilatura's own readability pass found on the page being extracted in this thread."""

    bodies: list[HtmlElement] | None = None


_witness = _ReadabilityWitness()
_trafilatura_try_readability = trafilatura.external.try_readability


def _witnessed_try_readability(htmlinput: HtmlElement) -> HtmlElement:
    body = _trafilatura_try_readability(htmlinput)
    if _witness.bodies is not None:
        _witness.bodies.append(body)
    return body


# trafilatura runs its port of readability-lxml on every page to decide between its own result and
# readability's, then throws readability's away. Kept (a reference, no copy), it is the second opinion
# `combine` needs at no cost: a separate readability-lxml pass was a quarter of the CPU of a new page.
trafilatura.external.try_readability = _witnessed_try_readability


def _no_categories_or_tags(metatype: str, tree: HtmlElement) -> list[str]:
    """In place of `trafilatura.metadata.extract_catstags` (same signature): no category or tag links."""
    return []


def _no_license(tree: HtmlElement) -> str | None:
    """In place of `trafilatura.metadata.extract_license` (same signature): no licence."""
    return None


# trafilatura's metadata pass also reads every category and tag link of the page and searches its footer for a
# licence. linkbrief shows neither (it keeps title, author, date and site name), and the two were 2 ms of CPU
# per page, a third of the metadata pass when the page names its author in its meta tags.
trafilatura.metadata.extract_catstags = _no_categories_or_tags
trafilatura.metadata.extract_license = _no_license


def trafilatura_candidate(
    tree: HtmlElement, url: str | None
) -> tuple[TrafilaturaDocument | None, list[Block], list[Block] | None]:
    """trafilatura's document (metadata included), its article body as blocks, and the blocks of the
    readability pass trafilatura made on the way (None when it made none).

    `tree` is not modified: trafilatura works on its own copy of a parsed tree.
    """
    _witness.bodies = []
    try:
        document = _bare_extraction(tree, url)
        bodies = _witness.bodies
    finally:
        _witness.bodies = None
    # The first pass is on the whole page; trafilatura's recall retry, when it makes one, reads less of it.
    second = clean_blocks(element_blocks(_body_of(bodies[0]))) if bodies else None
    if document is None or document.body is None:
        return document, [], second
    return document, clean_blocks(element_blocks(document.body)), second


def _body_of(summary: HtmlElement) -> HtmlElement:
    body = summary.find(".//body")
    return body if body is not None else summary


def _bare_extraction(tree: HtmlElement, url: str | None) -> TrafilaturaDocument | None:
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        # Any format but "python" leaves the body unserialised: linkbrief reads `document.body`, never
        # `document.text`, and the text conversion was 0.7 ms of CPU per page for nothing. "txt" changes
        # nothing else (no formatting, the same tag conversion).
        output_format="txt",
        with_metadata=True,
        date_extraction_params=_date_params(),
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_images=False,
    )
    # bare_extraction is annotated `Document | dict | None` because of its deprecated `as_dict` flag; without
    # that flag (as here) it returns a Document or None.
    assert not isinstance(document, dict), "bare_extraction returns a dict only with as_dict=True"
    return document


def _date_params() -> dict[str, object]:
    """Publication (not modification) date from structured places only: meta tags, JSON-LD, <time>, date-like
    bylines. htmldate's "extensive" free-text search is off because it turns a footer's "© 2026" into
    1 January 2026; no date is better than a wrong one in the reply's header."""
    return {
        "original_date": True,
        "extensive_search": False,
        "max_date": datetime.date.today().isoformat(),
    }


def readability_candidate(tree: HtmlElement) -> list[Block]:
    """readability-lxml's article as blocks (empty when it finds nothing).

    readability gets a copy of the already parsed tree (it drops hidden elements from its input in place;
    its own cleaning works on a further copy, so its retry pass starts from the same input again), without
    the elements that never hold article text.
    """
    copy = deepcopy(tree)
    # Invisible elements readability would score and clean for nothing (and SVG icons are many elements).
    strip_elements(copy, *_INVISIBLE_TAGS, Comment, with_tail=False)
    try:
        summary = ReadabilityDocument(copy).summary(html_partial=True)
    except (Unparseable, ParserError, ValueError) as error:
        logger.debug("readability found no article: %s", error)
        return []
    if not summary or not summary.strip():
        return []
    try:
        fragment = fragment_fromstring(summary, create_parent="div")
    except (ParserError, ValueError):
        return []
    return clean_blocks(element_blocks(fragment))


def clean_blocks(blocks: list[Block]) -> list[Block]:
    return remove_repeats(merge_fragments(blocks))
