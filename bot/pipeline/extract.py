"""Extraction stage: fetched HTML -> `ExtractedArticle` (metadata + clean body text), off the event loop.

`extract_article` is pure and synchronous: parse once, gate obviously empty pages, run trafilatura (fallbacks
on, metadata included) and, when its result is doubtful, readability-lxml as a second opinion; combine them by
agreement (`combine`), remove repeated and truncated blocks (`repeats`), then gate what is left (`quality`).
It runs inside the CPU pool's workers (`bot.pipeline.cpu_pool`, `bot.pipeline.worker.read_page`) because
trafilatura can spend seconds (or forever) on pathological pages and holds the GIL while it does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from lxml.etree import ParserError, XPath
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from bot.article import ArticleContent
from bot.errors import ExtractionFailed, NotArticle, PipelineError
from bot.pipeline.blocks import Block, count_words, join_blocks
from bot.pipeline.candidates import readability_candidate, trafilatura_candidate
from bot.pipeline.combine import agreement, combine
from bot.pipeline.decoding import repair_blocks, repair_field
from bot.pipeline.furniture import trim_furniture
from bot.pipeline.language import choose_language
from bot.pipeline.metadata import (
    canonical_url,
    clean_author,
    clean_site_name,
    declared_language,
    json_ld_documents,
    parse_date,
)
from bot.pipeline.page_qa import find_page_qa, without_page_qa
from bot.pipeline.papers import doi_of_page
from bot.pipeline.quality import check_article, check_page
from bot.pipeline.repeats import remove_repeats
from bot.pipeline.title import choose_title, site_names

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractedArticle(ArticleContent):
    """The article as extraction found it on one page.

    `canonical_url` is the page's own claim (`<link rel=canonical>` or `og:url`, absolute, http(s)), or None;
    the pipeline decides the URL the article is stored under.
    """

    canonical_url: str | None = None
    second_opinion: bool = False
    """Whether readability-lxml ran on this page (trafilatura's result was doubtful, see `doubtful`)."""


def extract_article(html: str, url: str | None = None, *, second_opinion: bool | None = None) -> ExtractedArticle:
    """Extract the article of one page. Raises NotArticle (nothing worth summarising) or ExtractionFailed.

    `second_opinion` forces readability-lxml on (True) or off (False); by default it runs when trafilatura's
    result is doubtful (`doubtful`). Benchmarks force it to measure what the choice costs in quality.
    """
    if not html or not html.strip():
        raise NotArticle("The page is empty: there is no text on it.")
    tree = _parse(html)
    check_page(tree)
    _restore_drop_caps(tree)

    try:
        document, primary, witnessed = trafilatura_candidate(tree, url)
        if second_opinion is None:
            second_opinion = doubtful(primary, witnessed)
        secondary = readability_candidate(tree) if second_opinion else witnessed or []
    except PipelineError:
        raise
    except Exception as error:  # a library bug on a strange page must not look like a crash of ours
        logger.warning("extraction failed", exc_info=True)
        raise ExtractionFailed("linkbrief could not read this page's content.") from error

    json_ld = json_ld_documents(tree)
    names = site_names(tree, json_ld)
    fallback = document.title if document else None
    title = repair_field(choose_title(tree, url, fallback, json_ld=json_ld, names=names))
    page_qa = find_page_qa(tree, json_ld)
    blocks = repair_blocks(without_page_qa(remove_repeats(combine(primary, secondary, title)), page_qa))
    trimmed = trim_furniture(check_article(tree, blocks), title)
    blocks = trimmed.blocks
    text = join_blocks(blocks)
    words = count_words(text)

    return ExtractedArticle(
        title=title,
        author=clean_author(document.author if document else None) or trimmed.byline,
        published=parse_date(document.date) if document else None,
        site_name=clean_site_name(document.sitename if document else None, names),
        language=choose_language(declared_language(tree), text, words),
        canonical_url=canonical_url(tree, url),
        text=text,
        word_count=words,
        page_qa=page_qa.pairs,
        doi=doi_of_page(tree),
        second_opinion=second_opinion,
    )


DOUBTFUL_AGREEMENT = 0.5
"""Below this share of words in common (either way) trafilatura's result and its own readability pass tell two
different stories about the page, and readability-lxml is asked for a proper second opinion."""


def doubtful(primary: list[Block], witnessed: list[Block] | None) -> bool:
    """Whether trafilatura's result needs readability-lxml's second opinion, or the readability pass trafilatura
    made on the way (`witnessed`) is second opinion enough.

    Measured on the scrapinghub corpus: with the witnessed pass alone, benchmark F1 fell from 0.9733 to 0.9700,
    nearly all of it on two pages where trafilatura stopped early and its readability pass found a different
    part of the page (words in common: none), where readability-lxml (which reads the page without its
    invisible elements, `readability_candidate`) finds the article trafilatura cut short. So readability-lxml
    runs when there is no witnessed pass or trafilatura found nothing, and when the two share less than
    `DOUBTFUL_AGREEMENT` of either's words: about one page in 16 of that corpus.
    """
    if not primary or not witnessed:
        return True
    return agreement(primary, witnessed) < DOUBTFUL_AGREEMENT or agreement(witnessed, primary) < DOUBTFUL_AGREEMENT


# An element holding one capital letter and nothing else: a drop cap set apart from its paragraph for styling.
_LONE_LETTERS = XPath("//*[not(*)][string-length(normalize-space(text())) = 1]")


def _restore_drop_caps(tree: HtmlElement) -> None:
    """Put a drop cap back at the start of its paragraph: `<span>T</span><p>urkey, Poland …</p>`.

    Pages that style the first letter as a separate element outside the paragraph lose it to every extractor
    (it is not in the paragraph, and alone it is not text), and the article then opens "urkey, Poland …", which
    no sentence splitter reads as a sentence start. A lone capital letter directly followed by an element whose
    first text starts in lower case is that paragraph's first letter.
    """
    for letter_element in _LONE_LETTERS(tree):
        letter = (letter_element.text or "").strip()
        following = letter_element.getnext()
        if not letter.isupper() or following is None or (letter_element.tail or "").strip():
            continue
        node = following
        while not (node.text or "").strip() and len(node):
            node = node[0]
        text = (node.text or "").lstrip()
        if text[:1].islower():
            node.text = letter + text
            letter_element.text = ""


def _parse(html: str) -> HtmlElement:
    try:
        tree = load_html(html)
    except (ParserError, ValueError) as error:
        raise NotArticle("The page is not readable HTML.") from error
    if tree is None:
        raise NotArticle("The page is not readable HTML.")
    return tree
