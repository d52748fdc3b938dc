"""The worker side of the CPU pool: the one task a new page costs.

`read_page` is everything CPU-bound a new page needs, in one task: extraction, the content fingerprint and (with
the offline summariser) the summary. One trip through the pool per new page: the text crosses the process
boundary once each way, and the fingerprint and summary do not queue a second and third time behind other
pages' extractions. The dedup lookups by canonical URL and fingerprint happen after, in the parent (they need
the database); when they find the article was already stored, the summary made here is the only work wasted.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from bot.article import ArticleContent
from bot.pipeline.documents import read_document
from bot.pipeline.extract import ExtractedArticle
from bot.pipeline.fingerprint import TextFingerprint, fingerprint
from bot.pipeline.pdf import DEFAULT_MAX_PAGES
from bot.summarize.base import Summary, SummaryInput
from bot.summarize.extractive import summarize_extractive

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageReading:
    """What the pool's one task made of a new page."""

    article: ExtractedArticle
    fingerprint: TextFingerprint
    summary: Summary | None
    """The offline summary, or None when it was not asked for (the LLM summariser runs in the parent) or failed."""
    summary_failed: bool = False
    cpu_ms: dict[str, float] = field(default_factory=dict)
    """CPU milliseconds of each step in the worker (extract, fingerprint, summarize): the per-stage breakdown."""


def summary_input(article: ArticleContent) -> SummaryInput:
    """What a summariser reads of an article: its text, title, language and the page's own Q&A."""
    return SummaryInput(text=article.text, title=article.title, language=article.language, page_qa=article.page_qa)


def read_page(
    html: str,
    url: str | None,
    summarise: bool,
    content_type: str = "text/html",
    body: bytes = b"",
    max_pages: int = DEFAULT_MAX_PAGES,
) -> PageReading:
    """Extract, fingerprint and (when `summarise`) summarise one page. Raises what `extract_article` raises.

    A page that is not HTML (`content_type`: a PDF in `body`, read up to `max_pages` pages, or plain text in
    `html`) is read by its own reader (`read_document`)."""
    cpu_ms: dict[str, float] = {}
    started = time.process_time()
    article = read_document(content_type, html, body, url, max_pages)
    extracted = time.process_time()
    print_ = fingerprint(article.text)
    printed = time.process_time()
    cpu_ms["extract"] = (extracted - started) * 1000
    cpu_ms["fingerprint"] = (printed - extracted) * 1000
    summary = None
    failed = False
    if summarise:
        try:
            summary = summarize_extractive(summary_input(article))
        except Exception:  # the article is still worth storing; the parent logs the missing summary
            logger.warning("summary failed in worker", exc_info=True)
            failed = True
        cpu_ms["summarize"] = (time.process_time() - printed) * 1000
    return PageReading(article=article, fingerprint=print_, summary=summary, summary_failed=failed, cpu_ms=cpu_ms)
