"""The two extractors, each turned into a list of blocks.

trafilatura runs with its own fallbacks on (its readability port and jusText rescue a page its main algorithm
misses) and keeps link markup, so each block knows how much of it is link text. readability-lxml runs
separately as the second opinion `combine` needs. Each candidate is cleaned the same way before comparison:
sentences cut at inline tags are re-joined and repeated blocks removed.
"""

from __future__ import annotations

import datetime
import logging
from copy import deepcopy

import trafilatura
from lxml.etree import Comment, ParserError, strip_elements
from lxml.html import HtmlElement, fragment_fromstring
from readability import Document as ReadabilityDocument
from readability.readability import Unparseable
from trafilatura.settings import Document as TrafilaturaDocument

from bot.pipeline.blocks import Block, element_blocks, merge_fragments
from bot.pipeline.repeats import remove_repeats

logger = logging.getLogger(__name__)

_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "nav", "footer")


def trafilatura_candidate(tree: HtmlElement, url: str | None) -> tuple[TrafilaturaDocument | None, list[Block]]:
    """trafilatura's document (metadata included) and its article body as blocks.

    `tree` is not modified: trafilatura works on its own copy of a parsed tree.
    """
    document = trafilatura.bare_extraction(
        tree,
        url=url,
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
    if document is None or document.body is None:
        return document, []
    return document, clean_blocks(element_blocks(document.body))


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
